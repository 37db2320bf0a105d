"""From a `PoseTrack` to judged segments: repair → view → signals → drill → segments → verdicts.

``assess(track, drill="auto", settings=None)`` runs the stages and returns an `Assessment`, made
of the stages' own types only; `formcheck.report.assemble` turns it into a `Report`, and
`formcheck.pipeline.analyze_track` does both. Pure and fast (no pose model): a saved track is
re-judged with new thresholds in milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from formcheck.drills import DRILLS, Drill, get_drill
from formcheck.drills.recognize import Recognition, recognize_drill
from formcheck.errors import BadSettings
from formcheck.judging import judge_all, missing_spans
from formcheck.outliers import drop_identity_jumps, untangle_leg_swaps
from formcheck.segment import Span
from formcheck.segmenting import find_segments, segment_params, with_working_side
from formcheck.settings import Settings
from formcheck.signals import Signals, compute_signals
from formcheck.types import CueResult, PoseTrack
from formcheck.view import detect_view


@dataclass(frozen=True, kw_only=True)
class DrillChoice:
    """The drill judged, and how it was chosen."""

    #: None: the clip shows none of the three drills (``--drill auto``), and nothing is judged
    drill: Drill | None
    #: "given" (chosen by the user) or "auto" (recognised from the pose)
    source: str
    #: how sure the choice is (0..1): recognised (auto), or how much the movement looks like
    #: the drill the user gave; with no drill, how sure it is that the clip shows none
    confidence: float
    #: why the movement does not look like a bridge drill (none when recognised as one)
    not_a_bridge: tuple[str, ...] = ()
    #: what recognition found, whatever was chosen
    recognition: Recognition


@dataclass(frozen=True, kw_only=True)
class Assessment:
    """What the stages made of one track; ``spans[i]`` is the segment ``results`` call ``i``."""

    track: PoseTrack
    signals: Signals
    choice: DrillChoice
    spans: tuple[Span, ...] = ()
    results: tuple[CueResult, ...] = ()


def choose_drill(drill: str, found: Recognition) -> DrillChoice:
    """The drill to judge (None: none of the three, nothing to judge). A drill the user gave is
    judged as asked, whatever the clip looks like."""
    reasons = tuple(found.not_a_bridge)
    if drill == "auto" and not found.is_bridge:
        return DrillChoice(
            drill=None, source="auto", confidence=found.confidence, not_a_bridge=reasons,
            recognition=found,
        )  # fmt: skip
    if drill == "auto":
        return DrillChoice(
            drill=get_drill(found.drill), source="auto", confidence=found.confidence,
            recognition=found,
        )  # fmt: skip
    d = get_drill(drill)
    # how much the movement looks like the drill asked: the recognition's own confidence when
    # it found that drill; the share of hips-up frames that disagreed with what it found
    # otherwise (a crunch judged as a bridge: near 0, never 100 %)
    if not found.is_bridge:
        like = found.likeness
    elif found.drill == d.id:
        like = found.confidence
    else:
        like = found.likeness - found.confidence
    return DrillChoice(
        drill=d, source="given", confidence=round(max(like, 0.0), 2), not_a_bridge=reasons,
        recognition=found,
    )  # fmt: skip


def _with_variant(drill: Drill, variant: str, source: str) -> Drill:
    """The drill done the ``variant`` way. A recognised drill without that variant (another
    drill's) is judged the standard way, as a batch of mixed drills asks for table top's toe on
    every clip; a drill the user gave without it, or a variant of no drill, is `BadSettings`."""
    some_drills_have_it = any(variant in d.variants for d in DRILLS.values())
    if source == "auto" and some_drills_have_it and variant not in drill.variants:
        return drill
    try:
        return drill.with_variant(variant)
    except ValueError as err:
        raise BadSettings(f"--variant: {err}") from None


def assess(
    track: PoseTrack,
    *,
    drill: str = "auto",
    settings: Settings | None = None,
    variant: str = "",
    camera_limits: bool = True,
) -> Assessment:
    """Judge a pose track: its view, signals, drill, segments and every cue's verdicts.
    ``variant``: how the athlete chose to do the drill (table top's "toe"), see `Drill.variants`.
    ``camera_limits=False`` judges every cue whose signals the view shows, also where the camera
    sweep found the pose model unreliable at that angle (`View.reliable`): for tracks whose
    landmarks are exact (the synthetic suite) and for the sweep's own raw scoring."""
    settings = settings or Settings()
    # a few frames on another person are not the athlete; a leg crossing the other keeps its name
    seen = untangle_leg_swaps(drop_identity_jumps(track))
    view = detect_view(seen)
    if not camera_limits:
        view = replace(view, reliable=None)
    sig = compute_signals(seen, view=view, params=settings.signal_params())
    choice = choose_drill(drill, recognize_drill(sig))
    if choice.drill is None:
        return Assessment(track=track, signals=sig, choice=choice)
    d = _with_variant(settings.drill(choice.drill), variant, choice.source)
    spans = find_segments(sig, d, segment_params(d, settings.segment_params()))
    sig = with_working_side(sig, spans)
    results = judge_all(d, sig, spans, missing_spans(track))
    return Assessment(
        track=track, signals=sig, choice=replace(choice, drill=d), spans=tuple(spans),
        results=tuple(results),
    )  # fmt: skip
