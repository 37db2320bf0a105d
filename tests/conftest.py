"""Shared pytest fixtures. Helpers live in their own modules (fixtures_video, report_fakes);
fixtures that several test files use are imported here."""

from __future__ import annotations

from fixtures_video import clip_dir, full_task  # noqa: F401
