"""The annotated video: browser-playable H.264, overlays at the right moments, atomic writes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import av
import numpy as np
import pytest
import report_fakes as rf

from formcheck.report.annotate import (
    Compose,
    FrameState,
    FrameStates,
    VideoSink,
    default_annotator,
    write_annotated_video,
)
from formcheck.report.model import Segment

rf.ensure_video_module()


@pytest.fixture(scope="module")
def clip_and_analysis(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    folder = tmp_path_factory.mktemp("annotate")
    clip = folder / "bridge.mp4"
    analysis = rf.fake_analysis(clip_path=str(clip))
    rf.render_clip(analysis.track, clip)
    return clip, analysis


def _decode(path: Path) -> tuple[dict[str, object], list[tuple[float, np.ndarray]]]:
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        meta = {
            "codec": s.codec_context.name,
            "pix_fmt": s.codec_context.pix_fmt,
            "size": (s.width, s.height),
        }
        frames = [(float(f.time), f.to_ndarray(format="rgb24")) for f in c.decode(video=0)]
    return meta, frames


def test_video_is_h264_yuv420p_at_source_size_with_source_timing(
    tmp_path: Path, clip_and_analysis
) -> None:
    clip, analysis = clip_and_analysis
    out = write_annotated_video(analysis, tmp_path / "out.mp4")
    meta, frames = _decode(out)
    assert meta == {"codec": "h264", "pix_fmt": "yuv420p", "size": (320, 240)}
    _, source = _decode(clip)
    assert len(frames) == len(source)
    assert frames[-1][0] == pytest.approx(source[-1][0], abs=0.02)
    data = out.read_bytes()
    assert data.index(b"moov") < data.index(b"mdat"), (
        "moov atom first (faststart) so browsers stream it"
    )
    assert not list(tmp_path.glob(".*part")), "no temporary file left behind"


def _red_band(img: np.ndarray) -> bool:
    px = img[-8:, :, :].reshape(-1, 3).astype(int)
    red = (px[:, 0] > px[:, 1] + 60) & (px[:, 0] > px[:, 2] + 60)
    return bool(red.mean() > 0.3)


def test_fault_is_flagged_while_it_happens_only(tmp_path: Path, clip_and_analysis) -> None:
    _, analysis = clip_and_analysis
    (fault,) = analysis.report.faults
    span = fault.fault_spans[0]
    out = write_annotated_video(analysis, tmp_path / "out.mp4")
    _, frames = _decode(out)
    inside = [img for t, img in frames if span.start_s + 0.05 < t < span.end_s - 0.05]
    outside = [img for t, img in frames if t < span.start_s - 0.05 or t > span.end_s + 0.05]
    assert inside and outside
    assert all(_red_band(img) for img in inside)
    assert not any(_red_band(img) for img in outside)


def test_odd_source_size_is_padded_to_even(tmp_path: Path) -> None:
    analysis = rf.fake_analysis(reps=1, size=(321, 241), clip_path=str(tmp_path / "odd.mp4"))
    rf.render_clip(analysis.track, tmp_path / "odd.mp4", pix_fmt="yuv444p")
    meta, frames = _decode(write_annotated_video(analysis, tmp_path / "out.mp4"))
    assert meta["size"] == (322, 242) and meta["pix_fmt"] == "yuv420p"
    assert len(frames) == len(analysis.track)


def test_frame_states_follow_the_report() -> None:
    analysis = rf.fake_analysis(reps=3, gap=(2.0, 2.5))
    report = analysis.report
    hold = Segment(index=9, kind="hold", start_s=7.0, end_s=9.0)
    leg = Segment(index=10, kind="single_leg", start_s=7.5, end_s=8.5, side="right")
    analysis = replace(analysis, report=replace(report, segments=[*report.segments, hold, leg]))
    states = FrameStates(analysis)
    size = (320, 240)
    first_end = report.reps[0].end_s
    assert states.at(0, first_end - 0.1, size).reps_done == 0
    assert states.at(0, first_end + 0.1, size).reps_done == 1
    assert states.at(0, 9.9, size).reps_done == 3
    assert states.at(0, 2.2, size).landmarks_px is None, "nobody found in the gap"
    assert states.at(0, 2.2, size).hip_extension_deg is None
    state = states.at(0, 1.2, size)
    assert state.landmarks_px is not None and state.landmarks_px.shape == (33, 3)
    assert state.hip_extension_deg == pytest.approx(
        float(analysis.signals["hip_extension_deg"][36]), abs=1e-6
    )
    assert states.at(0, 8.0, size).hold_s == pytest.approx(1.0)
    assert states.at(0, 8.0, size).one_leg == "right leg 0.5 s"
    assert states.at(0, 8.6, size).one_leg is None
    assert states.at(0, 9.5, size).hold_s is None and states.at(
        0, 9.5, size
    ).longest_hold_s == pytest.approx(2.0)
    span = report.faults[0].fault_spans[0]
    assert states.at(0, (span.start_s + span.end_s) / 2, size).faults == (
        "Lower slower: 0.5 s (needs >= 1.5 s)",
    )
    assert states.at(0, span.end_s + 0.1, size).faults == ()


def test_annotators_compose_in_order() -> None:
    calls: list[str] = []

    class Mark:
        def __init__(self, name: str) -> None:
            self.name = name

        def annotate(self, frame: np.ndarray, state: FrameState) -> np.ndarray:
            calls.append(self.name)
            frame[0, 0] = (len(calls), 0, 0)
            return frame

    img = np.zeros((10, 10, 3), np.uint8)
    out = Compose([Mark("a"), Mark("b"), Compose([Mark("c")])]).annotate(
        img, FrameState(index=0, t=0.0)
    )
    assert calls == ["a", "b", "c"] and out[0, 0, 0] == 3


def test_default_overlays_draw_something_and_keep_shape() -> None:
    img = np.zeros((240, 320, 3), np.uint8)
    pts = np.column_stack([np.linspace(50, 250, 33), np.full(33, 120.0), np.ones(33)])
    state = FrameState(
        index=0,
        t=0.0,
        landmarks_px=pts,
        hip_extension_deg=170.0,
        reps_done=1,
        reps_total=3,
        faults=("Lower slower",),
    )
    out = default_annotator().annotate(img.copy(), state)
    assert out.shape == img.shape and out.dtype == np.uint8
    assert out.any()
    assert _red_band(out)


def test_a_failed_render_leaves_the_previous_video_whole(tmp_path: Path, clip_and_analysis) -> None:
    _, analysis = clip_and_analysis
    out = tmp_path / "out.mp4"
    out.write_bytes(b"previous finished video")

    class Boom:
        def annotate(self, frame: np.ndarray, state: FrameState) -> np.ndarray:
            if state.index == 20:
                raise RuntimeError("disk on fire")
            return frame

    with pytest.raises(RuntimeError):
        write_annotated_video(analysis, out, annotator=Boom())
    assert out.read_bytes() == b"previous finished video"
    assert not list(tmp_path.glob(".*part"))


def test_sink_times_frames_by_their_timestamps(tmp_path: Path) -> None:
    times = [0.0, 0.1, 0.15, 0.5, 0.6]  # variable frame rate
    with VideoSink(tmp_path / "vfr.mp4", fps=10) as sink:
        for t in times:
            sink.write(np.full((64, 64, 3), 128, np.uint8), t)
    _, frames = _decode(tmp_path / "vfr.mp4")
    assert [round(t, 2) for t, _ in frames] == times


def test_real_clip_end_to_end(tmp_path: Path) -> None:
    from shared_clips import REAL_CLIPS, real_clips_available

    if not real_clips_available():
        pytest.skip(f"real clips not found at {REAL_CLIPS}")
    from formcheck.pipeline import analyze
    clip = REAL_CLIPS / "physioplus_glute_bridge_side.mp4"
    analysis = analyze(clip, cache_dir=tmp_path / "cache")
    meta, frames = _decode(write_annotated_video(analysis, tmp_path / "real.mp4"))
    assert meta["codec"] == "h264" and meta["size"] == (640, 480)
    assert len(frames) == len(analysis.track)


def test_phone_rotation_is_applied(tmp_path: Path) -> None:
    """A portrait phone clip (landscape frames + display matrix) comes out upright."""
    from formcheck.video import open_video

    analysis = rf.fake_analysis(reps=1, size=(240, 320), clip_path=str(tmp_path / "portrait.mp4"))
    clip = rf.render_clip(analysis.track, tmp_path / "portrait.mp4", rotation_cw=90)
    with av.open(str(clip)) as c:
        assert (c.streams.video[0].width, c.streams.video[0].height) == (320, 240), (
            "stored landscape"
        )
    out = write_annotated_video(analysis, tmp_path / "out.mp4", annotator=Compose([]))
    meta, frames = _decode(out)
    assert meta["size"] == (240, 320)
    with open_video(clip) as src:
        shown = [f.image for f in src]
    assert len(shown) == len(frames)
    diff = np.abs(frames[10][1].astype(int) - shown[10].astype(int)).mean()
    assert diff < 4, "the same upright picture, up to compression"
    with_overlay = write_annotated_video(analysis, tmp_path / "ov.mp4")
    _, ov = _decode(with_overlay)
    state = FrameStates(analysis).at(10, float(frames[10][0]), (240, 320))
    hip = state.landmarks_px[23]
    x, y = int(hip[0]), int(hip[1])
    px = ov[10][1][max(0, y - 6) : y + 7, max(0, x - 6) : x + 7].reshape(-1, 3).astype(int)
    green = (px[:, 1] > px[:, 0] + 60) & (px[:, 1] > px[:, 2] + 30)
    assert green.any(), "the skeleton is drawn where the upright picture has the hip"


VIDEO_PAGE = """<!DOCTYPE html><html><head><link rel="icon" href="data:,"></head><body>
<video id="v" src="%s" muted preload="auto"></video><script>
var v = document.getElementById("v");
v.addEventListener("loadeddata", function () { console.log("VIDEO ok " + v.videoWidth + "x" + v.videoHeight); });
v.addEventListener("error", function () { console.log("VIDEO error " + (v.error && v.error.code)); });
</script></body></html>"""


def _plays_in_chromium(video: Path, tmp: Path) -> str:
    page = video.with_suffix(".html")
    page.write_text(VIDEO_PAGE % video.name)
    run = rf.run_chromium(page, tmp, "--virtual-time-budget=5000", "--dump-dom")
    lines = [line for line in rf.console_lines(run.stderr) if "VIDEO" in line]
    return lines[0] if lines else "no video event: " + run.stderr[-500:]


@pytest.mark.skipif(rf.CHROMIUM is None, reason="Debian package 'chromium' not installed")
def test_video_plays_in_a_browser(tmp_path: Path, clip_and_analysis) -> None:
    _, analysis = clip_and_analysis
    out = write_annotated_video(analysis, tmp_path / "annotated.mp4")
    assert "VIDEO ok 320x240" in _plays_in_chromium(out, tmp_path)
    # the check can fail: MPEG-4 Part 2 in mp4 (what OpenCV's "mp4v" writer makes) does not play
    mp4v = tmp_path / "mp4v.mp4"
    with av.open(str(mp4v), "w") as c:
        s = c.add_stream("mpeg4", rate=25)
        s.width, s.height, s.pix_fmt = 320, 240, "yuv420p"
        for i in range(25):
            frame = av.VideoFrame.from_ndarray(
                np.full((240, 320, 3), i * 5, np.uint8), format="rgb24"
            )
            for p in s.encode(frame):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    assert "VIDEO error" in _plays_in_chromium(mp4v, tmp_path)


@pytest.mark.parametrize(
    ("cue", "value", "threshold", "comparison", "unit", "expected"),
    [
        (
            "slgb.hips_up",
            158.23,
            165.0,
            ">=",
            "deg",
            "Drive the hips all the way up: 158 deg (needs >= 165 deg)",
        ),
        ("tth.head_neutral", 0.42, 0.9, ">=", "fraction", "Head neutral: 42 % (needs >= 90 %)"),
        (
            "slgb.hips_level",
            14.0,
            10.0,
            "<=",
            "deg",
            "Keep the hips level: 14 deg (needs <= 10 deg)",
        ),
        ("slgb.force_down", None, 0.15, "<=", "shin", "Push straight down: the support is moving"),
    ],
)
def test_screen_line_is_plain_ascii(cue, value, threshold, comparison, unit, expected) -> None:
    from formcheck.report.model import CueResult, Status
    from formcheck.report.words import screen_line

    r = CueResult(
        cue_id=cue,
        segment_index=0,
        status=Status.FAULT,
        value=value,
        threshold=threshold,
        comparison=comparison,
        unit=unit,
    )
    text = screen_line(r)
    assert text == expected and text.isascii()
