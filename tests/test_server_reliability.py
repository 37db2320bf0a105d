"""Nothing accepted is lost: a worker killed with SIGKILL mid-analysis has its job re-queued
and finished; a server killed mid-upload lets the phone resume; a broken clip ends with the
message `formcheck analyze` gives; twenty concurrent uploads all finish."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fixtures_server import (
    ROOT,
    Server,
    clip_of_upload,
    start_server,
    upload,
    wait_for_clip,
)
from sqlalchemy import select

CLIP = ROOT / "sample_videos" / "single_leg_bridge_no_squeeze_side.mp4"


def _job(server: Server, clip_id: str):  # type: ignore[no-untyped-def]
    from formcheck.server.store import Job

    with server.store().session() as s:
        return s.scalar(select(Job).where(Job.clip_id == clip_id, Job.kind == "analyze"))


def test_a_worker_killed_mid_analysis_has_its_job_finished(tmp_path: Path) -> None:
    # its own track cache: the clip is really tracked, so there is time to kill the worker
    srv = start_server(tmp_path, ["--workers", "1"])
    try:
        athlete = srv.add_athlete("Kim")
        token = athlete.invite_token
        clip_id = clip_of_upload(srv, token, upload(srv, token, CLIP))
        deadline = time.monotonic() + 120
        job = _job(srv, clip_id)
        while time.monotonic() < deadline and not (job.status == "running" and job.progress > 0.1):
            time.sleep(0.1)
            job = _job(srv, clip_id)
        assert job.status == "running", srv.tail()
        pid = int(job.worker.rsplit(":", 1)[1])
        os.kill(pid, signal.SIGKILL)
        data = wait_for_clip(srv, token, clip_id, timeout=180)
        assert data["status"] == "done", data
        job = _job(srv, clip_id)
        assert job.attempts == 2 and job.status == "done"
        assert job.worker.rsplit(":", 1)[1] != str(pid)
        assert data["report"]["segments"]
    finally:
        srv.stop()


def test_a_server_killed_mid_upload_lets_the_phone_resume(tmp_path: Path) -> None:
    from tusclient import client as tus

    from formcheck.tracking import default_cache_dir

    env = {"FORMCHECK_SERVE_TRACK_CACHE": str(default_cache_dir())}
    srv = start_server(tmp_path, ["--workers", "1"], env=env)
    try:
        athlete = srv.add_athlete("Lou")
        token = athlete.invite_token
        meta = {"filename": CLIP.name, "filetype": "video/mp4", "drill": "auto", "side": "unknown"}
        c = tus.TusClient(f"{srv.url}/api/uploads/", headers={"X-Invite-Token": token})
        first = c.uploader(str(CLIP), chunk_size=16 * 1024, metadata=meta)
        first.set_url(first.create_url())
        first.upload_chunk()
        first.upload_chunk()
        url, sent = first.url, first.offset
        assert 0 < sent < CLIP.stat().st_size
        srv.stop(signal.SIGKILL)  # the web server and its workers, at once
        srv.start()
        again = tus.TusClient(f"{srv.url}/api/uploads/", headers={"X-Invite-Token": token})
        resumed = again.uploader(str(CLIP), url=url, chunk_size=16 * 1024, metadata=meta)
        assert resumed.get_offset() == sent  # the server kept what it had
        resumed.upload()
        clip_id = clip_of_upload(srv, token, str(url).rstrip("/").rsplit("/", 1)[-1])
        data = wait_for_clip(srv, token, clip_id)
        assert data["status"] == "done"
        assert (srv.data / "clips" / clip_id / "source.mp4").read_bytes() == CLIP.read_bytes()
        # a phone that missed the last answer and asks again is told the upload is complete
        head = httpx.head(str(url), headers={"Tus-Resumable": "1.0.0", "X-Invite-Token": token})
        assert head.status_code == 200
        assert head.headers["upload-offset"] == str(CLIP.stat().st_size)
    finally:
        srv.stop()


def _analyze_message(clip: Path) -> tuple[int, str]:
    run = subprocess.run([sys.executable, "-m", "formcheck", "analyze", str(clip), "-q"],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    return run.returncode, run.stderr.strip().splitlines()[-1] if run.stderr.strip() else ""


def test_a_broken_clip_ends_with_the_message_analyze_gives(server: Server, tmp_path: Path) -> None:
    athlete = server.add_athlete("Max")
    token = athlete.invite_token
    broken = tmp_path / "broken.mp4"
    data = CLIP.read_bytes()
    # the container's index kept, most of the frames cut off: FFmpeg opens it, then stops
    broken.write_bytes(data[: len(data) // 3])
    code, said = _analyze_message(broken)
    from tusclient import client as tus
    from tusclient.exceptions import TusCommunicationError

    c = tus.TusClient(f"{server.url}/api/uploads/", headers={"X-Invite-Token": token})
    up = c.uploader(str(broken), chunk_size=1 << 20, metadata={
        "filename": "broken.mp4", "filetype": "video/mp4", "drill": "auto", "side": "unknown"})
    try:
        up.upload()
        refused = None
    except TusCommunicationError as err:
        refused = err
    if code in (4, 5, 6):  # analyze refuses the file: the service refuses it the same way
        assert refused is not None, said
        detail = httpx.get(f"{server.url}/api/a/{token}/uploads/{up.url.rsplit('/', 1)[-1]}").json()["detail"]
        assert detail == said.split("error: ", 1)[-1].replace(str(broken), "broken.mp4")
    else:  # analyze reads what is there: so does the service, and warns the same way
        assert refused is None
        clip_id = clip_of_upload(server, token, up.url.rsplit("/", 1)[-1])
        result = wait_for_clip(server, token, clip_id)
        from formcheck.pipeline import analyze

        expected = analyze(broken).report
        assert result["status"] == "done"
        assert [w.replace(str(broken), "") for w in expected.warnings] == \
            [w.replace(str(server.data / "clips" / clip_id / "source.mp4"), "")
             for w in result["report"]["warnings"]]


def test_twenty_concurrent_uploads_all_finish(server: Server) -> None:
    athlete = server.add_athlete("Nia")
    token = athlete.invite_token

    def one(i: int) -> str:
        return clip_of_upload(server, token, upload(server, token, CLIP, name=f"set{i}.mp4",
                                                    chunk_size=256 * 1024))

    with ThreadPoolExecutor(max_workers=20) as pool:
        clip_ids = list(pool.map(one, range(20)))
    assert len(set(clip_ids)) == 20
    results = [wait_for_clip(server, token, cid, timeout=300) for cid in clip_ids]
    assert [r["status"] for r in results] == ["done"] * 20
    listed = httpx.get(f"{server.url}/api/a/{token}/clips").json()["clips"]
    assert sorted(c["name"] for c in listed) == sorted(f"set{i}.mp4" for i in range(20))


@pytest.mark.parametrize("missing", ["data"])
def test_the_service_refuses_a_bad_setting_in_one_line(tmp_path: Path, missing: str) -> None:
    run = subprocess.run([sys.executable, "-m", "formcheck", "serve", "--data", str(tmp_path),
                          "--tls-cert", str(ROOT / "README.md")], capture_output=True, text=True,
                         timeout=60, cwd=ROOT)
    assert run.returncode == 9 and "--tls-key" in run.stderr.strip().splitlines()[-1]


def test_stopping_the_service_stops_its_workers(tmp_path: Path) -> None:
    from fixtures_server import worker_pids

    srv = start_server(tmp_path, ["--workers", "1"])
    try:
        deadline = time.monotonic() + 30
        while not worker_pids(srv.data) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert worker_pids(srv.data), srv.tail()
        assert srv.proc is not None
        srv.proc.send_signal(signal.SIGTERM)  # the service alone, as `kill PID` or systemd does
        srv.proc.wait(timeout=30)
        deadline = time.monotonic() + 20
        while worker_pids(srv.data) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert worker_pids(srv.data) == [], "workers left running after the service stopped"
    finally:
        srv.stop()
