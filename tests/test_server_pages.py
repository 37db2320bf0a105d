"""The server's pages render from their context alone (no server): the athlete's phone page and
the report pages, from real report dicts of synthetic sets, obey the strict Content-Security-
Policy they are served under (no inline script or style, no event-handler attributes), and show
what the report says in the report's own words (`report_words`, which the service registers)."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from importlib import resources
from typing import Any

import jinja2
import pytest
from builders import not_a_bridge_track, single_leg_track, table_top_track
from markupsafe import escape

from formcheck.drills import DRILL_IDS, DRILLS
from formcheck.pipeline import analyze_track
from formcheck.report.serialize import report_to_dict
from formcheck.report.words import cue_words
from formcheck.server import report_words
from formcheck.server.tips import drill_choices

TOKEN = "tok-abc"
SERVER = resources.files("formcheck.server")
CONFIG = {
    "token": TOKEN,
    "upload_url": "/api/uploads/",
    "api": f"/api/a/{TOKEN}",
    "page": f"/a/{TOKEN}",
    "max_upload_mb": 200,
    "max_duration_s": 180,
    "drills": [{"id": d["id"], "name": d["name"]} for d in drill_choices()],
}
CLIPS = [
    {
        "id": "c2", "created": "2026-12-03T08:02:40+00:00", "status": "done",
        "drill": "table-top", "reps": 0, "faults": 1, "longest_hold_s": 12.4,
        "hold_mark": "10s", "error": None, "url": f"/a/{TOKEN}/clips/c2",
    },
    {
        "id": "c1", "created": "2026-12-01T18:45:00+00:00", "status": "failed", "drill": "",
        "reps": None, "faults": None, "longest_hold_s": None, "hold_mark": "",
        "error": "no person found <in> the clip", "url": f"/a/{TOKEN}/clips/c1",
    },
]  # fmt: skip


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(SERVER.joinpath("templates"))),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    report_words.register(env)
    return env


class _Page(HTMLParser):
    """The tags of a page, and what a strict CSP would refuse in it."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.refused: list[str] = []
        self.json_blocks: dict[str, str] = {}
        self._in_script: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        for name, value in a.items():
            if name == "style" or name.startswith("on"):
                self.refused.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action") and (value or "").startswith("javascript:"):
                self.refused.append(f"<{tag} {name}=javascript:…>")
        if tag == "style":
            self.refused.append("<style>")
        if tag == "script":
            self._in_script, self._text = a, []

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_script is not None:
            body = "".join(self._text).strip()
            if self._in_script.get("type") == "application/json":
                self.json_blocks[str(self._in_script.get("id"))] = body
            elif body or not self._in_script.get("src"):
                self.refused.append("inline <script>")
            self._in_script = None


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    assert not page.refused, page.refused
    return page


def _phone(**ctx: Any) -> str:
    context = {
        "athlete_name": "Sam <R>",
        "config": CONFIG,
        "drills": drill_choices(),
        "clips": CLIPS,
    }
    return _env().get_template("phone.html").render(**{**context, **ctx})


def _report_page(report: dict[str, Any] | None, **ctx: Any) -> str:
    context = {
        "athlete_name": "Sam",
        "clip": CLIPS[0],
        "report": report,
        "video_url": None,
        "back_url": f"/a/{TOKEN}",
    }
    return _env().get_template("athlete_report.html").render(**{**context, **ctx})


def _report(track: Any, drill: str = "auto") -> dict[str, Any]:
    return report_to_dict(analyze_track(track, drill=drill).report)


@pytest.fixture(scope="module")
def reports() -> dict[str, dict[str, Any]]:
    return {
        "single_leg": _report(single_leg_track(3)),
        "table_top": _report(table_top_track(hold_s=12.0, lifts=(("left", 4.0, 6.0),))),
        "not_a_bridge": _report(not_a_bridge_track("crunch")),
        "mismatch": _report(table_top_track(hold_s=12.0), drill="single-leg-bridge"),
    }


# -- the phone page ---------------------------------------------------------------------------


def test_the_phone_page_passes_its_config_as_json_and_loads_only_static_scripts() -> None:
    html = _phone()
    page = _parse(html)
    assert json.loads(page.json_blocks["fc-config"]) == CONFIG
    scripts = [a["src"] for t, a in page.tags if t == "script" and a.get("src")]
    assert scripts == ["/static/tus.min.js", "/static/phone.js"]
    assert all(
        a.get("href", "").startswith(("/static/", "data:")) for t, a in page.tags if t == "link"
    )
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


def test_the_phone_page_offers_auto_and_the_three_drills_each_with_its_tips() -> None:
    page = _parse(_phone())
    options = [a["value"] for t, a in page.tags if t == "option"]
    assert options == ["auto", *DRILL_IDS]
    tips = [a["data-drill"] for t, a in page.tags if t == "ul" and "data-drill" in a]
    assert tips == ["auto", *DRILL_IDS]
    html = _phone()
    for choice in drill_choices():
        for tip in choice["tips"]:  # type: ignore[union-attr]
            assert escape(tip) in html


def test_the_phone_page_records_or_chooses_a_video_and_says_which_side() -> None:
    page = _parse(_phone())
    inputs = {a.get("id"): a for t, a in page.tags if t == "input"}
    assert inputs["file-record"]["accept"] == "video/*"
    assert inputs["file-record"]["capture"] == "environment"
    assert inputs["file-choose"]["accept"] == "video/*"
    sides = [a["value"] for t, a in page.tags if t == "input" and a.get("name") == "side"]
    assert sides == ["left", "right", "unknown"]
    assert any(t == "progress" for t, _ in page.tags)
    assert {"status", "error", "upload-btn", "history"} <= {a.get("id") for _, a in page.tags}


