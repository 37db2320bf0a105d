"""`formcheck serve` as a real process: an athlete's upload becomes a report, and every
security rule of the service is tried and must hold (another athlete's token, no session,
no CSRF token, a text file named .mp4, zero bytes, too large, ``../`` in every field)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
from fixtures_server import (
    Server,
    clip_of_upload,
    csrf_in,
    start_server,
    upload,
    wait_for_clip,
)

ROOT = Path(__file__).resolve().parents[1]
CLIP = ROOT / "sample_videos" / "single_leg_bridge_no_squeeze_side.mp4"


@pytest.fixture(scope="module")
def analysed(server: Server) -> dict[str, str]:
    """One athlete with one clip uploaded and analysed."""
    athlete = server.add_athlete("Ana")
    upload_id = upload(server, athlete.invite_token, CLIP, drill="auto", side="left",
                       name="set 1.mp4")
    clip_id = clip_of_upload(server, athlete.invite_token, upload_id)
    wait_for_clip(server, athlete.invite_token, clip_id)
    return {"token": athlete.invite_token, "clip": clip_id, "athlete": athlete.id,
            "upload": upload_id}


def test_an_upload_becomes_the_same_report_analyze_gives(server: Server,
                                                          analysed: dict[str, str]) -> None:
    from formcheck.pipeline import analyze

    r = httpx.get(f"{server.url}/api/a/{analysed['token']}/clips/{analysed['clip']}")
    data = r.json()
    assert data["status"] == "done", data
    assert data["name"] == "set 1.mp4" and data["side"] == "left"
    expected = analyze(CLIP).report
    report = data["report"]
    assert report["drill"]["id"] == expected.drill.id
    assert [s["kind"] for s in report["segments"]] == [s.kind for s in expected.segments]
    assert sorted((c["cue_id"], c["segment_index"], c["status"]) for c in report["results"]) == \
        sorted((c.cue_id, c.segment_index, c.status.value) for c in expected.results)
    assert data["reps"] == len(expected.reps) and data["faults"] == len(expected.faults)
    # named as the phone named it: the server's own file names stay out of the report
    assert report["clip"]["path"] == report["clip"]["name"] == "set 1.mp4"
    assert str(server.data) not in json.dumps(report)
    # the athlete said their left side faced the camera: the report says which side it saw
    seen = expected.view.name
    said_wrong = [w for w in report["warnings"] if "you said your left side" in w]
    assert bool(said_wrong) == (seen == "side-right"), (seen, report["warnings"])


def test_the_status_streams_as_server_sent_events_until_done(
        server: Server, analysed: dict[str, str]) -> None:
    url = f"{server.url}/api/a/{analysed['token']}/clips/{analysed['clip']}/events"
    with httpx.stream("GET", url, timeout=30) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        events = [json.loads(line[5:]) for line in stream.iter_lines() if line.startswith("data:")]
    assert events[-1]["status"] == "done" and events[-1]["progress"] == 1.0


def test_the_annotated_video_plays_inline_with_range_requests(
        server: Server, analysed: dict[str, str]) -> None:
    data = wait_for_clip(server, analysed["token"], analysed["clip"])
    for _ in range(300):
        if data["video_url"]:
            break
        import time

        time.sleep(0.2)
        data = httpx.get(f"{server.url}/api/a/{analysed['token']}/clips/{analysed['clip']}").json()
    assert data["video_url"], "the annotated video was not made"
    r = httpx.get(server.url + data["video_url"], headers={"Range": "bytes=0-1023"})
    assert r.status_code == 206 and r.headers["content-type"] == "video/mp4"
    assert r.headers["content-range"].startswith("bytes 0-1023/") and len(r.content) == 1024
    assert r.content[4:8] == b"ftyp"


def test_the_history_lists_the_athletes_own_clips(server: Server,
                                                  analysed: dict[str, str]) -> None:
    clips = httpx.get(f"{server.url}/api/a/{analysed['token']}/clips").json()["clips"]
    assert [c["id"] for c in clips] == [analysed["clip"]]


# -- security --------------------------------------------------------------------------------


def test_another_athletes_token_sees_nothing_of_this_athlete(
        server: Server, analysed: dict[str, str]) -> None:
    other = server.add_athlete("Ben")
    mine, clip = analysed["token"], analysed["clip"]
    theirs = other.invite_token
    for path in (f"/api/a/{theirs}/clips/{clip}", f"/api/a/{theirs}/clips/{clip}/events",
                 f"/a/{theirs}/clips/{clip}", f"/a/{theirs}/clips/{clip}/video",
                 f"/api/a/{theirs}/uploads/{analysed['upload']}"):
        assert httpx.get(server.url + path).status_code == 404, path
    assert httpx.get(f"{server.url}/api/a/{theirs}/clips").json()["clips"] == []
    # the tus endpoint: another athlete's upload id is not found in this athlete's folder
    r = httpx.head(f"{server.url}/api/uploads/{analysed['upload']}",
                   headers={"Tus-Resumable": "1.0.0", "X-Invite-Token": theirs})
    assert r.status_code == 404
    assert httpx.get(f"{server.url}/api/a/{mine}/clips").json()["clips"]


def test_an_unknown_or_revoked_token_answers_404(server: Server) -> None:
    athlete = server.add_athlete("Cleo")
    token = athlete.invite_token
    assert httpx.get(f"{server.url}/api/a/{token}/clips").status_code == 200
    from formcheck.server import service

    service.revoke_invite(server.store(), athlete.coach_id, athlete.id)
    for t in (token, "x" * 43, ""):
        assert httpx.get(f"{server.url}/api/a/{t}/clips").status_code == 404
    r = httpx.post(f"{server.url}/api/uploads/", headers={
        "Tus-Resumable": "1.0.0", "Upload-Length": "10", "X-Invite-Token": token})
    assert r.status_code == 404


def test_invite_tokens_carry_at_least_128_random_bits(server: Server) -> None:
    tokens = {server.add_athlete(f"T{i}").invite_token for i in range(5)}
    assert len(tokens) == 5
    for t in tokens:
        assert re.fullmatch(r"[A-Za-z0-9_-]{43,}", t), t  # 43 base64 chars = 256 bits


def test_no_session_no_coach_page_and_no_coach_api(server: Server,
                                                   analysed: dict[str, str]) -> None:
    for path in ("/", f"/athletes/{analysed['athlete']}", f"/clips/{analysed['clip']}",
                 f"/clips/{analysed['clip']}/video", f"/athletes/{analysed['athlete']}/history.csv"):
        r = httpx.get(server.url + path)
        assert r.status_code == 303 and r.headers["location"] == "/login", path
    for path in ("/api/athletes", f"/api/clips/{analysed['clip']}", "/api/clips", "/api/session",
                 f"/api/athletes/{analysed['athlete']}/progress"):
        assert httpx.get(server.url + path).status_code == 401, path
    # a forged cookie is no session either
    forged = {"formcheck_session": "eyJjb2FjaCI6IDF9.forged.signature"}
    assert httpx.get(f"{server.url}/api/athletes", cookies=forged).status_code == 401


def test_every_state_changing_coach_request_needs_the_csrf_token(
        server: Server, analysed: dict[str, str]) -> None:
    coach = server.coach_client()
    athlete, clip = analysed["athlete"], analysed["clip"]
    forms = [("/athletes", {"name": "Mallory"}), (f"/athletes/{athlete}/revoke", {}),
             (f"/athletes/{athlete}/invite", {}), (f"/clips/{clip}/note", {"text": "x"}),
             ("/logout", {})]
    for path, form in forms:
        assert coach.post(path, data=form).status_code == 403, path
        assert coach.post(path, data={**form, "csrf": "wrong"}).status_code == 403, path
    assert coach.post("/api/athletes", json={"name": "Mallory"}).status_code == 403
    assert coach.put(f"/api/clips/{clip}/note", json={"note": "x"}).status_code == 403
    # from another site, even with the token
    token = coach.get("/api/session").json()["csrf"]
    r = coach.post("/api/athletes", json={"name": "M"},
                   headers={"X-CSRF-Token": token, "Origin": "https://evil.example"})
    assert r.status_code == 403
    # nothing changed: still signed in, the athlete's link still works, no note, no Mallory
    names = [a["name"] for a in coach.get("/api/athletes").json()["athletes"]]
    assert "Mallory" not in names and "M" not in names
    assert httpx.get(f"{server.url}/api/a/{analysed['token']}/clips").status_code == 200
    assert coach.get(f"/api/clips/{clip}").json()["note"] == ""
    # and with the token it works
    r = coach.put(f"/api/clips/{clip}/note", json={"note": "hips higher"},
                  headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and r.json()["note"] == "hips higher"


def test_the_session_cookie_is_signed_httponly_and_samesite(server: Server) -> None:
    client = httpx.Client(base_url=server.url)
    page = client.get("/login")
    r = client.post("/login", data={"email": "coach@club.test", "password": "a long enough password",
                                    "csrf": csrf_in(page.text)})
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    wrong = client.post("/login", data={"email": "coach@club.test", "password": "not it at all",
                                        "csrf": csrf_in(page.text)})
    assert wrong.status_code in (401, 403)


def test_another_coachs_athletes_and_clips_answer_404(tmp_path: Path, server: Server,
                                                      analysed: dict[str, str]) -> None:
    from fixtures_server import add_coach

    add_coach(server.data, "other@club.test", "another long password")
    other = server.coach_client("other@club.test", "another long password")
    for path in (f"/api/athletes/{analysed['athlete']}", f"/api/clips/{analysed['clip']}",
                 f"/api/athletes/{analysed['athlete']}/progress"):
        assert other.get(path).status_code == 404, path
    for path in (f"/athletes/{analysed['athlete']}", f"/clips/{analysed['clip']}",
                 f"/clips/{analysed['clip']}/video", f"/athletes/{analysed['athlete']}/qr.svg"):
        assert other.get(path).status_code == 404, path
    assert other.get("/api/clips").json()["clips"] == []


def _refused(server: Server, token: str, path: Path) -> httpx.Response:
    """Upload ``path`` with tus by hand; the last PATCH's answer."""
    size = path.stat().st_size
    h = {"Tus-Resumable": "1.0.0", "X-Invite-Token": token}
    meta = "filename dGVzdC5tcDQ=,filetype dmlkZW8vbXA0"
    r = httpx.post(f"{server.url}/api/uploads/", headers={**h, "Upload-Length": str(size),
                                                          "Upload-Metadata": meta})
    if size == 0 or r.status_code != 201:
        return r
    return httpx.patch(r.headers["location"], content=path.read_bytes(), headers={
        **h, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"})


def test_a_text_file_named_mp4_and_a_zero_byte_file_are_refused_before_any_queue(
        server: Server, tmp_path: Path) -> None:
    athlete = server.add_athlete("Dee")
    text = tmp_path / "clip.mp4"
    text.write_text("this is not a video\n" * 50)
    r = _refused(server, athlete.invite_token, text)
    assert r.status_code == 415 and "not a video file" in r.json()["detail"]
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    r = _refused(server, athlete.invite_token, empty)
    assert r.status_code == 422 and "empty" in r.json()["detail"]
    assert httpx.get(f"{server.url}/api/a/{athlete.invite_token}/clips").json()["clips"] == []
    # and their bytes are not kept
    assert not any((server.data / "uploads" / athlete.id).glob("[0-9a-f]*"))


def test_an_oversized_upload_is_refused_at_creation(server: Server) -> None:
    athlete = server.add_athlete("Eve")
    r = httpx.post(f"{server.url}/api/uploads/", headers={
        "Tus-Resumable": "1.0.0", "X-Invite-Token": athlete.invite_token,
        "Upload-Length": str(51 * 2**20), "Upload-Metadata": "filename eA==,filetype eA=="})
    assert r.status_code == 413 and "50 MB" in r.json()["detail"]
    r = httpx.post(f"{server.url}/api/uploads/", headers={
        "Tus-Resumable": "1.0.0", "X-Invite-Token": athlete.invite_token,
        "Upload-Length": "lots", "Upload-Metadata": "filename eA==,filetype eA=="})
    assert r.status_code == 400


def test_dot_dot_slash_in_every_field_reaches_no_file(server: Server, tmp_path: Path) -> None:
    athlete = server.add_athlete("Finn")
    token = athlete.invite_token
    h = {"Tus-Resumable": "1.0.0", "X-Invite-Token": token}
    for uid in ("..", "..%2F..%2Fsecret.key", "%2e%2e", "0" * 31 + "/"):
        for method in ("HEAD", "PATCH"):
            r = httpx.request(method, f"{server.url}/api/uploads/{uid}", headers={
                **h, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"},
                content=b"x")
            assert r.status_code in (404, 405, 307), (method, uid, r.status_code)
    for path in ("/api/a/../clips", "/a/..%2F..%2Fsecret.key", f"/api/a/{token}/clips/..%2F..",
                 f"/a/{token}/clips/..%2F..%2Fsecret.key/video", "/static/..%2F..%2Fsecret.key",
                 "/static/../server/config.py"):
        r = httpx.get(server.url + path)
        # (the client itself folds a bare "/../": /api/a/../clips asks for the coach's /api/clips)
        assert r.status_code in (401, 404), path
        assert server_key(server) not in r.content
    # a drill or side that is a path is refused; a file name that is one is only a name
    import base64

    def meta(**kv: str) -> str:
        return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in kv.items())

    for bad in ({"drill": "../../x"}, {"side": "../x"}):
        r = httpx.post(f"{server.url}/api/uploads/", headers={
            **h, "Upload-Length": "10", "Upload-Metadata": meta(filename="a.mp4",
                                                                 filetype="video/mp4", **bad)})
        assert r.status_code == 422, bad
    upload_id = upload(server, token, CLIP, name="../../../etc/passwd")
    clip_id = clip_of_upload(server, token, upload_id)
    data = httpx.get(f"{server.url}/api/a/{token}/clips/{clip_id}").json()
    assert data["name"] == "passwd"
    folder = server.data / "clips" / clip_id
    assert (folder / "source.mp4").is_file() and not (server.data / "etc").exists()
    wait_for_clip(server, token, clip_id)


def server_key(server: Server) -> bytes:
    return (server.data / "secret.key").read_bytes().strip()


def test_pages_carry_a_strict_content_security_policy(server: Server,
                                                      analysed: dict[str, str]) -> None:
    for path in ("/login", f"/a/{analysed['token']}", f"/a/{analysed['token']}/clips/{analysed['clip']}"):
        r = httpx.get(server.url + path)
        assert r.status_code == 200, (path, r.text[:300])
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert r.headers["referrer-policy"] == "same-origin"
        # no inline script or handler that the policy would block
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", r.text), path
        assert not re.search(r"\son[a-z]+=", r.text), path


def test_the_openapi_schema_describes_the_api(server: Server) -> None:
    schema = httpx.get(f"{server.url}/api/openapi.json").json()
    paths = schema["paths"]
    for p in ("/api/a/{token}/clips", "/api/a/{token}/clips/{clip_id}/events",
              "/api/athletes", "/api/athletes/{athlete_id}/progress", "/api/clips/{clip_id}/note"):
        assert p in paths, p


def test_retention_deletes_source_videos_and_keeps_the_reports(tmp_path: Path) -> None:
    from formcheck.tracking import default_cache_dir

    srv = start_server(tmp_path, ["--workers", "1", "--retention-days", "0.00002"],
                       env={"FORMCHECK_SERVE_TRACK_CACHE": str(default_cache_dir())})
    try:
        athlete = srv.add_athlete("Gus")
        clip_id = clip_of_upload(srv, athlete.invite_token, upload(srv, athlete.invite_token, CLIP))
        wait_for_clip(srv, athlete.invite_token, clip_id)
        import time

        folder = srv.data / "clips" / clip_id
        deadline = time.monotonic() + 60
        while (folder / "source.mp4").exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not (folder / "source.mp4").exists(), srv.tail()
        # no other name of the video's bytes is left either (the finished tus upload's)
        assert not [p for p in (srv.data / "uploads").rglob("*") if p.is_file()
                    and p.stat().st_size == CLIP.stat().st_size]
        data = httpx.get(f"{srv.url}/api/a/{athlete.invite_token}/clips/{clip_id}").json()
        assert data["source_deleted"] and data["report"]["drill"]["id"]
    finally:
        srv.stop()


def test_a_clip_longer_than_the_duration_limit_is_refused_with_the_limit(tmp_path: Path) -> None:
    srv = start_server(tmp_path, ["--workers", "0", "--max-duration-s", "2"])
    try:
        athlete = srv.add_athlete("Hal")
        r = _refused(srv, athlete.invite_token, CLIP)
        assert r.status_code == 413, r.text
        assert "up to 2 s" in r.json()["detail"] and "test.mp4" in r.json()["detail"]
        assert httpx.get(f"{srv.url}/api/a/{athlete.invite_token}/clips").json()["clips"] == []
    finally:
        srv.stop()


def test_an_upload_finished_twice_makes_one_clip(server: Server) -> None:
    athlete = server.add_athlete("Ivy")
    token = athlete.invite_token
    upload_id = upload(server, token, CLIP)
    # a client that sends the (empty) last PATCH again, as after a lost answer
    r = httpx.patch(f"{server.url}/api/uploads/{upload_id}", content=b"", headers={
        "Tus-Resumable": "1.0.0", "X-Invite-Token": token,
        "Upload-Offset": str(CLIP.stat().st_size), "Content-Type": "application/offset+octet-stream"})
    assert r.status_code == 204, r.text  # tus: the upload is (still) complete
    clips = httpx.get(f"{server.url}/api/a/{token}/clips").json()["clips"]
    assert len(clips) == 1
    wait_for_clip(server, token, clips[0]["id"])
