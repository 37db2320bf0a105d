"""Per cue: a clean track passes, a track with only that fault fails only that cue, and a view
that cannot see it gives not_measurable. Tracks come from the synthetic generator
(`formcheck_synth`), whose ground truth says which cues the fault really breaks.

Also: the drills as data, the settings (overrides, TOML, unknown keys) and `formcheck drills`.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from formcheck.drills import DRILL_IDS, all_cues, get_drill
from formcheck.errors import BadSettings
from formcheck.pipeline import Analysis, analyze_track
from formcheck.report.model import Reason, Status
from formcheck.settings import Settings, defaults, parse_override, read_toml
from formcheck_synth import Faults, LegLift, SynthSpec, generate

CUES_MD = Path(__file__).resolve().parents[1].parent / "shared" / "CUES.md"
#: the coaching article CUES.md is built from
ARTICLE = CUES_MD.parent / "seeds" / "000_d0a40bfba94ad7b6.txt"
LIFTS = (
    LegLift(side="left", at_s=3.0, duration_s=2.5),
    LegLift(side="right", at_s=8.0, duration_s=2.0),
)

#: cue -> (drill, a camera that measures it, the fault, a camera that cannot measure it)
CASES: dict[str, tuple[str, str, dict, str | None]] = {
    "slgb.hips_up": ("single-leg-bridge", "side-left", {"extension_short_deg": 20.0}, "front-feet"),
    "slgb.squeeze_top": ("single-leg-bridge", "side-right", {"top_pause_s": 0.2}, "front-feet"),
    "slgb.slow_down": ("single-leg-bridge", "side-left", {"lower_s": 0.9}, "front-feet"),
    "slgb.touch_ground": ("single-leg-bridge", "side-left", {"bottom_gap_frac": 0.4}, "front-feet"),
    "slgb.not_your_bone": ("single-leg-bridge", "side-left", {"drop": True}, "front-feet"),
    "slgb.hips_level": ("single-leg-bridge", "front-feet", {"pelvis_tilt_deg": 20.0}, "side-left"),
    "slgb.arms_crossed": ("single-leg-bridge", "oblique", {"arms": "sides"}, None),
    "slgb.force_down": ("single-leg-bridge", "side-left", {"support_slide_shin": 0.4}, "oblique"),
    "sbb.hips_up": ("banded-bridge", "side-right", {"extension_short_deg": 20.0}, "front-feet"),
    "sbb.intent": ("banded-bridge", "oblique", {"top_pause_s": 0.2}, "front-feet"),
    "sbb.grab_glutes": ("banded-bridge", "side-left", {"arms": "sides"}, None),
    "sbb.knees_out": ("banded-bridge", "front-feet", {"knee_gap_ratio": 0.6}, "side-left"),
    "sbb.ball_squeeze": ("banded-bridge", "front-feet", {"knee_gap_wobble": 0.4}, "oblique"),
    "tth.setup": ("table-top", "side-left", {"shoulder_height_m": 0.1}, "front-feet"),
    "tth.head_neutral": ("table-top", "side-right", {"head_pitch_deg": 35.0}, "oblique"),
    "tth.hold_top": ("table-top", "side-left", {"knee_angle_deg": 130.0}, "front-feet"),
    "tth.ball_squeeze": ("table-top", "front-feet", {"knee_gap_wobble": 0.4}, "side-left"),
    "tth.hips_stay_up": ("table-top", "side-left", {"hip_sag_deg": 12.0}, "front-feet"),
    "tth.heel_up": ("table-top", "side-left", {"heel_down": True}, "front-feet"),
}
#: cues reported without a verdict (info) and coach checks are tested apart
INFO_CUES = {"tth.duration", "tth.leg_lift"}


def _spec(drill: str, camera: str, faults: dict, seed: int = 7) -> SynthSpec:
    extra = {"leg_lifts": LIFTS, "hold_s": 13.0} if drill == "table-top" else {"reps": 3}
    if faults.get("heel_down"):
        extra["toe_variant"] = True
    return SynthSpec(
        drill=drill, camera=camera, noise=0.003, seed=seed, faults=Faults(**faults), **extra
    )


@cache
def _run(drill: str, camera: str, faults: tuple = (), camera_limits: bool = False) -> Analysis:
    """The engine on a generated track. These tracks' landmarks are exact (plus noise), so the
    checks are tested without the camera sweep's limits, which are the pose model's."""
    spec = _spec(drill, camera, dict(faults))
    variant = "toe" if spec.toe_variant else ""
    return analyze_track(
        generate(spec).track, drill=drill, variant=variant, camera_limits=camera_limits
    )


def _statuses(a: Analysis, cue_id: str) -> set[Status]:
    return {r.status for r in a.report.results if r.cue_id == cue_id}


def _faulted(a: Analysis) -> set[str]:
    return {r.cue_id for r in a.report.results if r.status in (Status.FAULT, Status.ADVICE)}


@pytest.mark.parametrize("cue_id", sorted(CASES))
def test_a_clean_track_passes(cue_id: str) -> None:
    drill, camera, faults, _ = CASES[cue_id]
    a = _run(drill, camera, tuple({"heel_down": False}.items()) if "heel_down" in faults else ())
    assert _statuses(a, cue_id) == {Status.PASS} or (
        cue_id == "tth.heel_up" and _statuses(a, cue_id) == {Status.INFO}
    )
    assert _faulted(a) == set()


@pytest.mark.parametrize("cue_id", sorted(CASES))
def test_a_track_with_only_that_fault_fails_only_that_cue(cue_id: str) -> None:
    drill, camera, faults, _ = CASES[cue_id]
    a = _run(drill, camera, tuple(faults.items()))
    assert cue_id in _faulted(a), [r.message for r in a.report.results if r.cue_id == cue_id]
    assert _faulted(a) == {cue_id}
    bad = [r for r in a.report.results if r.cue_id == cue_id and r.status is not Status.PASS]
    assert all(r.threshold is not None and r.message for r in bad)


@pytest.mark.parametrize("cue_id", sorted(c for c in CASES if CASES[c][3]))
def test_a_view_that_cannot_see_it_gives_not_measurable(cue_id: str) -> None:
    drill, _, faults, blind = CASES[cue_id]
    a = _run(drill, blind, tuple(faults.items()))
    statuses = _statuses(a, cue_id)
    assert statuses <= {Status.NOT_MEASURABLE}, statuses
    assert cue_id in a.report.view.cannot_measure
    blind_results = [r for r in a.report.results if r.cue_id == cue_id]
    assert {r.reason for r in blind_results} == {Reason.VIEW}
    assert all("_" not in r.message for r in blind_results), "signals named in words"


def test_a_rep_cut_by_the_clip_says_so_not_the_view() -> None:
    """A clip that ends at the last rep's top: the view could measure its lowering, so that
    verdict is missing because the rep was cut, not because of the view."""
    track = generate(_spec("single-leg-bridge", "side-left", {})).track
    last = analyze_track(track, drill="single-leg-bridge").report.reps[-1]
    top = next(p for p in last.phases if p.name == "top")
    cut = track[: int(track.t.searchsorted((top.start_s + top.end_s) / 2))]
    report = analyze_track(cut, drill="single-leg-bridge").report
    slow = [r for r in report.results if r.cue_id == "slgb.slow_down"]
    assert slow[-1].status is Status.NOT_MEASURABLE and slow[-1].reason is Reason.CUT
    assert all(r.reason is None for r in slow[:-1])


@pytest.mark.parametrize("camera", ["side-left", "oblique", "front-feet"])
def test_arm_cues_are_judged_from_every_view(camera: str) -> None:
    a = _run("single-leg-bridge", camera, (("arms", "sides"),))
    assert _statuses(a, "slgb.arms_crossed") == {Status.FAULT}


@pytest.mark.parametrize("camera", ["oblique", "front-feet"])
def test_off_the_side_the_camera_sweep_s_unreliable_cues_are_not_judged(camera: str) -> None:
    """With the camera sweep's limits (the default), a cue its signals show but the sweep
    found unreliable at the view's yaw is not measurable, saying why; a side view keeps it."""
    a = _run("single-leg-bridge", camera, (("arms", "sides"),), camera_limits=True)
    view = a.signals.view
    assert view.reliable is not None
    assert "slgb.arms_crossed" not in view.reliable and "slgb.hips_level" not in view.reliable
    arms = [r for r in a.report.results if r.cue_id == "slgb.arms_crossed"]
    assert arms and {r.status for r in arms} == {Status.NOT_MEASURABLE}
    assert all(r.reason is Reason.VIEW and "camera sweep" in r.message for r in arms)
    assert "slgb.arms_crossed" in a.report.view.cannot_measure
    side = _run("single-leg-bridge", "side-left", (("arms", "sides"),), camera_limits=True)
    assert _statuses(side, "slgb.arms_crossed") == {Status.FAULT}


