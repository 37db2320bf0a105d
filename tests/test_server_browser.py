"""`formcheck serve` in a real browser (the system's Chromium through Playwright), as the
athlete and the coach use it: the phone page from the invite link to the report it opens by
itself, with the annotated video inline and no console error; the coach's sign-in, dashboard,
athlete page with the progress plots after two sessions, a note and the CSV; the invite's QR
code and its revocation. Screenshots for review go to tests/screenshots/ (or
$FORMCHECK_SCREENSHOTS).

Skips where Playwright or Chromium is absent (fixtures_browser), and the real-clip case where
../shared is absent; the rendered sample clip covers the same flow everywhere.
"""

from __future__ import annotations

import csv
import io
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fixtures_browser import ACTION_TIMEOUT_MS, _record_errors, save_screenshot
from fixtures_server import (
    COACH_EMAIL,
    COACH_PASSWORD,
    Server,
    clip_of_upload,
    upload,
    wait_for_clip,
)
from shared_clips import REAL_CLIPS

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_videos"
SAMPLE_CLIP = SAMPLES / "single_leg_bridge_no_squeeze_side.mp4"
HOLD_CLIP = SAMPLES / "table_top_clean_side.mp4"
REAL_CLIP = REAL_CLIPS / "pexels_banded_glute_bridge_side.mp4"
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
#: the analysis of a sample clip takes about a second (the suite caches its track); a real
#: clip is tracked for a few seconds; either waits behind the module's other jobs
ANALYSIS_TIMEOUT_MS = 120_000
VIDEO_TIMEOUT_S = 90.0

pytest.importorskip("playwright")


def expect(target: Any) -> Any:
    from playwright.sync_api import expect as pw_expect

    return pw_expect(target)


def desktop_page(browser: Any) -> Any:
    context = browser.new_context(**DESKTOP)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    return _record_errors(context.new_page())


