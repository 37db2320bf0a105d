"""`formcheck serve` on loopback: the three figures of issue 12, from one run.

1. latency (target: within 10 % of `formcheck analyze` on the same ~10 s clip). In turn, R
   times: ``formcheck analyze CLIP --no-cache -q --json -`` as a subprocess (wall time, Python
   and MediaPipe start-up included; its ``timings.total_s`` is the in-process time), then an
   upload to a service with 1 warm worker, timed from the tus client's last PATCH acknowledged
   (the clip is made and queued before that answer) to the analysis job's ``finished_at`` (the
   clip turns "done" with its report in the same transaction). The annotated video is a later,
   lower-priority job, not in this figure. From the jobs table: queue wait = job.started_at -
   clip.created_at, analysis = job.finished_at - job.started_at.
2. concurrent (target: the web server grows < 100 MB): 20 uploads from 20 threads (the real
   clips cycled) into a service with 1 worker; the ``formcheck serve`` process's VmRSS (and the
   workers' total, shared pages counted twice) sampled every 0.1 s before, during and after.
   The track cache starts empty: each distinct clip is tracked once, its copies come from it.
3. throughput: N clips at once, from the first upload's start to the last report ready, with
   ``--workers 1`` and ``--workers 2``: clips/min and the speed-up.

Each service has a fresh data folder and an empty track cache, and every timed copy of a clip
has bytes of its own, so the cache (keyed by the file's hash) cannot serve it: a tagged MP4
``free`` box (a valid box every demuxer skips) is appended to a copy in a temp dir; the frames
are the same. Each service first analyses a warm-up clip per worker (a worker imports MediaPipe
at its first job; its figure is printed). Prints figures; asserts nothing. The CPU may be
shared: run it with ``nice`` and read the figures with the load printed.

Usage:  nice python benchmarks/serve.py [--repeat 3] [--clip PATH] [--uploads 20] [--clips 8]
            [--only latency|concurrent|throughput] [--markdown]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

# this checkout's formcheck (not the venv's editable install) and the service's test helpers
_CHECKOUT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(_CHECKOUT), str(_CHECKOUT / "tests")]
from fixtures_server import (  # noqa: E402
    FORMCHECK,
    ROOT,
    Server,
    clip_of_upload,
    start_server,
    upload,
    wait_for_clip,
    worker_pids,
)
from shared_clips import FIELD_CLIPS, REAL_CLIPS  # noqa: E402

WARM_UP_CLIP = REAL_CLIPS / "physioplus_glute_bridge_side.mp4"  # 3 s
_tags = iter(range(1, 1 << 30))


def distinct_copy(src: Path, folder: Path) -> Path:
    """A copy of ``src`` whose bytes no other copy has: a tagged MP4 ``free`` box appended."""
    n = next(_tags)
    tag = f"formcheck serve benchmark copy {n} {time.time_ns()}".encode()
    dst = folder / f"{src.stem}-{n}{src.suffix}"
    dst.write_bytes(src.read_bytes() + struct.pack(">I4s", 8 + len(tag), b"free") + tag)
    return dst


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_s(pids: list[int]) -> float:
    """User + system CPU seconds of these processes, from /proc/PID/stat."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def epoch(dt: datetime) -> float:
    """A naive-UTC timestamp of the store as seconds since the epoch."""
    return dt.replace(tzinfo=timezone.utc).timestamp()


@contextlib.contextmanager
def service(tmp: Path, workers: int) -> Iterator[tuple[Server, str]]:
    """A fresh service (own data folder, empty track cache) and an athlete's invite token."""
    folder = Path(tempfile.mkdtemp(dir=tmp, prefix=f"serve{workers}-"))
    srv = start_server(folder, ["--workers", str(workers), "--max-upload-mb", "100"],
                       env={"FORMCHECK_SERVE_TRACK_CACHE": str(folder / "tracks")})
    try:
        yield srv, srv.add_athlete("Bench").invite_token
    finally:
        srv.stop()


