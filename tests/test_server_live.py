"""The live page of `formcheck serve`, end to end: Debian's Chromium with a camera it fakes from
a clip (``--use-file-for-fake-video-capture``), the service as a real process on 127.0.0.1, the
frames and cues over its WebSocket. The engine behind the page is `formcheck live`'s, tested
on its own in test_live.py; here: what the athlete sees and hears, against `formcheck analyze`
on the same clip, and what happens when the server goes, a second page trains at the same
time, or the camera is refused.
"""

from __future__ import annotations

import json
import struct
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fixtures_browser import _launch, new_phone_page, save_screenshot
from fixtures_live import clip_to_y4m, fault_agreement, run_set
from fixtures_server import COACH_EMAIL, COACH_PASSWORD, Server, start_server
from shared_clips import REAL_CLIPS

SAMPLES = Path(__file__).resolve().parents[1] / "sample_videos"
REAL_SIDE_CLIP = REAL_CLIPS / "pexels_banded_glute_bridge_side.mp4"
#: the fake camera's picture in these tests: small, so the y4m files stay small
TEST_CAMERA_PX = 480
#: Chromium reports a refused WebSocket handshake (the server away) as a console error
SERVER_AWAY_NOISE = ("WebSocket connection to", "ERR_CONNECTION_REFUSED")


def _y4m(clip: Path, tmp: Path) -> tuple[Path, float]:
    if not clip.is_file():
        pytest.skip(f"clip missing: {clip}")
    out = tmp / f"{clip.stem}.y4m"
    return out, clip_to_y4m(clip, out, long_side=TEST_CAMERA_PX)


def _offline(clip: Path, drill: str = "auto") -> Any:
    from formcheck.pipeline import analyze

    return analyze(clip, drill=drill).report


def _page(browser: Any, **options: Any) -> Any:
    page = new_phone_page(browser, **options)
    page.set_default_timeout(30_000)
    return page