def throttle_uploads(page: Any, bytes_per_s: int) -> None:
    """Slow the page's uploads (Chromium's network emulation), so the upload's progress is on
    screen long enough to be seen and photographed."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1,
        "uploadThroughput": bytes_per_s,
    })


def wait_for_video(page: Any, timeout_s: float = VIDEO_TIMEOUT_S) -> None:
    """The annotated video is made after the report: reload until the page has it."""
    deadline = time.monotonic() + timeout_s
    while page.locator("video.report-video").count() == 0:
        assert time.monotonic() < deadline, "the annotated video never appeared on the report"
        page.wait_for_timeout(1000)
        page.reload()


def video_state(page: Any) -> dict[str, Any]:
    """Load the report's video and try to play it (muted, so autoplay rules allow it);
    returns what the element says: readyState, duration, size, error, and whether it
    played."""
    page.wait_for_function(
        """() => { const v = document.querySelector('video.report-video');
                   return v && (v.readyState >= 1 || v.error); }""",
        timeout=30_000,
    )
    return dict(page.evaluate(
        """async () => {
          const v = document.querySelector('video.report-video');
          let played = false, playError = null;
          if (!v.error) {
            v.muted = true;
            try {
              await v.play();
              const t0 = performance.now();
              while (v.currentTime === 0 && performance.now() - t0 < 5000) {
                await new Promise((r) => setTimeout(r, 100));
              }
              played = v.currentTime > 0;
              v.pause();
            } catch (e) { playError = String(e); }
          }
          return {readyState: v.readyState, duration: v.duration, width: v.videoWidth,
                  height: v.videoHeight, error: v.error ? v.error.code : null,
                  played, playError,
                  canPlayH264: v.canPlayType('video/mp4; codecs="avc1.64001f"')};
        }"""
    ))


# -- the athlete on a phone --------------------------------------------------------------------


PHONE_CASES = [
    pytest.param(SAMPLE_CLIP, "single-leg-bridge", "right", id="sample"),
    pytest.param(REAL_CLIP, "banded-bridge", "right", id="real", marks=pytest.mark.skipif(
        not REAL_CLIP.is_file(), reason=f"{REAL_CLIP} is absent (../shared not checked out)")),
]


@pytest.mark.parametrize(("clip", "drill", "side"), PHONE_CASES)
def test_the_athlete_uploads_from_the_phone_and_lands_on_the_report(
        server: Server, phone_page: Any, clip: Path, drill: str, side: str,
        request: pytest.FixtureRequest) -> None:
    from formcheck.pipeline import analyze
    from formcheck.server.report_words import ReportWords

    case = request.node.callspec.id
    athlete = server.add_athlete(f"Phone {case}")
    token = athlete.invite_token
    page = phone_page
    page.goto(f"{server.url}/a/{token}")
    expect(page.locator("#film-h")).to_be_visible()
    expect(page.locator("#history-empty")).to_be_visible()

    page.select_option("#drill", drill)
    page.locator(f'label:has(input[name="side"][value="{side}"])').click()
    assert page.locator(f'input[name="side"][value="{side}"]').is_checked()
    page.set_input_files("#file-choose", str(clip))
    expect(page.locator("#chosen-name")).to_have_text(clip.name)
    expect(page.locator("#upload-btn")).to_be_enabled()
    save_screenshot(page, f"phone_{case}_chosen")

    # about three seconds of upload, so the progress is there to be seen
    throttle_uploads(page, max(16_000, clip.stat().st_size // 3))
    page.click("#upload-btn")
    expect(page.locator("#progress-box")).to_be_visible()
    expect(page.locator("#status")).to_contain_text("upload", timeout=5_000)
    page.wait_for_function(
        "() => { const p = document.querySelector('#progress'); return p.value > 0 && p.value < 100; }",
        timeout=10_000,
    )
    save_screenshot(page, f"phone_{case}_uploading")

    # the page follows the analysis and opens the report by itself
    page.wait_for_url(f"**/a/{token}/clips/*", timeout=ANALYSIS_TIMEOUT_MS)
    report_url = page.url
    expect(page.locator(".verdict .headline")).to_be_visible()

    expected = analyze(clip).report
    reps = page.locator(".facts div:has(dt:text-is('Reps')) dd")
    expect(reps).to_have_text(str(len(expected.reps)))
    faults = page.locator(".facts div:has(dt:text-is('Faults')) dd")
    expect(faults).to_have_text(str(len(expected.faults)))
    assert page.locator("#segments article.seg").count() == len(expected.segments)
    # every verdict of the analysis is on the page, under the article's key point
    assert page.locator("li.cue").count() == len(expected.results)
    shown = set(page.locator("li.cue .kp").all_inner_texts())
    assert shown == {ReportWords.key_point(r.cue_id) for r in expected.results}
    save_screenshot(page, f"phone_{case}_report")

    wait_for_video(page)
    state = video_state(page)
    # Debian's Chromium is built with the proprietary codecs (its FFmpeg decodes H.264), so
    # the annotated H.264 mp4 loads and plays inline like on a phone's browser
    assert state["canPlayH264"] == "probably", state
    assert state["error"] is None and state["readyState"] >= 1, state
    assert state["duration"] > 0 and state["width"] > 0 and state["height"] > 0, state
    assert state["played"], state
    save_screenshot(page, f"phone_{case}_report_video")

    # the history on the invite page lists the clip, linking to its report
    page.goto(f"{server.url}/a/{token}")
    items = page.locator("#history li a.clip")
    expect(items).to_have_count(1)
    assert report_url.endswith(items.first.get_attribute("href"))
    expect(items.first.locator(".clip-status")).to_contain_text("done")
    expect(items.first.locator(".clip-facts")).to_contain_text(f"{len(expected.reps)} rep")
    assert page.console_errors == []


# -- the coach ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_sessions(server: Server) -> dict[str, Any]:
    """An athlete with two analysed clips, the first one a day earlier (a table-top hold, then
    a single-leg bridge)."""
    athlete = server.add_athlete("Bea Coached")
    token = athlete.invite_token
    clips = []
    for clip, drill in ((HOLD_CLIP, "table-top"), (SAMPLE_CLIP, "single-leg-bridge")):
        clip_id = clip_of_upload(server, token, upload(server, token, clip, drill=drill,
                                                       side="right"))
        assert wait_for_clip(server, token, clip_id)["status"] == "done"
        clips.append(clip_id)
    # the first clip stands in for a session filmed the day before: its recorded_at (the
    # session it belongs to) moves back one day in the store
    from formcheck.server.store import Clip

    store = server.store()
    with store.session() as s:
        first = s.get(Clip, clips[0])
        assert first is not None
        first.recorded_at = first.recorded_at - timedelta(days=1)
    return {"athlete": athlete.id, "token": token, "name": athlete.name, "clips": clips}


def sign_in(page: Any, server: Server, screenshot: str = "") -> None:
    page.goto(f"{server.url}/")
    page.wait_for_url("**/login*")
    expect(page.locator("h1")).to_have_text("Coach sign in")
    if screenshot:
        save_screenshot(page, screenshot)
    page.fill('input[name="email"]', COACH_EMAIL)
    page.fill('input[name="password"]', COACH_PASSWORD)
    page.click('form[action="/login"] button[type="submit"]')
    page.wait_for_url(f"{server.url}/")
    expect(page.locator("h1")).to_have_text("Athletes")


def test_the_coach_signs_in_and_follows_the_athlete_over_two_sessions(
        server: Server, browser: Any, two_sessions: dict[str, Any]) -> None:
    page = desktop_page(browser)
    try:
        sign_in(page, server, screenshot="coach_login")
        name = two_sessions["name"]
        rows = page.locator("table.clips tbody tr", has=page.locator(f"a:text-is('{name}')"))
        expect(rows).to_have_count(2)
        for row in rows.all():
            expect(row.locator(".badge")).to_have_text("done")
        save_screenshot(page, "coach_dashboard")

        page.click(f"ul.athletes a:text-is('{name}')")
        page.wait_for_url(f"**/athletes/{two_sessions['athlete']}")
        sessions = page.locator("table.sessions tbody tr")
        expect(sessions).to_have_count(2)
        assert page.locator("table.sessions tbody tr td:first-child").all_inner_texts() == sorted(
            page.locator("table.sessions tbody tr td:first-child").all_inner_texts())
        # the longest-hold plot, with the article's marks as dashed lines
        plot = page.locator("figure.plot-longest_hold svg")
        expect(plot).to_be_visible()
        marks = plot.locator("line.mark title")
        assert marks.all_text_contents() == ["10 s", "20 s", "2 min"]
        assert plot.locator("circle").count() == 1  # one session held the table top
        expect(page.locator("figure.plot-fault_rates svg")).to_be_visible()
        save_screenshot(page, "coach_athlete")

        # the CSV: one row per clip
        with page.expect_download() as download:
            page.click("a[href$='/history.csv']")
        text = Path(download.value.path()).read_text()
        rows_csv = list(csv.DictReader(io.StringIO(text)))
        assert sorted(r["clip_id"] for r in rows_csv) == sorted(two_sessions["clips"])
        assert len({r["date"] for r in rows_csv}) == 2

        # a note on a clip, through the form
        page.click(f"table.clips a[href='/clips/{two_sessions['clips'][0]}']")
        page.wait_for_url(f"**/clips/{two_sessions['clips'][0]}")
        expect(page.locator(".verdict .headline")).to_be_visible()
        note = "Hips stayed up: next time hold for 20 s."
        page.fill("textarea[name='text']", note)
        page.click("form[action$='/note'] button[type='submit']")
        page.wait_for_load_state()
        expect(page.locator("textarea[name='text']")).to_have_value(note)
        page.reload()
        expect(page.locator("textarea[name='text']")).to_have_value(note)
        save_screenshot(page, "coach_clip")
        page.goto(f"{server.url}/athletes/{two_sessions['athlete']}")
        noted = page.locator(f"table.clips tr:has(a[href='/clips/{two_sessions['clips'][0]}'])")
        expect(noted.locator("td").last).to_have_text("✎")
        assert page.console_errors == []
    finally:
        page.context.close()


def test_the_coach_pages_fit_a_phone(server: Server, browser: Any,
                                     two_sessions: dict[str, Any]) -> None:
    from fixtures_browser import new_phone_page

    page = new_phone_page(browser)
    try:
        sign_in(page, server)
        save_screenshot(page, "coach_dashboard_phone")
        page.goto(f"{server.url}/athletes/{two_sessions['athlete']}")
        expect(page.locator("figure.plot-longest_hold svg")).to_be_visible()
        # nothing wider than the screen but the tables' own scrolling boxes
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, width
        save_screenshot(page, "coach_athlete_phone")
        assert page.console_errors == []
    finally:
        page.context.close()


def test_the_invite_qr_loads_and_a_revoked_link_answers_404(server: Server, browser: Any,
                                                            phone_page: Any) -> None:
    athlete = server.add_athlete("Cai Revoked")
    invite = f"{server.url}/a/{athlete.invite_token}"
    assert phone_page.goto(invite).status == 200
    page = desktop_page(browser)
    try:
        sign_in(page, server)
        page.goto(f"{server.url}/athletes/{athlete.id}")
        expect(page.locator("input.copy")).to_have_value(invite)
        qr = page.locator("img.qr")
        expect(qr).to_be_visible()
        page.wait_for_function("() => document.querySelector('img.qr').complete")
        assert qr.evaluate("img => img.naturalWidth") > 0
        page.click("form[action$='/revoke'] button")
        expect(page.locator(".invite .notice")).to_contain_text("revoked")
        assert page.locator("img.qr").count() == 0
        assert page.console_errors == []
    finally:
        page.context.close()
    assert phone_page.goto(invite).status == 404
