"""The report's words for the server's Jinja templates, which render a report from its JSON form.

``report_fragment.html`` renders the dict of `formcheck.report.serialize.report_to_dict`; the
words and numbers it shows are the ones every other rendering shows, made here by the report
layer's own functions (`formcheck.report.words`, `formcheck.report.units`), so a phone reads
"✗ missed", "≥ 165°" and "Leg lift 1 (right lifted)" as the HTML report and the console do.

`register` puts them in a Jinja environment as the global ``fc``, which the fragment needs
(`formcheck.server.app.templates` registers it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from formcheck.report.model import Reason, Status
from formcheck.report.serialize import segment_from_dict
from formcheck.report.units import format_limit, format_value, measure_unit
from formcheck.report.words import (
    REASON_WORDS,
    STATUS_WORDS,
    UNJUDGED_KINDS,
    cue_words,
    hold_mark_words,
    mark_words,
    measure_label,
    segment_label,
    signal_words,
)

#: the name of the global the templates read these words from
GLOBAL_NAME = "fc"
#: the prefix of a result's message without a verdict (the badge says it)
NOT_MEASURABLE_PREFIX = "not measurable: "
#: the CSS class of each status (``app.css``): colour beside the mark and its words
STATUS_CLASS = {
    "pass": "ok",
    "fault": "fault",
    "advice": "advice",
    "info": "info",
    "not_measurable": "nm",
}


class _HasGlobals(Protocol):
    globals: dict[str, Any]


class ReportWords:
    """The words of a report dict's parts; the templates call these as ``fc.key_point(…)``."""

    @staticmethod
    def key_point(cue_id: str) -> str:
        """The article's key point of a cue ("Drive hips up to bridge position")."""
        return cue_words(cue_id).key_point

    @staticmethod
    def verdict(result: Mapping[str, Any]) -> dict[str, str]:
        """``{"mark", "words", "cls"}`` of a result dict: "✓" "met" "ok", "–" "not measurable
        from this view" "nm", …, as the console's and the HTML report's legend."""
        status = Status(result["status"])
        if status is Status.NOT_MEASURABLE:
            mark, words = REASON_WORDS[Reason(result.get("reason") or Reason.VIEW.value)]
        else:
            mark, words = STATUS_WORDS[status]
        return {"mark": mark, "words": words, "cls": STATUS_CLASS[status.value]}

    @staticmethod
    def message(result: Mapping[str, Any]) -> str:
        """The result's line, without the "not measurable: " its badge already says."""
        return str(result.get("message") or "").removeprefix(NOT_MEASURABLE_PREFIX)

    @staticmethod
    def value(value: float | None, unit: str, against: float | None = None) -> str:
        """A value with its unit ("158°", "1.2 s"); "—" for none."""
        return format_value(value, unit, against=against)

    @staticmethod
    def limit(comparison: str, threshold: float | None, unit: str) -> str:
        """A threshold as a reader sees it ("≥ 165°")."""
        return format_limit(comparison, threshold, unit)

    @staticmethod
    def segment_label(segment: Mapping[str, Any]) -> str:
        """A segment as the reports name it ("Rep 2 (left)", "Leg lift 1 (right lifted)")."""
        return segment_label(segment_from_dict(dict(segment)))

    @staticmethod
    def unjudged(kind: str) -> str:
        """Why a segment of this kind gets no verdicts ("" when it does)."""
        return UNJUDGED_KINDS.get(kind, "")

    @staticmethod
    def measure(name: str, value: float | None) -> str:
        """A segment's measure by its name's unit (``lower_s`` → "1.6 s")."""
        return format_value(value, measure_unit(name))

    @staticmethod
    def measure_label(name: str) -> str:
        """``peak_hip_extension_deg`` → "Peak hip extension"."""
        return measure_label(name)

    @staticmethod
    def mark(mark_s: float) -> str:
        """A hold mark as the article says it ("10 s", "2 min")."""
        return mark_words(mark_s)

    @staticmethod
    def hold_marks(longest_s: float, marks_s: Sequence[float]) -> str:
        """The longest hold against the marks, honestly ("longest hold 4.2 s, below the 10 s
        mark")."""
        return hold_mark_words(longest_s, list(marks_s)) if marks_s else ""

    @staticmethod
    def signal(name: str) -> str:
        """A signal in plain words ("knee gap")."""
        return signal_words(name)


def register(env: _HasGlobals) -> None:
    """Make the words available to every template of a Jinja environment as ``fc``
    (``Jinja2Templates(...).env`` in FastAPI)."""
    env.globals[GLOBAL_NAME] = ReportWords()