def _sign_in(page: Any, server: Server) -> None:
    page.goto(f"{server.url}/login")
    page.fill("input[name=email]", COACH_EMAIL)
    page.fill("input[name=password]", COACH_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/")


def test_the_live_page_counts_the_reps_and_faults_analyze_finds(
    server: Server, browser_with_fake_camera: Any, tmp_path: Path
) -> None:
    """A real side-view clip as the camera: the page opens it, draws the skeleton and the hip
    angle, counts the reps `formcheck analyze` counts, shows the same faults, says each rep's
    cue, has no console error; the set saved becomes a clip in the athlete's history."""
    y4m, seconds = _y4m(REAL_SIDE_CLIP, tmp_path)
    offline = _offline(REAL_SIDE_CLIP)
    athlete = server.add_athlete("Live Lena")
    page = _page(browser_with_fake_camera(y4m))
    shot = tmp_path / "mid.png"
    live = run_set(page, f"{server.url}/a/{athlete.invite_token}/live", seconds, screenshot=shot)
    save_screenshot(page, "live_page_set_done")

    offline_reps = [s for s in offline.segments if s.kind == "rep"]
    assert len(offline_reps) >= 2
    assert len(live.reps) == len(offline_reps), [e["line"] for e in live.finished]
    assert page.inner_text("#summary-line") == f"Reps counted: {len(offline_reps)}"
    agree, compared = fault_agreement(live, offline)
    assert compared >= 2 * len(offline_reps) and agree / compared >= 0.9, (agree, compared)
    assert live.skeletons & {"ok", "fault"}, "the skeleton was never drawn"
    assert live.stats["analysed"] >= 4 * seconds, live.stats  # a few frames a second at least
    spoken = [s["text"] for s in live.spoken]
    assert spoken and all(s for s in spoken), live.spoken
    for event in live.reps:  # each rep's line is the report's words for its faults
        for fault in event["faults"]:
            assert fault["line"] in event["line"]
    assert not page.console_errors, page.console_errors

    page.click("#save-btn")
    page.wait_for_selector("#save-status a")
    clip_id = page.get_attribute("#save-status a", "href").rsplit("/", 1)[-1]
    from fixtures_server import wait_for_clip

    assert not list((server.data / "uploads").glob("live-*")), "the set's upload name is kept"
    saved = wait_for_clip(server, athlete.invite_token, clip_id)
    assert saved["status"] == "done", saved
    assert saved["reps"] == len(live.reps), saved  # the saved set, analysed offline, agrees
    page.context.close()


def test_the_hold_timer_runs_on_a_table_top_and_the_coach_saves_the_set(
    server: Server, browser_with_fake_camera: Any, tmp_path: Path
) -> None:
    """A table top from the coach's live page: the hold timer appears, runs while the hips are
    up (past the 10 s mark on this 10.5 s hold), and the set goes to the athlete picked."""
    clip = SAMPLES / "table_top_clean_side.mp4"
    y4m, seconds = _y4m(clip, tmp_path)
    athlete = server.add_athlete("Table Tom")
    page = _page(browser_with_fake_camera(y4m))
    _sign_in(page, server)
    live = run_set(page, f"{server.url}/live?athlete={athlete.id}", seconds, drill="table-top")

    running = [float(t.split()[1]) for t in live.hold_texts if t.startswith("Hold ")]
    assert running, live.hold_texts
    assert max(running) >= 8.0, running
    assert any(t.startswith("Hips up") for t in live.hold_texts), "the timer waits for the hips"
    holds = [e for e in live.finished if e["kind"] == "hold"]
    assert len(holds) == 1 and holds[0]["duration_s"] >= 9.0, live.finished
    save_screenshot(page, "live_page_table_top_done")
    assert page.input_value("#save-athlete") == athlete.id
    page.click("#save-btn")
    page.wait_for_selector("#save-status a")
    href = page.get_attribute("#save-status a", "href")
    assert href.startswith("/clips/")
    with server.store().session() as s:
        from formcheck.server.store import Clip

        saved = s.get(Clip, href.rsplit("/", 1)[-1])
        assert saved is not None and saved.athlete_id == athlete.id
        assert saved.drill_requested == "table-top"
    assert not page.console_errors, page.console_errors
    page.context.close()


def test_two_live_pages_train_at_the_same_time(
    server: Server, browser_with_fake_camera: Any, tmp_path: Path
) -> None:
    """Two athletes' pages at once, each with its own set on the server: both count the reps;
    the muted one shows its cues without saying them."""
    clip = SAMPLES / "banded_bridge_clean_side.mp4"
    y4m, seconds = _y4m(clip, tmp_path)
    browser = browser_with_fake_camera(y4m)
    pages = [_page(browser) for _ in range(2)]
    athletes = [server.add_athlete(f"Pair {i}") for i in range(2)]
    for page, athlete in zip(pages, athletes, strict=True):
        page.goto(f"{server.url}/a/{athlete.invite_token}/live")
    for page in pages:
        page.click("#start-btn")
    for page in pages:
        page.wait_for_function("() => window.fcLive.state.analysed > 0")
    pages[1].click("#mute-btn")  # the second athlete trains with the sound off
    assert pages[1].get_attribute("#mute-btn", "aria-pressed") == "true"
    time.sleep(seconds + 0.8)
    for page in pages:
        page.click("#end-btn")
    counts = []
    for page in pages:
        page.wait_for_function("() => window.fcLive.state.summary")
        counts.append(page.evaluate("() => window.fcLive.stats()"))
    sets = {page.evaluate("() => window.fcLive.state.summary.type") for page in pages}
    assert sets == {"set_end"}
    assert [c["reps"] for c in counts] == [2, 2], counts  # the clip's two reps, on each page
    spoken = [page.evaluate("() => window.fcLive.state.spoken") for page in pages]
    assert spoken[0] and not any(s["muted"] for s in spoken[0]), spoken  # "Good rep", aloud
    assert spoken[1] and all(s["muted"] for s in spoken[1]), spoken  # the same cues, silent
    for page in pages:
        assert not page.console_errors, page.console_errors
        page.context.close()


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[Server]:
    """A service of this test's own (it is stopped and started again), one live set at a time."""
    srv = start_server(tmp_path, ["--workers", "0", "--live-sessions", "1"])
    try:
        yield srv
    finally:
        srv.stop()


def test_the_page_says_the_server_is_gone_and_reconnects(
    own_server: Server, browser_with_fake_camera: Any, tmp_path: Path
) -> None:
    clip = SAMPLES / "banded_bridge_clean_side.mp4"
    y4m, _ = _y4m(clip, tmp_path)
    athlete = own_server.add_athlete("Away Ann")
    page = _page(browser_with_fake_camera(y4m))
    page.goto(f"{own_server.url}/a/{athlete.invite_token}/live")
    page.click("#start-btn")
    page.wait_for_function("() => window.fcLive.state.analysed > 5")
    own_server.stop()
    page.wait_for_function(
        "() => !document.getElementById('conn').hidden && "
        "document.getElementById('conn').textContent.includes('Lost the connection')"
    )
    before = page.evaluate("() => window.fcLive.state.analysed")
    time.sleep(1.0)
    assert page.evaluate("() => window.fcLive.state.analysed") == before  # nothing analysed
    own_server.start()
    page.wait_for_function(
        f"() => window.fcLive.state.analysed > {before + 5}", timeout=30_000
    )
    assert "Reconnected" in page.inner_text("#conn") or page.is_hidden("#conn")
    save_screenshot(page, "live_page_reconnected")
    errors = [e for e in page.console_errors if not any(n in e for n in SERVER_AWAY_NOISE)]
    assert not errors, errors
    page.context.close()


def test_a_refused_camera_is_a_clear_message(
    server: Server, playwright_sync: Any, tmp_path: Path
) -> None:
    """The athlete says no to the camera prompt: the page says what to do, and sends nothing."""
    browser = _launch(playwright_sync, ["--use-fake-device-for-media-stream"])
    try:
        athlete = server.add_athlete("No Camera Nina")
        page = _page(browser)  # no camera permission granted: Chromium refuses the request
        page.goto(f"{server.url}/a/{athlete.invite_token}/live")
        page.click("#start-btn")
        page.wait_for_selector("#error:not([hidden])")
        message = page.inner_text("#error")
        assert "Camera access was refused" in message and "Allow the camera" in message
        assert page.is_hidden("#live")
        assert page.evaluate("() => window.fcLive.state.sent") == 0
        save_screenshot(page, "live_page_camera_refused")
    finally:
        browser.close()


# -- the socket, as a client other than the page --------------------------------------------


def _socket_url(server: Server, path: str) -> str:
    return server.url.replace("http://", "ws://") + path


def _jpeg(rgb: np.ndarray) -> bytes:
    import cv2

    ok, buf = cv2.imencode(".jpg", np.ascontiguousarray(rgb[..., ::-1]))
    assert ok
    return bytes(buf)


def _frame(t: float, jpeg: bytes, sent: float = 1.0) -> bytes:
    return struct.pack("<dd", sent, t) + jpeg


def test_the_socket_refuses_other_sites_no_sign_in_and_a_dead_link(own_server: Server) -> None:
    from websockets.exceptions import ConnectionClosed, InvalidStatus
    from websockets.sync.client import connect

    athlete = own_server.add_athlete("Socket Sam")
    token = athlete.invite_token

    def closed_with(path: str, **kw: Any) -> int | None:
        try:
            with connect(_socket_url(own_server, path), open_timeout=10, **kw) as ws:
                ws.recv(timeout=10)
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None
        except InvalidStatus as refused:
            return refused.response.status_code
        return None

    assert closed_with("/api/live") in (1008, 403)  # the coach's socket needs a signed-in coach
    assert closed_with("/api/a/not-a-token/live") in (1008, 403)
    evil = closed_with(f"/api/a/{token}/live", origin="http://evil.example")  # type: ignore[arg-type]
    assert evil in (1008, 403)


def test_a_bad_frame_is_answered_and_the_set_goes_on_and_one_set_too_many_is_told_busy(
    own_server: Server,
) -> None:
    from websockets.sync.client import connect

    athlete = own_server.add_athlete("Frames Fay")
    url = _socket_url(own_server, f"/api/a/{athlete.invite_token}/live?drill=banded-bridge")
    with connect(url, open_timeout=30) as ws:
        assert json.loads(ws.recv(timeout=30))["type"] == "ready"
        ws.send(b"short")
        assert json.loads(ws.recv(timeout=10))["type"] == "error"
        ws.send(_frame(0.0, b"not a jpeg at all"))
        error = json.loads(ws.recv(timeout=10))
        assert error["type"] == "error" and "not an image" in error["message"]
        ws.send(_frame(0.1, _jpeg(np.full((240, 320, 3), 90, np.uint8)), sent=42.0))
        frame = json.loads(ws.recv(timeout=30))
        assert frame["type"] == "frame" and frame["sent"] == 42.0
        assert frame["landmarks"] is None and frame["reps"] == 0  # nobody in a grey picture
        assert frame["size"] == [320, 240]
        # this service runs one live set at a time: a second page is told so
        with connect(url, open_timeout=30) as second:
            busy = json.loads(second.recv(timeout=10))
            assert busy["type"] == "busy" and "try again" in busy["message"]
        ws.send(json.dumps({"type": "end"}))
        end = json.loads(ws.recv(timeout=30))
        assert end["type"] == "set_end" and end["summary"] == "reps counted: 0"
        assert end["saveable"] is False  # one frame is not a clip


def test_a_saved_set_keeps_its_frames_and_their_times(tmp_path: Path) -> None:
    """The frames the server analysed become the clip, each at the time it was taken."""
    from formcheck.server.config import ServerConfig
    from formcheck.server.live_session import Frame, LiveSession
    from formcheck.video import open_video

    config = ServerConfig(data_dir=tmp_path / "data")
    session = LiveSession(config, drill="banded-bridge")
    times = [0.0, 0.07, 0.15, 0.21, 0.3, 0.42, 0.5]  # uneven, as a busy server takes them
    try:
        for t in times:
            grey = np.full((120, 160, 3), int(40 + 200 * t), np.uint8)
            session.feed(Frame(sent_ms=0.0, t=t + 5.0, jpeg=_jpeg(grey)))
        assert session.end()["saveable"]
        path = session.write_clip(tmp_path / "out")
        with open_video(path) as video:
            got = [round(f.t, 2) for f in video]
        assert got == times
    finally:
        session.close()
    assert not (config.data_dir / "live" / f"{session.id}.frames").exists()
