"""The cue checks: small functions over `Signals` and a `Span` → `CueResult`, by family.

- `formcheck.cues.tempo`: a rep's height and tempo (hips up, the squeeze at the top, the
  slow lowering);
- `formcheck.cues.ground`: the touch-down (all the way down; no drop, no rest);
- `formcheck.cues.body`: the pelvis, arms, support foot and knees;
- `formcheck.cues.holds`: a table top's hold and its progressions.

A drill's `Cue` names its check as the function itself (``check=tempo.top_pause``), so
go-to-definition leads from a key point to its code. Each check reads its thresholds from
``cue.params`` and returns numbers, never sentences: `formcheck.cues.base.result` (pass or
fault, with the value, threshold, unit, the time spans to show, and ``what`` it measured with
the ``details`` its words need), `info` or `not_measurable`. The words are made in the report
layer (`formcheck.report.verdict_words`). `judge` (`formcheck.cues.base`) runs a check only
where the view and the segment let the cue be measured. To add a check, write a function
``(cue, ctx) -> CueResult`` in the family it belongs to and name it in a drill's cue
(ARCHITECTURE.md has a worked example).
"""

from __future__ import annotations

from formcheck.cues.base import Check, CueContext, judge
from formcheck.cues.holds import mark_reached

__all__ = ["Check", "CueContext", "judge", "mark_reached"]
