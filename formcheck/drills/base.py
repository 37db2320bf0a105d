"""The types drills are declared with: a `Cue` per key point, a `Drill` holding them.

A cue names its check (the function itself, from a family in ``formcheck.cues``), its thresholds
as data with the unit in every name, the signals it needs (the view decides whether it can be judged), the
segments it applies to, and its kind: a ``fault`` check, ``advice`` (a recommendation never
counted as a fault), ``info`` (a measure reported without judgement) or ``coach`` (a key point
the camera cannot see, listed in every report and never judged).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from formcheck.cues.base import Check

KINDS = ("fault", "advice", "info", "coach")


class _Threshold(float):
    """A threshold in a check text: ``{x}`` → ``165``, ``{x:pct}`` → ``90 %``."""

    def __format__(self, spec: str) -> str:
        if spec == "pct":
            return f"{float(self) * 100:g} %"
        return format(float(self), spec or "g")


class _Section:
    """A settings section in a check text: ``{segment.top_band_deg}`` → its value, overridden or
    the default of `SegmentParams` / `SignalParams`."""

    def __init__(self, defaults: object, overrides: Mapping[str, float]) -> None:
        self._defaults, self._overrides = defaults, overrides

    def __getattr__(self, name: str) -> _Threshold:
        if name in self._overrides:
            return _Threshold(self._overrides[name])
        return _Threshold(getattr(self._defaults, name))


APPLIES = ("rep", "hold", "single_leg", "set")
#: settings sections outside the drills, which a check text may name (``{segment.top_band_deg}``)
SECTIONS = ("segment", "signals")


@dataclass(frozen=True, kw_only=True)
class Cue:
    """One key point of a drill and how formcheck checks it."""

    id: str
    #: the article's words
    key_point: str
    #: a short on-screen line for its fault, in a coach's words ("Pause and squeeze at the
    #: top"); "" reads as the id's own words
    fault_words: str = ""
    #: the signal a plot of its fault spans is drawn on (None: not plotted)
    plot_signal: str | None = None
    #: threshold lines it draws on plots: plotted signal -> its parameter on that signal's
    #: scale (``min_…`` is drawn as a floor, ``max_…`` as a ceiling)
    plot_lines: Mapping[str, str] = field(default_factory=dict)
    #: what is measured, in one line (CUES.md's "check" column): a template whose ``{param}``
    #: fields are this cue's thresholds (``{param:pct}`` for a fraction shown in per cent) or a
    #: setting of segmentation or signals (``{segment.top_band_deg}``), so the text follows an
    #: override; read it as `check_line`
    check_text: str
    #: the check: a function of ``formcheck.cues``'s families (None for coach checks)
    check: Check | None = None
    params: Mapping[str, float] = field(default_factory=dict)
    #: signals the check needs; ``needs_any``: one of them is enough
    needs: tuple[str, ...] = ()
    needs_any: bool = False
    kind: str = "fault"
    applies_to: str = "rep"
    #: overrides of the ``segment.*`` / ``signals.*`` settings, for the check text only
    section_overrides: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.id}: kind {self.kind!r} not in {KINDS}")
        if self.applies_to not in APPLIES:
            raise ValueError(f"{self.id}: applies_to {self.applies_to!r} not in {APPLIES}")
        if self.kind != "coach" and not self.check:
            raise ValueError(f"{self.id}: a judged cue needs a check")
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))
        object.__setattr__(self, "section_overrides", MappingProxyType(dict(self.section_overrides)))
        object.__setattr__(self, "plot_lines", MappingProxyType(dict(self.plot_lines)))
        for param in self.plot_lines.values():
            if param not in self.params:
                raise ValueError(f"{self.id}: plot_lines names no parameter {param!r}")
        try:
            _ = self.check_line
        except (KeyError, AttributeError, ValueError) as err:
            raise ValueError(f"{self.id}: check_text names no parameter {err}") from None

    @property
    def check_line(self) -> str:
        """What is measured, with this cue's thresholds (and the settings it names) filled in."""
        from formcheck.segment import SegmentParams
        from formcheck.signals import SignalParams

        values: dict[str, object] = {k: _Threshold(v) for k, v in self.params.items()}
        for section, defaults in (("segment", SegmentParams()), ("signals", SignalParams())):
            prefix = section + "."
            mine = {
                k[len(prefix) :]: v for k, v in self.section_overrides.items() if k.startswith(prefix)
            }
            values[section] = _Section(defaults, mine)
        return self.check_text.format_map(values)

    @property
    def coach_check(self) -> bool:
        return self.kind == "coach"

    @property
    def views_needed(self) -> tuple[str, ...]:
        """The camera views that can judge this cue (empty for coach checks)."""
        from formcheck.view import MEASURABLE, VIEWS

        if not self.needs:
            return () if self.coach_check else VIEWS
        pick = any if self.needs_any else all
        return tuple(v for v in VIEWS if pick(s in MEASURABLE[v] for s in self.needs))

    def with_params(self, **values: float) -> Cue:
        unknown = set(values) - set(self.params)
        if unknown:
            raise KeyError(f"{self.id} has no parameter {', '.join(sorted(unknown))}")
        return replace(self, params={**self.params, **values})


