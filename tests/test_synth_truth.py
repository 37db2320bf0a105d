"""The synthetic ground truth: its thresholds are the drills' own, its measurement its own.

The truth once kept its own copies of CUES.md's thresholds and two drifted from the drills
(tth.setup's heel 1.0 cm against 2.5, tth.heel_up's 1.0 against 3.0). Now every check is handed
its cue's parameters; these tests fail if a threshold is written back into the truth as a
number: with every threshold it reads set loose, each verdict must pass, with any one of them
set impossible (the others as defined), it must fault, and every one must be read.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from borderline_suite import BAND, BORDERS, border_cue, borderline_clip

from formcheck.drills import DRILLS, get_drill
from formcheck_synth import Faults, LegLift, SynthSpec, generate
from formcheck_synth.checks import ENGINE_ONLY_PARAMS, EVALUATORS, SEGMENTATION_PARAMS, Context
from formcheck_synth.tracks import SynthClip
from formcheck_synth.truth import SegmentTruth, ground_truth, truth_context, truth_cues

SYNTH = Path(__file__).resolve().parents[1] / "synth" / "formcheck_synth"
LIFTS = (LegLift(side="left", at_s=2.0, duration_s=2.0, height_cm=6.0),
         LegLift(side="right", at_s=6.0, duration_s=2.0, height_cm=6.0))
#: clips where every judged cue of every drill meets a view that can judge it, clean and faulty
SAMPLE = (
    SynthSpec(drill="single-leg-bridge", camera="side-left", seed=1),
    SynthSpec(drill="single-leg-bridge", camera="front-feet", seed=2,
              faults=Faults(pelvis_tilt_deg=20.0, arms="sides")),
    SynthSpec(drill="single-leg-bridge", camera="oblique", seed=3,
              faults=Faults(top_pause_s=0.1, bottom_rest_s=2.0)),
    SynthSpec(drill="banded-bridge", camera="side-right", seed=4),
    SynthSpec(drill="banded-bridge", camera="front-feet", seed=5,
              faults=Faults(knee_gap_ratio=0.5, arms="sides")),
    SynthSpec(drill="table-top", camera="side-left", seed=6, hold_s=14.0, leg_lifts=LIFTS),
    SynthSpec(drill="table-top", camera="side-left", seed=7, hold_s=14.0, leg_lifts=LIFTS,
              toe_variant=True, faults=Faults(head_pitch_deg=35.0)),
    SynthSpec(drill="table-top", camera="oblique", seed=8, hold_s=14.0, leg_lifts=LIFTS,
              faults=Faults(heels_up_cm=6.0, hip_sag_deg=9.0)),
    SynthSpec(drill="table-top", camera="front-feet", seed=9, hold_s=14.0, leg_lifts=LIFTS,
              faults=Faults(knee_gap_wobble=0.4)),
)
LOOSE, IMPOSSIBLE = "loose", "impossible"


@pytest.fixture(scope="module")
def sample() -> list[SynthClip]:
    return [generate(s) for s in SAMPLE]


def _threshold_names(cue_id: str) -> list[str]:
    """The cue's thresholds the truth judges with (``min_…`` / ``max_…`` parameters)."""
    drill = next(d for d in DRILLS.values()
                 if any(cue_id in ids for ids in truth_cues(d).values()))
    skip = set(SEGMENTATION_PARAMS.get(cue_id, ())) | set(ENGINE_ONLY_PARAMS.get(cue_id, ()))
    return [k for k in drill.cue(cue_id).params
            if k.startswith(("min_", "max_")) and k not in skip]


class Recorded(Mapping[str, float]):
    """A cue's parameters with some set loose or impossible; remembers which were read."""

    def __init__(self, params: Mapping[str, float], settings: dict[str, str]) -> None:
        self.params, self.settings, self.read = params, settings, set[str]()

    def __getitem__(self, key: str) -> float:
        self.read.add(key)
        how = self.settings.get(key)
        if how is None:
            return self.params[key]
        strict = how == IMPOSSIBLE
        return 1e9 if key.startswith("min_") == strict else -1e9

    def __iter__(self) -> Iterator[str]:
        return iter(self.params)

    def __len__(self) -> int:
        return len(self.params)


Verdict = tuple[str, Mapping[str, float], Context, SegmentTruth | None]


def _verdicts(clip: SynthClip) -> Iterator[Verdict]:
    """(cue id, its drill parameters, the truth's context, its segment) for each judged truth
    of the clip."""
    ctx = truth_context(clip.spec, clip.plan, clip.scene)
    for truth in clip.truth.cues:
        if truth.expected not in ("pass", "fault", "advice"):
            continue
        seg = None if truth.segment is None else ctx.segments[truth.segment]
        yield truth.cue_id, ctx.drill.cue(truth.cue_id).params, ctx, seg