def test_advice_is_not_a_fault() -> None:
    a = _run("banded-bridge", "side-left", (("arms", "sides"),))
    assert _statuses(a, "sbb.grab_glutes") == {Status.ADVICE}
    assert a.report.faults == []


def test_info_cues_report_the_hold_and_the_leg_lifts() -> None:
    a = _run("table-top", "side-left")
    duration = [r for r in a.report.results if r.cue_id == "tth.duration"]
    assert len(duration) == 1 and duration[0].status is Status.INFO
    assert duration[0].value == pytest.approx(13.0, abs=1.0)
    lifts = [r for r in a.report.results if r.cue_id == "tth.leg_lift"]
    assert len(lifts) == 2 and all(r.status is Status.INFO for r in lifts)
    assert "left foot lifted" in lifts[0].message and "right foot lifted" in lifts[1].message
    assert a.report.holds is not None and a.report.holds.mark_reached == "10s"


def test_coach_checks_are_listed_never_judged() -> None:
    a = _run("single-leg-bridge", "side-left")
    assert {c.cue_id for c in a.report.coach_checks} == {"slgb.shoes_off", "slgb.drive_toe"}
    assert not [r for r in a.report.results if r.cue_id in {"slgb.shoes_off", "slgb.drive_toe"}]


def test_a_fault_result_says_what_was_measured_against_what() -> None:
    a = _run("single-leg-bridge", "side-left", (("extension_short_deg", 20.0),))
    r = next(r for r in a.report.results if r.cue_id == "slgb.hips_up")
    assert r.status is Status.FAULT and r.comparison == ">=" and r.unit == "deg"
    assert r.threshold == 165.0 and r.value is not None and r.value < 165.0
    assert r.fault_spans and "165" in r.message