def jobs_of(srv: Server, clip_id: str) -> dict[str, Any]:
    """The clip's row and its jobs' times (epoch seconds), from the service's database."""
    from sqlalchemy import select

    from formcheck.server.store import Clip, Job

    with srv.store().session() as s:
        clip = s.get(Clip, clip_id)
        out: dict[str, Any] = {"created": epoch(clip.created_at), "status": clip.status,
                               "video_status": clip.video_status}
        for job in s.scalars(select(Job).where(Job.clip_id == clip_id)):
            if job.started_at and job.finished_at:
                out[job.kind] = (epoch(job.started_at), epoch(job.finished_at))
    report = srv.data / "clips" / clip_id / "report.json"
    if report.is_file():
        out["total_s"] = json.loads(report.read_text())["timings"]["total_s"]
    return out


def send(srv: Server, token: str, clip: Path) -> tuple[str, float, float]:
    """Upload a clip: (clip id, start, last byte acknowledged), wall-clock seconds."""
    t0 = time.time()
    uid = upload(srv, token, clip)
    t1 = time.time()
    return clip_of_upload(srv, token, uid), t0, t1


def wait_videos(srv: Server, token: str, ids: list[str], timeout: float = 600.0) -> None:
    until = time.monotonic() + timeout
    while any(jobs_of(srv, c)["video_status"] not in ("done", "failed") for c in ids):
        if time.monotonic() > until:
            raise RuntimeError("the videos were not done in time")
        time.sleep(0.5)


def warm_up(srv: Server, token: str, tmp: Path, workers: int) -> float:
    """One short clip per worker, at once, to the end of its video; returns its latency."""
    with ThreadPoolExecutor(workers) as pool:
        sent = list(pool.map(lambda _: send(srv, token, distinct_copy(WARM_UP_CLIP, tmp)),
                             range(workers)))
    for cid, _, _ in sent:
        wait_for_clip(srv, token, cid, timeout=300)
    wait_videos(srv, token, [c for c, _, _ in sent])
    return max(jobs_of(srv, c)["analyze"][1] - t1 for c, _, t1 in sent)


# -- 1. latency ------------------------------------------------------------------------------


def latency(tmp: Path, clip: Path, repeat: int) -> list[tuple[str, str]]:
    """`formcheck analyze` and an upload in turn, R times, so a change in load hits both."""
    cli_wall, cli_total, lat, wait, work, inproc = [], [], [], [], [], []
    with service(tmp, 1) as (srv, token):
        first = warm_up(srv, token, tmp, 1)
        print(f"  warm-up ({WARM_UP_CLIP.name}, worker's first job): {first:.2f} s", flush=True)
        for _ in range(repeat):
            t0 = time.perf_counter()
            out = subprocess.run(
                [*FORMCHECK, "analyze", str(clip), "--no-cache", "-q", "--json", "-"],
                cwd=ROOT, capture_output=True, check=True, timeout=600).stdout
            cli_wall.append(time.perf_counter() - t0)
            cli_total.append(json.loads(out)["timings"]["total_s"])
            cid, _, acked = send(srv, token, distinct_copy(clip, tmp))
            wait_for_clip(srv, token, cid, timeout=600)
            row = jobs_of(srv, cid)
            started, finished = row["analyze"]
            lat.append(finished - acked)
            wait.append(started - row["created"])
            work.append(finished - started)
            inproc.append(row.get("total_s", float("nan")))
            print(f"  analyze: {cli_wall[-1]:.2f} s wall ({cli_total[-1]:.2f} s in-process); "
                  f"serve: {lat[-1]:.2f} s (queue {wait[-1]:.2f} s, analysis {work[-1]:.2f} s, "
                  f"in-process {inproc[-1]:.2f} s)", flush=True)
            wait_videos(srv, token, [cid])  # the next runs do not share the CPU with a video
    med = statistics.median
    ratio = med(lat) / med(cli_wall)
    within = ("meets: within 10 % of analyze" if abs(ratio - 1) <= 0.10 else
              "meets: faster than analyze" if ratio < 1 else "misses the 10 % target")
    return [
        ("clip", f"{clip.name}"),
        ("`formcheck analyze --no-cache` (wall, median)", f"{med(cli_wall):.2f} s"),
        ("`formcheck analyze` in-process (`total_s`)", f"{med(cli_total):.2f} s"),
        ("serve: upload finished → report ready (median)", f"{med(lat):.2f} s"),
        ("serve / analyze (wall)", f"{ratio:.2f} ({within})"),
        ("serve / analyze (in-process)", f"{med(lat) / med(cli_total):.2f}"),
        ("serve: queue wait (started − created)", f"{med(wait):.2f} s"),
        ("serve: analysis job (finished − started)", f"{med(work):.2f} s"),
        ("serve: worker's in-process `total_s`", f"{med(inproc):.2f} s"),
    ]