@dataclass(frozen=True, kw_only=True)
class Drill:
    """A drill: its name, how its set is segmented, and its cues."""

    id: str
    name: str
    #: "reps" or "holds"
    segments: str
    #: the drill is done on one leg (reps carry the working side)
    single_leg: bool = False
    cues: tuple[Cue, ...] = ()
    description: str = ""
    #: ways of doing the drill the athlete chooses (the camera cannot tell), e.g. table top's
    #: "toe" (stance heel up on the toe); ``variant`` is the chosen one ("" = the standard way)
    variants: tuple[str, ...] = ()
    variant: str = ""
    #: segmentation settings (`formcheck.segment.SegmentParams` fields) that this drill's cues
    #: own: field -> (cue id, parameter), e.g. a table top's hold ends at ``tth.hold_top``'s
    #: dip, so ``--set tth.hold_top.dip_below_deg=…`` moves where holds split
    segment_settings: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "segment_settings", MappingProxyType(dict(self.segment_settings)))
        for name, (cue_id, param) in self.segment_settings.items():
            if param not in self.cue(cue_id).params:
                raise ValueError(f"{self.id}: segment setting {name} names {cue_id}.{param}, no such parameter")

    def segment_values(self) -> dict[str, float]:
        """The `segment_settings` with this drill's (possibly overridden) values."""
        return {name: self.param(*where) for name, where in self.segment_settings.items()}

    def with_variant(self, variant: str) -> Drill:
        """This drill done the ``variant`` way; ValueError if it has no such variant."""
        if variant and variant not in self.variants:
            offered = ", ".join(self.variants) or "none"
            raise ValueError(f"{self.name} has no variant {variant!r} (its variants: {offered})")
        return replace(self, variant=variant)

    def cue(self, cue_id: str) -> Cue:
        for c in self.cues:
            if c.id == cue_id:
                return c
        raise KeyError(f"{self.id} has no cue {cue_id!r}")

    def param(self, cue_id: str, name: str) -> float:
        return float(self.cue(cue_id).params[name])

    @property
    def judged(self) -> tuple[Cue, ...]:
        return tuple(c for c in self.cues if not c.coach_check)

    @property
    def coach_checks(self) -> tuple[Cue, ...]:
        return tuple(c for c in self.cues if c.coach_check)

    def with_overrides(self, overrides: Mapping[str, float]) -> Drill:
        """A copy with thresholds replaced: keys ``"cue.id.param"`` of this drill's cues; the
        ``segment.*`` / ``signals.*`` keys reach the check texts that name them."""
        sections = {k: v for k, v in overrides.items() if k.split(".", 1)[0] in SECTIONS}
        cues = []
        for c in self.cues:
            mine = {k[len(c.id) + 1 :]: v for k, v in overrides.items() if k.startswith(c.id + ".")}
            cue = c.with_params(**mine) if mine else c
            cues.append(replace(cue, section_overrides=sections) if sections else cue)
        return replace(self, cues=tuple(cues))