def test_a_threshold_override_changes_the_verdict() -> None:
    track = generate(_spec("single-leg-bridge", "side-left", {"extension_short_deg": 20.0})).track
    lenient = Settings.load(["slgb.hips_up.min_peak_hip_extension_deg=150"])
    report = analyze_track(track, drill="single-leg-bridge", settings=lenient).report
    assert _statuses(Analysis(report=report, track=track, signals=None), "slgb.hips_up") == {  # type: ignore[arg-type]
        Status.PASS
    }
    assert report.settings == {"slgb.hips_up.min_peak_hip_extension_deg": 150.0}


@pytest.mark.parametrize(
    ("drill", "camera"),
    [("single-leg-bridge", "side-left"), ("banded-bridge", "front-feet"), ("table-top", "oblique")],
)
def test_drill_recognition(drill: str, camera: str) -> None:
    track = generate(_spec(drill, camera, {})).track
    found = analyze_track(track).report.drill
    assert found is not None and found.id == drill


# -- drills as data --------------------------------------------------------------------------


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def test_every_cue_of_cues_md_is_in_the_drills() -> None:
    """CUES.md's table is the contract: each of its cue ids is a drill cue. A cue beyond the
    table either implements one of its paragraphs "When the clip is not what a drill expects",
    named at the start of its key point (sbb/slgb.leg_lift, hips_stay_up), or is a measure
    reported without a verdict (``info``, so no verdict of the contract changes) whose key
    point quotes the article, each part between "…" found in it (tth.time_in_position)."""
    ids = {c.id for c in all_cues()}
    assert len(ids) == len(all_cues())
    if CUES_MD.is_file():
        text = CUES_MD.read_text()
        md = set(re.findall(r"\b(?:slgb|sbb|tth)\.[a-z_]+", text))
        assert md <= ids
        section = text.split("## When the clip is not what a drill expects", 1)[1].split("\n## ", 1)[0]
        paragraphs = re.findall(r"\*\*(.+?)\.\*\*", section)
        assert "A floor bridge held" in paragraphs
        article = _words(ARTICLE.read_text())
        quoted = {c.id for c in all_cues()
                  if c.kind == "info" and all(_words(part) in article for part in c.key_point.split("…"))}
        unfounded = {c.id: c.key_point for c in all_cues()
                     if c.id not in md | quoted and not c.key_point.startswith(tuple(paragraphs))}
        assert unfounded == {}
        assert "tth.time_in_position" in quoted - md
        assert "tth.hold_top" not in quoted  # judged: only CUES.md can add a verdict


