"""Shared pytest fixtures. Helpers live in their own modules (fixtures_video, report_fakes,
shared_clips, fixtures_postgres for a throwaway PostgreSQL server, fixtures_browser for pages in
the system's Chromium); fixtures that several test files use are imported here.

The benchmark's own modules (`synth_suite`, `borderline_suite`, `scoring`, in benchmarks/) are
imported by name, as the benchmarks import them: their folder goes on the path here.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from fixtures_browser import browser, browser_with_fake_camera, phone_page, playwright_sync  # noqa: E402, F401
from fixtures_postgres import postgres_cluster, postgres_db_url, postgres_url  # noqa: E402, F401
from fixtures_server import server  # noqa: E402, F401
from fixtures_video import clip_dir, full_task  # noqa: E402, F401