def test_the_history_lists_each_clip_with_its_link_and_escapes_what_it_shows() -> None:
    html = _phone()
    page = _parse(html)
    links = [a["href"] for t, a in page.tags if t == "a" and "clip" in (a.get("class") or "")]
    assert links == [c["url"] for c in CLIPS]
    assert "Table Top Holds" in html and "longest hold 12.4 s" in html and "1 fault" in html
    assert "no person found &lt;in&gt; the clip" in html and "Sam &lt;R&gt;" in html
    empty = _phone(clips=[])
    assert "No clips yet" in empty


# -- the report pages -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["single_leg", "table_top", "not_a_bridge", "mismatch"])
def test_every_report_renders_under_the_csp(reports: dict[str, dict[str, Any]], name: str) -> None:
    _parse(_report_page(reports[name]))


def test_a_report_shows_each_cue_with_its_key_point_verdict_and_message(
    reports: dict[str, dict[str, Any]],
) -> None:
    report = reports["single_leg"]
    html = _report_page(report)
    for r in report["results"]:
        assert str(escape(cue_words(r["cue_id"]).key_point)) in html
        message = r["message"].removeprefix("not measurable: ")
        assert str(escape(message)) in html
    faults = [r for r in report["results"] if r["status"] == "fault"]
    assert faults and f"{len(faults)} fault" in html
    assert "✗ missed" in html.replace('<span class="mark" aria-hidden="true">✗</span> ', "✗ ")
    assert "Rep 1" in html
    for check in report["coach_checks"]:
        assert check["key_point"] in html
    for cue_id in report["view"]["cannot_measure"]:
        assert cue_words(cue_id).key_point in html


def test_a_report_embeds_the_annotated_video_when_there_is_one(
    reports: dict[str, dict[str, Any]],
) -> None:
    page = _parse(_report_page(reports["single_leg"], video_url="/media/c2.mp4"))
    video = [a for t, a in page.tags if t == "video"]
    assert video and video[0]["src"] == "/media/c2.mp4" and "playsinline" in video[0]
    assert "controls" in video[0]
    assert not [t for t, _ in _parse(_report_page(reports["single_leg"])).tags if t == "video"]


def test_a_clip_that_is_not_a_bridge_says_so_with_its_reason_and_judges_nothing(
    reports: dict[str, dict[str, Any]],
) -> None:
    report = reports["not_a_bridge"]
    assert report["drill"]["id"] == "none"
    html = _report_page(report)
    assert "Not one of the three drills: nothing judged" in html
    for why in report["drill"]["not_a_bridge"]:
        assert why in html
    assert 'id="segments"' not in html and 'id="view"' not in html


def test_a_drill_that_does_not_match_the_movement_is_warned_about_first(
    reports: dict[str, dict[str, Any]],
) -> None:
    report = reports["mismatch"]
    html = _report_page(report)
    warning = next(w for w in report["warnings"] if w.startswith("this looks like"))
    assert str(escape(warning)) in html
    assert html.index("mismatch") < html.index("verdict")


def test_the_hold_summary_shows_the_longest_hold_against_the_marks(
    reports: dict[str, dict[str, Any]],
) -> None:
    report = reports["table_top"]
    holds = report["holds"]
    html = _report_page(report)
    assert f"Longest hold <b>{holds['longest_s']:.1f} s</b>" in html
    assert f"Mark reached: <b>{holds['mark_reached']}</b>" in html
    for mark in ("10 s", "20 s", "2 min"):
        assert mark in html
    assert "Leg lift 1 (right lifted)" in html or "Leg lift 1 (left lifted)" in html


def test_a_report_page_without_a_report_says_why() -> None:
    failed = {**CLIPS[1]}
    html = _report_page(None, clip=failed)
    _parse(html)
    assert "The analysis failed." in html and "no person found &lt;in&gt; the clip" in html
    queued = {**CLIPS[1], "status": "queued", "error": None}
    html = _report_page(None, clip=queued)
    assert "Waiting for analysis" in html and 'http-equiv="refresh"' in html


# -- the static files -------------------------------------------------------------------------


def test_the_static_files_are_there_with_the_vendored_client_and_its_licence() -> None:
    static = SERVER.joinpath("static")
    tus = static.joinpath("tus.min.js").read_text(encoding="utf-8")
    assert "tus" in tus and "findPreviousUploads" in tus and len(tus) > 50_000
    assert "MIT License" in static.joinpath("tus-js-client.LICENSE").read_text(encoding="utf-8")
    assert "tus-js-client 4." in static.joinpath("README.md").read_text(encoding="utf-8")
    css = static.joinpath("app.css").read_text(encoding="utf-8")
    for cls in (".card", ".error", ".ok", ".fault", ".nm", "table", "button"):
        assert cls in css
    js = static.joinpath("phone.js").read_text(encoding="utf-8")
    assert '"use strict";' in js
    for api in ("findPreviousUploads", "resumeFromPreviousUpload", "onShouldRetry", "EventSource"):
        assert api in js


def test_the_report_words_name_each_drills_key_points() -> None:
    words = report_words.ReportWords()
    for drill in DRILLS.values():
        for cue in drill.cues:
            assert words.key_point(cue.id) == cue.key_point
    verdict = words.verdict({"status": "not_measurable", "reason": "not_seen"})
    assert verdict == {"mark": "?", "words": "not seen (out of view or hidden)", "cls": "nm"}
    # a segment as the report's JSON form holds it
    leg_lift = {"index": 3, "kind": "single_leg", "start_s": 4.0, "end_s": 6.5, "side": "left",
                "phases": [], "measures": {}, "number": 2}
    assert words.segment_label(leg_lift) == "Leg lift 2 (right lifted)"
