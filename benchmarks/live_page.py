"""The live page of `formcheck serve`, measured in the browser: the figures of issue 13.

Every real side-view clip (``../shared/clips/real`` and ``field``, those whose label says
"side") is played to Debian's Chromium as its camera (``--use-file-for-fake-video-capture``, a
640 px y4m, in real time, then two seconds of an empty picture), the live page of a fresh
``formcheck serve --workers 0`` trains a set on it from Start to End set, and the page's own
figures are read back from ``window.fcLive``:

- analysed frames a second (frames answered / seconds of set; target ≥ 12 on 2 cores; the
  page sends each new camera frame at most once, so a 10 fps clip bounds its own rate);
- the round trip of a frame, from the page sending it to its skeleton and cue arriving back
  (``performance.now()`` on the page; target median < 150 ms; the 95th percentile printed),
  and the server's own time per frame;
- the web server's memory after each set (a set's pose model and frames must not stay);
- reps counted live against `formcheck analyze` on the same clip (target: equal on every clip)
  and the (rep, cue) pairs on which they agree about a fault (target ≥ 90 %).

The browser, the service and the analysis share this machine's cores, as they would on a
laptop that serves its own live page. Prints figures; asserts nothing.

Usage:  python benchmarks/live_page.py [--clip PATH ...] [--markdown]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

_CHECKOUT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(_CHECKOUT), str(_CHECKOUT / "tests")]
from fixtures_browser import CHROMIUM_ARGS, chromium_path  # noqa: E402
from fixtures_live import clip_to_y4m, fault_agreement, run_set  # noqa: E402
from fixtures_server import start_server  # noqa: E402
from shared_clips import FIELD_CLIPS, REAL_CLIPS  # noqa: E402


def side_view_clips() -> list[Path]:
    import json

    clips = []
    for folder in (REAL_CLIPS, FIELD_CLIPS):
        labels = folder / "labels.json"
        if not labels.is_file():
            continue
        for name, label in json.loads(labels.read_text())["clips"].items():
            if str(label.get("view", "")).startswith("side") and (folder / name).is_file():
                clips.append(folder / name)
    return clips


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def measure(clip: Path, server: Any, playwright: Any, tmp: Path) -> dict[str, Any]:
    from formcheck.pipeline import analyze
    from formcheck.video import open_video

    with open_video(clip) as probe:
        camera_fps = round(probe.info.fps or 30.0)
    y4m = tmp / "camera.y4m"
    seconds = clip_to_y4m(clip, y4m)
    browser = playwright.chromium.launch(
        executable_path=chromium_path(), headless=True,
        args=[*CHROMIUM_ARGS, "--use-fake-device-for-media-stream",
              f"--use-file-for-fake-video-capture={y4m}", "--use-fake-ui-for-media-stream"],
    )
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.set_default_timeout(60_000)
        athlete = server.add_athlete(clip.stem)
        live = run_set(page, f"{server.url}/a/{athlete.invite_token}/live", seconds)
    finally:
        browser.close()
        y4m.unlink(missing_ok=True)
    offline = analyze(clip).report
    agree, compared = fault_agreement(live, offline)
    offline_reps = sum(1 for s in offline.segments if s.kind == "rep")
    stats = live.stats
    return {
        "clip": clip.name,
        "seconds": seconds,
        "camera_fps": camera_fps,
        "analysed": stats["analysed"],
        "set_s": stats["seconds"],
        "rtts": stats["rtts"],
        "server_ms": stats["server_ms"],
        "dropped": stats["dropped"],
        "live_reps": len(live.reps),
        "offline_reps": offline_reps,
        "agree": agree,
        "compared": compared,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clip", type=Path, action="append", help="a clip (default: every real side-view clip)")
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    args = parser.parse_args(argv)
    clips = args.clip or side_view_clips()
    if not clips:
        print("no clips: ../shared/clips is not beside the checkout (or give --clip)")
        return 1
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp_name, sync_playwright() as playwright:
        tmp = Path(tmp_name)
        server = start_server(tmp / "serve", ["--workers", "0"])
        assert server.proc is not None
        memory = [rss_mb(server.proc.pid)]
        try:
            for clip in clips:
                rows.append(measure(clip, server, playwright, tmp))
                memory.append(rss_mb(server.proc.pid))
                r = rows[-1]
                print(f"{r['clip']}: {r['analysed'] / r['set_s']:.1f} frames/s, round trip "
                      f"median {statistics.median(r['rtts']):.0f} ms, reps live {r['live_reps']} "
                      f"/ offline {r['offline_reps']}, faults agree {r['agree']}/{r['compared']}",
                      flush=True)
        finally:
            server.stop()

    bar = "|" if args.markdown else " "
    head = ["clip", "s", "camera fps", "frames/s", "rtt median ms", "rtt p95 ms", "server ms", "dropped",
            "reps live", "reps offline", "faults agree"]
    print()
    print(bar + bar.join(head) + bar)
    if args.markdown:
        print("|" + "|".join("---" for _ in head) + "|")
    for r in rows:
        cells = [r["clip"], f"{r['seconds']:.1f}", str(r["camera_fps"]),
                 f"{r['analysed'] / r['set_s']:.1f}",
                 f"{statistics.median(r['rtts']):.0f}", f"{pct(r['rtts'], 0.95):.0f}",
                 f"{statistics.median(r['server_ms']):.0f}", str(r["dropped"]),
                 str(r["live_reps"]), str(r["offline_reps"]), f"{r['agree']}/{r['compared']}"]
        print(bar + bar.join(cells) + bar)
    rtts = [x for r in rows for x in r["rtts"]]
    analysed = sum(r["analysed"] for r in rows)
    set_s = sum(r["set_s"] for r in rows)
    agree = sum(r["agree"] for r in rows)
    compared = sum(r["compared"] for r in rows)
    same_reps = sum(r["live_reps"] == r["offline_reps"] for r in rows)
    print()
    # a camera slower than the server bounds its clip's rate: the page sends each new frame once
    fast = [r for r in rows if r["camera_fps"] >= 20]
    print(f"analysed frames a second: {analysed / set_s:.1f} (target >= 12); lowest clip with a "
          f"camera of 20 fps or more {min(r['analysed'] / r['set_s'] for r in fast):.1f}; "
          "slower cameras: " + (", ".join(
              f"{r['clip']} {r['analysed'] / r['set_s']:.1f} of its {r['camera_fps']}"
              for r in rows if r not in fast) or "none"))
    print(f"round trip, page to skeleton and cue back: median {statistics.median(rtts):.0f} ms, "
          f"p95 {pct(rtts, 0.95):.0f} ms (target median < 150 ms)")
    print(f"web server memory (VmRSS): {memory[0]:.0f} MB at start, {memory[1]:.0f} MB after the "
          f"first set, {memory[-1]:.0f} MB after the last ({len(rows)} sets; at most "
          f"{max(memory):.0f} MB)")
    print(f"reps, live = offline: {same_reps}/{len(rows)} clips (target: all)")
    share = agree / compared if compared else float("nan")
    print(f"faults, live = offline: {agree}/{compared} (rep, cue) pairs = {100 * share:.1f} % "
          f"(target >= 90 %)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