def test_every_judged_cue_has_a_check_and_unit_named_thresholds() -> None:
    units = ("_deg", "_s", "_fraction", "_thigh", "_shin", "_trunk", "_cm", "_ratio", "_range",
             "_per_s")  # fmt: skip
    for cue in all_cues():
        if cue.coach_check:
            assert not cue.params
            continue
        assert callable(cue.check) and cue.check.__module__.startswith("formcheck.cues.")
        for name in cue.params:
            assert name.endswith(units), f"{cue.id}.{name} has no unit in its name"


def test_unknown_drill() -> None:
    with pytest.raises(KeyError, match="valid"):
        get_drill("hip-thrust")
    assert set(DRILL_IDS) == {"single-leg-bridge", "banded-bridge", "table-top"}


# -- settings --------------------------------------------------------------------------------


def test_overrides_parse_and_apply() -> None:
    assert parse_override("slgb.hips_up.min_peak_hip_extension_deg = 160") == (
        "slgb.hips_up.min_peak_hip_extension_deg",
        160.0,
    )
    s = Settings.load(
        ["slgb.hips_up.min_peak_hip_extension_deg=160", "signals.visibility_floor=0.5"]
    )
    drill = s.drill(get_drill("single-leg-bridge"))
    assert drill.param("slgb.hips_up", "min_peak_hip_extension_deg") == 160.0
    assert s.signal_params().visibility_floor == 0.5
    assert (
        get_drill("single-leg-bridge").param("slgb.hips_up", "min_peak_hip_extension_deg") == 165.0
    )


@pytest.mark.parametrize(
    "bad", ["slgb.hips_up.min_peak=160", "nonsense", "tth.setup.min_shoulder_height_trunk=high"]
)
def test_bad_overrides_say_what_is_valid(bad: str) -> None:
    with pytest.raises(BadSettings) as err:
        Settings.load([bad])
    assert (
        "slgb.hips_up" in str(err.value)
        or "key=value" in str(err.value)
        or "number" in str(err.value)
    )


def test_settings_from_toml(tmp_path: Path) -> None:
    f = tmp_path / "mine.toml"
    f.write_text(
        '["slgb.hips_up"]\nmin_peak_hip_extension_deg = 158\n\n[segment]\ntop_band_deg = 4\n'
    )
    assert read_toml(f) == {
        "slgb.hips_up.min_peak_hip_extension_deg": 158.0,
        "segment.top_band_deg": 4.0,
    }
    s = Settings.load(["segment.top_band_deg=6"], toml=f)
    assert s.get("segment.top_band_deg") == 6.0  # --set wins over the file
    (tmp_path / "bad.toml").write_text("[tth.setup]\nshoulders = 1\n")
    with pytest.raises(BadSettings, match="formcheck drills` lists every key"):
        read_toml(tmp_path / "bad.toml")
    with pytest.raises(BadSettings, match="not found"):
        read_toml(tmp_path / "missing.toml")