# -- 2. concurrent uploads -------------------------------------------------------------------


class Sampler(threading.Thread):
    """The web server's and the workers' RSS, every 0.1 s, keeping the peak."""

    def __init__(self, srv: Server) -> None:
        super().__init__(daemon=True)
        self.srv, self.stop, self.peak_web, self.peak_workers = srv, threading.Event(), 0.0, 0.0

    def now(self) -> tuple[float, float]:
        assert self.srv.proc is not None
        return rss_mb(self.srv.proc.pid), sum(rss_mb(p) for p in worker_pids(self.srv.data))

    def run(self) -> None:
        while not self.stop.wait(0.1):
            web, workers = self.now()
            self.peak_web, self.peak_workers = max(self.peak_web, web), max(self.peak_workers,
                                                                            workers)


def concurrent(tmp: Path, sources: list[Path], n: int) -> list[tuple[str, str]]:
    with service(tmp, 1) as (srv, token):
        warm_up(srv, token, tmp, 1)
        clips = [sources[i % len(sources)] for i in range(n)]  # the same bytes: cache after one
        sampler = Sampler(srv)
        web0, work0 = sampler.now()
        sampler.start()
        t0 = time.time()
        with ThreadPoolExecutor(n) as pool:
            sent = list(pool.map(lambda c: send(srv, token, c), clips))
        t_up = time.time() - t0
        rows = [wait_for_clip(srv, token, c, timeout=900) for c, _, _ in sent]
        t_reports = max(jobs_of(srv, c)["analyze"][1] for c, _, _ in sent) - t0
        web1 = sampler.now()[0]
        wait_videos(srv, token, [c for c, _, _ in sent], timeout=1800)
        t_videos = max(jobs_of(srv, c)["video"][1] for c, _, _ in sent) - t0
        time.sleep(1.0)
        web2, work2 = sampler.now()
        sampler.stop.set()
        sampler.join()
        videos = sum(jobs_of(srv, c)["video_status"] == "done" for c, _, _ in sent)
    ids = {c for c, _, _ in sent}
    done = sum(r["status"] == "done" for r in rows)
    growth = max(web1, web2) - web0
    verdict = "meets" if max(growth, sampler.peak_web - web0) < 100 else "misses"
    return [
        (f"uploads ({n} threads, real clips cycled)",
         f"{n} ({len(sources)} distinct clips: each tracked once, the rest cached)"),
        ("completed / distinct clip ids / reports done", f"{len(sent)} / {len(ids)} / {done}"),
        ("videos done", f"{videos}"),
        (f"upload wall time (all {n})", f"{t_up:.2f} s"),
        ("all reports ready (from the first upload)", f"{t_reports:.1f} s"),
        ("all videos done (from the first upload)", f"{t_videos:.1f} s"),
        ("web server RSS before / peak / after reports / after videos",
         f"{web0:.0f} / {sampler.peak_web:.0f} / {web1:.0f} / {web2:.0f} MB"),
        ("web server RSS growth (after − before; peak − before)",
         f"{growth:+.0f} MB; {sampler.peak_web - web0:+.0f} MB ({verdict} < 100 MB)"),
        ("workers' RSS before / peak / after videos",
         f"{work0:.0f} / {sampler.peak_workers:.0f} / {work2:.0f} MB"),
    ]