def test_every_threshold_decides_its_verdict(sample: list[SynthClip]) -> None:
    """Loose thresholds pass every verdict; any one the check reads made impossible (the others
    as the drill defines them) faults it; every threshold is read on some clip. A number
    written in place of a parameter leaves it unread, or, kept beside it, faults a loose
    verdict on a faulty clip."""
    read: dict[str, set[str]] = {}
    for clip in sample:
        for cue_id, params, ctx, seg in _verdicts(clip):
            names = _threshold_names(cue_id)
            evaluate = EVALUATORS[cue_id.split(".", 1)[1]]
            loose = Recorded(params, dict.fromkeys(names, LOOSE))
            assert evaluate(ctx, seg, loose).verdict == "pass", (clip.spec.seed, cue_id)
            read.setdefault(cue_id, set()).update(loose.read)
            for name in set(names) & loose.read:
                one = Recorded(params, {name: IMPOSSIBLE})
                verdict = evaluate(ctx, seg, one).verdict
                assert verdict in ("fault", "advice"), (clip.spec.seed, cue_id, name)
    # every judged cue, but the floor drills' held-bridge ones (CUES.md "A floor bridge held"):
    # the generator films no held floor bridge
    judged = {c.id for d in DRILLS.values() for c in d.cues if c.kind in ("fault", "advice")
              and (d.segments == "holds" or c.applies_to != "single_leg")}
    assert set(read) == judged, "the sample judges every cue"
    unread = {c: sorted(set(_threshold_names(c)) - read[c]) for c in judged}
    assert not any(unread.values()), f"thresholds the truth never reads: {unread}"


def test_the_truth_holds_no_threshold_of_its_own() -> None:
    """No module-level numbers named like thresholds (min_/max_/…_deg) in the truth's checks."""
    for name in ("checks.py", "truth.py"):
        tree = ast.parse((SYNTH / name).read_text())
        for node in tree.body:
            targets = node.targets if isinstance(node, ast.Assign) else []
            for t in targets:
                names = [e.id for e in (t.elts if isinstance(t, ast.Tuple) else [t])
                         if isinstance(e, ast.Name)]
                bad = [n for n in names if n.startswith(("MIN_", "MAX_"))]
                assert not bad, f"{name} defines thresholds {bad}: read them from the drill"


def test_the_truth_measures_without_the_engine() -> None:
    """The truth's modules import no engine measurement (signals, checks, kinematics, views);
    from segmentation only its settings."""
    engine = {"formcheck.signals", "formcheck.cues", "formcheck.kinematics", "formcheck.view",
              "formcheck.analysis", "formcheck.segmenting", "formcheck.judging",
              "formcheck.pipeline", "formcheck.smoothing"}
    for name in ("checks.py", "truth.py", "true_signals.py", "geometry.py"):
        for node in ast.walk(ast.parse((SYNTH / name).read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert node.module not in engine, f"{name} imports {node.module}"
                if node.module == "formcheck.segment":
                    assert [a.name for a in node.names] == ["SegmentParams"], name
            if isinstance(node, ast.Import):
                assert not {a.name for a in node.names} & engine, name


def test_segments_follow_the_drill_definition() -> None:
    """Hold dips and single-leg phases are found with tth.hold_top's and tth.leg_lift's
    parameters, so an override moves them."""
    clip = generate(SynthSpec(drill="table-top", camera="side-left", seed=3, hold_s=16.0,
                              leg_lifts=LIFTS[:1], faults=Faults(hold_dip=(6.0, 1.5, 140.0))))
    kinds = [s.kind for s in clip.truth.segments]
    assert kinds.count("hold") == 2 and kinds.count("single_leg") == 1
    drill = get_drill("table-top").with_overrides({"tth.hold_top.dip_below_deg": 130.0,
                                                   "tth.leg_lift.min_foot_lift_cm": 10.0})
    moved = [s.kind for s in ground_truth(clip.spec, clip.plan, clip.scene, drill).segments]
    assert moved == ["hold"]


def test_the_heel_thresholds_are_the_drills() -> None:
    """The two that drifted: heels 3 cm up fail the set-up (2.5 cm), a toe variant whose heel
    rises 2.5 cm fails tth.heel_up (3 cm)."""
    setup = generate(SynthSpec(drill="table-top", seed=2, hold_s=12.0,
                               faults=Faults(heels_up_cm=3.0))).truth
    assert {c.expected for c in setup.cues if c.cue_id == "tth.setup"} == {"fault"}
    toe = generate(SynthSpec(drill="table-top", seed=2, hold_s=14.0, leg_lifts=LIFTS,
                             toe_variant=True, faults=Faults(toe_heel_cm=2.5))).truth
    assert {c.expected for c in toe.cues if c.cue_id == "tth.heel_up"} == {"fault"}


@pytest.mark.parametrize(("drill", "camera", "fault"), [
    ("single-leg-bridge", "side-left", "hips_short"),
    ("banded-bridge", "front-feet", "no_squeeze"),
    ("table-top", "side-right", "heels_up"),
    ("table-top", "side-left", "toe_low"),
])
def test_a_borderline_clip_lands_near_its_threshold(drill: str, camera: str, fault: str) -> None:
    found = borderline_clip(1, drill, camera, fault)
    assert found is not None and found.cue_id == border_cue(drill, fault)
    margins = [c.margin for c in found.clip.truth.cues
               if c.cue_id == found.cue_id and c.segment in found.segments]
    assert margins and all(m is not None and abs(m) <= BAND for m in margins)


def test_every_borderline_fault_moves_a_cue_of_its_drill() -> None:
    for drill, faults in BORDERS.items():
        ids = {c.id for c in get_drill(drill).cues}
        assert {border_cue(drill, f) for f in faults} <= ids