def test_defaults_hold_every_threshold_once() -> None:
    d = defaults()
    assert d["slgb.hips_up.min_peak_hip_extension_deg"] == 165.0
    assert d["tth.duration.mark_3_s"] == 120.0
    assert all(isinstance(v, float) for v in d.values())


# -- formcheck drills -------------------------------------------------------------------------


def _cli():
    import typer

    from formcheck.cli.drills import register

    app = typer.Typer()
    register(app)

    @app.callback()
    def _root() -> None:  # a group, so "drills" is a subcommand as in the real CLI
        pass

    return app


def test_drills_command_lists_every_cue_and_threshold() -> None:
    result = CliRunner().invoke(_cli(), ["drills", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    ids = {c["id"] for d in data["drills"] for c in d["cues"]}
    assert ids == {c.id for c in all_cues()}
    hips = next(c for d in data["drills"] for c in d["cues"] if c["id"] == "slgb.hips_up")
    assert hips["thresholds"] == {"slgb.hips_up.min_peak_hip_extension_deg": 165.0}
    assert hips["key_point"] == "Drive hips up to bridge position"


def test_drills_command_shows_overrides_and_tables() -> None:
    runner = CliRunner()
    result = runner.invoke(
        _cli(), ["drills", "table-top", "--json", "--set", "tth.hold_top.min_hip_extension_deg=160"]
    )
    cue = next(
        c for c in json.loads(result.output)["drills"][0]["cues"] if c["id"] == "tth.hold_top"
    )
    assert cue["thresholds"]["tth.hold_top.min_hip_extension_deg"] == 160.0
    table = runner.invoke(_cli(), ["drills", "banded-bridge"], env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "sbb.knees_out" in table.output


def test_the_cli_entry_point_for_settings(tmp_path: Path) -> None:
    from formcheck.settings import load_settings

    f = tmp_path / "s.toml"
    f.write_text('"sbb.intent.min_top_pause_s" = 2\n')
    s = load_settings(overrides=["sbb.hips_up.min_peak_hip_extension_deg=170"], toml_path=f)
    assert s.changed() == {
        "sbb.hips_up.min_peak_hip_extension_deg": 170.0,
        "sbb.intent.min_top_pause_s": 2.0,
    }


def test_analyze_cli_applies_set(tmp_path: Path) -> None:
    """`formcheck analyze --set` reaches the engine (through the tracking cache's replay)."""
    from formcheck.cli.options import load_settings

    s = load_settings(["slgb.hips_up.min_peak_hip_extension_deg=150"], None)
    assert s.get("slgb.hips_up.min_peak_hip_extension_deg") == 150.0
    with pytest.raises(BadSettings, match="formcheck drills` lists every key"):
        load_settings(["slgb.hips_up.nope=1"], None)


def test_every_default_lies_in_its_valid_range() -> None:
    from formcheck.settings import valid_range

    for key, value in defaults().items():
        lo, hi = valid_range(key)
        assert lo <= value <= hi, key


@pytest.mark.parametrize(
    "bad",
    [
        "segment.peak_percentile=150",
        "signals.foot_rest_percentile=-1",
        "segment.min_hold_s=-2",
        "signals.visibility_floor=2",
        "slgb.hips_up.min_peak_hip_extension_deg=1e300",
        "tth.setup.max_heel_above_toe_cm=1e300",
        "tth.duration.mark_3_s=1e9",
        "slgb.not_your_bone.contact_window_s=0",
    ],
)
def test_out_of_range_settings_are_refused_on_load(bad: str) -> None:
    with pytest.raises(BadSettings, match="out of range") as err:
        Settings.load([bad])
    assert "\n" not in str(err.value)


def test_every_setting_at_either_end_of_its_range_analyses() -> None:
    """A value the range lets in is one the engine can run with (a 0 s speed window divided by
    zero)."""
    from formcheck.settings import valid_range

    drill_of = {c.id: d for d in DRILL_IDS for c in get_drill(d).cues}
    tracks = {d: generate(_spec(d, "side-left", {})).track for d in DRILL_IDS}
    for key in defaults():
        section = key.rsplit(".", 1)[0]
        drills = [drill_of[section]] if section in drill_of else list(DRILL_IDS)
        for value in valid_range(key):
            settings = Settings.load({key: value})
            for d in drills:
                analyze_track(tracks[d], drill=d, settings=settings)


def test_toml_bool_is_not_a_number(tmp_path: Path) -> None:
    f = tmp_path / "bool.toml"
    f.write_text("[segment]\nmin_hold_s = true\n")
    with pytest.raises(BadSettings, match="not a number"):
        read_toml(f)


def test_settings_file_that_is_a_folder_binary_or_has_a_bom(tmp_path: Path) -> None:
    with pytest.raises(BadSettings, match="is a folder"):
        read_toml(tmp_path)
    (tmp_path / "bin.toml").write_bytes(b"\xff\xfe\x00\x81binary")
    with pytest.raises(BadSettings, match="not a UTF-8 text"):
        read_toml(tmp_path / "bin.toml")
    (tmp_path / "bom.toml").write_bytes("\ufeff[segment]\ntop_band_deg = 4\n".encode())
    assert read_toml(tmp_path / "bom.toml") == {"segment.top_band_deg": 4.0}


def test_unknown_key_names_the_closest_few_not_every_key() -> None:
    with pytest.raises(BadSettings) as err:
        Settings.load(["slgb.hips_up.min_peak_hip_extension=160"])
    message = str(err.value)
    assert "Did you mean slgb.hips_up.min_peak_hip_extension_deg" in message
    assert len(message) < 300, message


def test_the_toe_variant_is_a_drill_option_stored_in_the_report() -> None:
    from formcheck.pipeline import analyze_track

    track = generate(_spec("table-top", "side-left", {"heel_down": True})).track
    standard = analyze_track(track, drill="table-top")
    assert standard.report.drill is not None and standard.report.drill.variant == ""
    notes = {r.message for r in standard.report.results if r.cue_id == "tth.heel_up"}
    assert any("--variant toe" in n for n in notes), notes
    toe = analyze_track(track, drill="table-top", variant="toe")
    assert toe.report.drill is not None and toe.report.drill.variant == "toe"
    assert Status.FAULT in _statuses(toe, "tth.heel_up")
    assert not any(k.endswith("toe_variant") for k in defaults()), "not a threshold any more"
    with pytest.raises(BadSettings, match="no variant 'toe'"):
        analyze_track(track, drill="single-leg-bridge", variant="toe")


def test_a_variant_of_another_drill_than_the_recognised_one_is_left_out_with_a_warning() -> None:
    """A mixed session's batch --variant toe: the floor bridges are judged the standard way."""
    track = generate(_spec("single-leg-bridge", "side-left", {})).track
    report = analyze_track(track, variant="toe").report
    assert report.drill is not None and report.drill.id == "single-leg-bridge"
    assert report.drill.variant == ""
    assert any("--variant toe is not a way of doing" in w for w in report.warnings)
    with pytest.raises(BadSettings, match="no variant 'heel'"):
        analyze_track(track, variant="heel")


def test_a_set_hovering_above_the_floor_misses_the_touch_down_from_an_oblique_camera() -> None:
    """Off the side the hips' rise is read in the image, whose zero moves with a raised camera's
    perspective; their level above the ground (``bridge_height``) stays in the view's own
    geometry, so hips that never come down are still seen not to."""
    from synth_suite import suite

    # the synthetic suite's oblique hover: a portrait phone, hips 38 % of the way up at the bottom
    clip = next(c for c in suite(70) if c.spec.seed == 900)
    assert clip.spec.camera == "oblique" and clip.spec.faults.bottom_gap_frac
    a = analyze_track(clip.track, drill="single-leg-bridge", camera_limits=False)
    assert a.signals.view.name == "oblique"
    assert len(a.report.reps) == 5
    assert _statuses(a, "slgb.touch_ground") == {Status.FAULT}