# -- 3. throughput ---------------------------------------------------------------------------


def throughput(tmp: Path, sources: list[Path], n: int, workers: int) -> tuple[float, str]:
    """Clips per minute: N distinct copies at once, first upload start to last report ready.
    Also printed: the workers' CPU over the wall time (cores busy) and the share of the time
    the workers held a job, which tell a busy machine from a queue that left a worker idle."""
    with service(tmp, workers) as (srv, token):
        warm_up(srv, token, tmp, workers)
        clips = [distinct_copy(sources[i % len(sources)], tmp) for i in range(n)]
        cpu0 = cpu_s(worker_pids(srv.data))
        with ThreadPoolExecutor(n) as pool:
            sent = list(pool.map(lambda c: send(srv, token, c), clips))
        for c, _, _ in sent:
            wait_for_clip(srv, token, c, timeout=900)
        cpu = cpu_s(worker_pids(srv.data)) - cpu0
        runs = [jobs_of(srv, c)["analyze"] for c, _, _ in sent]
    start, end = min(t0 for _, t0, _ in sent), max(f for _, f in runs)
    wall, per_min = end - start, n / (end - start) * 60
    held = sum(f - s for s, f in runs) / (wall * workers)
    how = (f"{wall:.1f} s; workers' CPU {cpu / wall:.2f} cores busy, a job in hand {held:.0%} of "
           f"the time; load {os.getloadavg()[0]:.1f}")
    print(f"  {workers} worker(s): {per_min:.1f} clips/min ({how})", flush=True)
    return per_min, how


def show(title: str, rows: list[tuple[str, str]], markdown: bool) -> None:
    print(f"\n{'### ' if markdown else ''}{title}\n")
    if markdown:
        print("| figure | value |\n|---|---|")
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"| {k} | {v} |" if markdown else f"  {k:<{width}}  {v}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3, help="latency runs of each (median)")
    ap.add_argument("--clip", type=Path, default=FIELD_CLIPS / "darebee_glute_bridge_side.mp4",
                    help="the ~10 s clip of the latency figure")
    ap.add_argument("--uploads", type=int, default=20, help="concurrent uploads (default 20)")
    ap.add_argument("--clips", type=int, default=8, help="clips of the throughput runs")
    ap.add_argument("--only", choices=("latency", "concurrent", "throughput"))
    ap.add_argument("--markdown", action="store_true", help="print Markdown tables")
    args = ap.parse_args(argv)
    sources = sorted(REAL_CLIPS.glob("*.mp4"))
    if not sources or not args.clip.is_file():
        print(f"no clips: put the real clips at {REAL_CLIPS} or give --clip", file=sys.stderr)
        return 2
    print(f"{os.cpu_count()} core(s); load average before: {os.getloadavg()[0]:.1f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="fc-serve-bench-") as tmp_name:
        tmp = Path(tmp_name)
        if args.only in (None, "latency"):
            show("Upload finished → report ready", latency(tmp, args.clip, args.repeat),
                 args.markdown)
        if args.only in (None, "concurrent"):
            show(f"{args.uploads} concurrent uploads", concurrent(tmp, sources, args.uploads),
                 args.markdown)
        if args.only in (None, "throughput"):
            rates = {w: throughput(tmp, sources, args.clips, w) for w in (1, 2)}
            show(f"Throughput, {args.clips} clips at once", [
                ("1 worker", f"{rates[1][0]:.1f} clips/min ({rates[1][1]})"),
                ("2 workers", f"{rates[2][0]:.1f} clips/min ({rates[2][1]})"),
                ("speed-up", f"{rates[2][0] / rates[1][0]:.2f}x"),
            ], args.markdown)
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
