"""A fast stand-in for `formcheck.pipeline.analyze` for batch tests: no pose model runs.

A fake clip is a text file: ``reps=N`` gives an analysis with N reps (from the synthetic
track of ``report_fakes``), ``bad`` raises `NotAVideo`, ``crash`` raises a RuntimeError, ``hang`` never returns (a
batch to kill part-way).
Each call appends the clip's name to the file named by $FORMCHECK_FAKE_COUNTER, so a test
can count what was redone, across worker processes.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import report_fakes as rf

from formcheck.errors import NotAVideo


def fake_analyze(path: str | Path, **kwargs: Any) -> Any:
    path = Path(path)
    counter = os.environ.get("FORMCHECK_FAKE_COUNTER")
    if counter:
        with open(counter, "a", encoding="utf-8") as fh:
            fh.write(path.name + "\n")
    text = path.read_text(errors="replace").strip()
    if text.startswith("bad") or not text:
        raise NotAVideo(f"{path}: not a video (fake)")
    if text.startswith("crash"):
        raise RuntimeError("fake crash")
    if text.startswith("hang"):
        time.sleep(3600)
    if text.startswith("die"):
        os._exit(3)  # a worker process dying under us, as a native crash would
    delay = float(os.environ.get("FORMCHECK_FAKE_DELAY_S", "0"))
    if delay:
        time.sleep(delay)
    reps = int(text.split("=")[1]) if text.startswith("reps=") else 1
    analysis = rf.fake_analysis(reps=max(reps, 0) or 1, clip_path=str(path))
    report = analysis.report
    if reps == 0:
        report = replace(report, segments=[], results=[])
    report = replace(report, clip=replace(report.clip, path=str(path), name=path.name))
    return replace(analysis, report=report)
