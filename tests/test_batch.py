"""Batch review: outputs and index, bad inputs, resumability, executors (local pool and Dask)."""

from __future__ import annotations

import contextlib
import csv
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

import batch_fakes
import pytest
from typer.testing import CliRunner

from formcheck.batch import (
    BatchOptions,
    athlete_for,
    ensure_writable,
    find_clips,
    output_dirs,
    run_batch,
    settings_key,
)
from formcheck.errors import BadSettings, InputNotFound, OutputError
from formcheck.executors import DaskExecutor, get_executor

FAKE = BatchOptions(analyze_fn=batch_fakes.fake_analyze)


@pytest.fixture()
def counter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "calls.txt"
    path.write_text("")
    monkeypatch.setenv("FORMCHECK_FAKE_COUNTER", str(path))
    return path


def calls(counter: Path) -> list[str]:
    return counter.read_text().split()


def make_session(root: Path, clips: dict[str, str]) -> Path:
    for rel, content in clips.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    return root


def read_summary(out: Path) -> dict[str, dict[str, str]]:
    with open(out / "summary.csv", newline="", encoding="utf-8") as fh:
        return {row["clip"]: row for row in csv.DictReader(fh)}


SESSION = {
    "ana/set1.mp4": "reps=3",
    "ana/set2.MOV": "reps=2",
    "bob/warmup/set1.mp4": "reps=1",
    "bob/broken.mp4": "bad",
    "bob/notes.txt": "not a clip",
    "root_clip.mp4": "reps=0",
}


def test_outputs_index_and_summary_on_a_process_pool(tmp_path: Path, counter: Path) -> None:
    root = make_session(tmp_path / "session", SESSION)
    out = tmp_path / "review"
    result = run_batch(root, out, options=FAKE, executor="local", workers=2)
    assert result.executor == "local" and result.workers == 2
    assert sorted(calls(counter)) == sorted(
        ["set1.mp4", "set2.MOV", "set1.mp4", "broken.mp4", "root_clip.mp4"]
    )
    assert result.ignored == ["bob/notes.txt"]
    assert [o.rel for o in result.failed] == ["bob/broken.mp4"]
    assert "not a video" in result.failed[0].error
    for rel in ("ana/set1", "ana/set2", "bob/warmup/set1", "root_clip"):
        for name in ("report.json", "report.html", "reps.csv", "manifest.json"):
            assert (out / rel / name).is_file(), f"{rel}/{name}"
    assert not (out / "bob" / "broken" / "manifest.json").exists()
    summary = read_summary(out)
    assert set(summary) == {
        "ana/set1.mp4",
        "ana/set2.MOV",
        "bob/warmup/set1.mp4",
        "bob/broken.mp4",
        "root_clip.mp4",
    }
    assert summary["ana/set1.mp4"]["athlete"] == "ana" and summary["ana/set1.mp4"]["reps"] == "3"
    assert summary["bob/warmup/set1.mp4"]["athlete"] == "bob"
    assert (
        summary["root_clip.mp4"]["athlete"] == "session" and summary["root_clip.mp4"]["reps"] == "0"
    )
    assert (
        summary["bob/broken.mp4"]["status"] == "error"
        and "not a video" in summary["bob/broken.mp4"]["error"]
    )
    index = (out / "index.html").read_text(encoding="utf-8")
    for link in re.findall(r'href="([^"]+)"', index):
        if not link.startswith("data:"):
            assert (out / link).is_file(), link
    clips_table = index[index.index('id="clips"') :]
    assert clips_table.count("<tr") == 1 + 5 and "bob/notes.txt" in index
    athletes = index[index.index('id="athletes"') : index.index('id="clips"')]
    names = re.findall(r"<tr[^>]*><td>([^<]+)</td>", athletes)
    assert names == ["ana", "bob", "session"], "most faults first, then most failures"
    bob = athletes[athletes.index("<td>bob</td>") :].split("</tr>")[0]
    assert re.findall(r'class="num[^"]*">(\d+)<', bob) == ["2", "1", "0", "1"], (
        "clips, reps, faults, failed"
    )


def test_rerun_skips_current_reports_and_redoes_changed_ones(tmp_path: Path, counter: Path) -> None:
    root = make_session(
        tmp_path / "s", {"a/1.mp4": "reps=1", "a/2.mp4": "reps=2", "b/3.mp4": "bad"}
    )
    out = tmp_path / "out"
    run_batch(root, out, options=FAKE, executor="serial")
    counter.write_text("")
    again = run_batch(root, out, options=FAKE, executor="serial")
    assert calls(counter) == ["3.mp4"], "only the failed clip is tried again"
    assert [o.status for o in again.outcomes] == ["skipped", "skipped", "error"]
    assert read_summary(out)["a/2.mp4"]["reps"] == "2", "kept clips stay in the summary"
    counter.write_text("")
    (root / "a" / "2.mp4").write_text("reps=4")
    run_batch(root, out, options=FAKE, executor="serial")
    assert calls(counter) == ["2.mp4", "3.mp4"]
    assert read_summary(out)["a/2.mp4"]["reps"] == "4"
    counter.write_text("")
    run_batch(
        root,
        out,
        options=BatchOptions(analyze_fn=batch_fakes.fake_analyze, drill="table-top"),
        executor="serial",
    )
    assert sorted(calls(counter)) == ["1.mp4", "2.mp4", "3.mp4"], (
        "other settings: every report is stale"
    )


def test_touched_but_unchanged_clip_is_still_current(tmp_path: Path, counter: Path) -> None:
    root = make_session(tmp_path / "s", {"a/1.mp4": "reps=1"})
    run_batch(root, tmp_path / "out", options=FAKE, executor="serial")
    os.utime(root / "a" / "1.mp4", (1, 1))
    counter.write_text("")
    result = run_batch(root, tmp_path / "out", options=FAKE, executor="serial")
    assert calls(counter) == [] and result.skipped


def test_interrupted_half_way_restart_redoes_none_of_the_finished(
    tmp_path: Path, counter: Path
) -> None:
    clips = {f"athlete{i % 5}/clip{i:02d}.mp4": f"reps={1 + i % 3}" for i in range(50)}
    root = make_session(tmp_path / "s", clips)
    out = tmp_path / "out"

    def stop_half_way(done: int, total: int, outcome: object) -> None:
        if done >= 25:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch(root, out, options=FAKE, executor="local", workers=2, progress=stop_half_way)
    finished = {p.parent.relative_to(out).as_posix() + ".mp4" for p in out.rglob("manifest.json")}
    assert 25 <= len(finished) < 50
    assert "not run (interrupted)" in (out / "index.html").read_text(encoding="utf-8")
    first = calls(counter)
    counter.write_text("")
    result = run_batch(root, out, options=FAKE, executor="local", workers=2)
    redone = calls(counter)
    assert not {f.split("/")[-1] for f in finished} & set(redone), "a finished clip was redone"
    assert len(redone) == 50 - len(finished)
    assert len(result.skipped) == len(finished) and not result.failed
    assert len(read_summary(out)) == 50
    assert len(first) >= len(finished)


def test_a_first_run_killed_part_way_leaves_index_and_summary(tmp_path: Path) -> None:
    """kill -9 skips every finally: the index and summary must already cover what finished."""
    # "hang" is the smallest file, so the serial batch (biggest first) reaches it last
    root = make_session(tmp_path / "s", {"a/1.mp4": "reps=1", "a/2.mp4": "reps=2", "b/3.mp4": "hang"})
    out = tmp_path / "out"
    tests = Path(__file__).resolve().parent
    script = (
        f"import sys; sys.path.insert(0, {str(tests)!r}); import batch_fakes; "
        "from formcheck.batch import BatchOptions, run_batch; "
        f"run_batch({str(root)!r}, {str(out)!r}, executor='serial', "
        "options=BatchOptions(analyze_fn=batch_fakes.fake_analyze))"
    )
    counter = tmp_path / "calls.txt"
    env = {**os.environ, "FORMCHECK_FAKE_COUNTER": str(counter)}
    batch = subprocess.Popen([sys.executable, "-c", script], env=env)
    try:
        deadline = time.monotonic() + 60
        while "3.mp4" not in (counter.read_text() if counter.exists() else ""):
            assert batch.poll() is None and time.monotonic() < deadline, "the batch never hung"
            time.sleep(0.05)
    finally:
        batch.kill()  # SIGKILL
        batch.wait()
    assert set(read_summary(out)) == {"a/1.mp4", "a/2.mp4"}
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "a/1.mp4" in index and "a/2.mp4" in index
    assert "b/3.mp4" in index and "not run yet" in index


def test_a_failing_rerun_never_overwrites_a_finished_report(tmp_path: Path, counter: Path) -> None:
    root = make_session(tmp_path / "s", {"a/1.mp4": "reps=2"})
    out = tmp_path / "out"
    run_batch(root, out, options=FAKE, executor="serial")
    html = (out / "a" / "1" / "report.html").read_bytes()
    (root / "a" / "1.mp4").write_text("crash")
    result = run_batch(root, out, options=FAKE, executor="serial")
    assert result.failed and "fake crash" in result.failed[0].error
    assert (out / "a" / "1" / "report.html").read_bytes() == html
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")]


def test_a_worker_that_dies_fails_alone(tmp_path: Path, counter: Path) -> None:
    root = make_session(
        tmp_path / "s",
        {"a/1.mp4": "reps=1", "a/2.mp4": "die", "a/3.mp4": "reps=2", "a/4.mp4": "reps=1"},
    )
    result = run_batch(root, tmp_path / "out", options=FAKE, executor="local", workers=2)
    assert [o.rel for o in result.failed] == ["a/2.mp4"]
    assert "worker failed" in result.failed[0].error
    assert len(result.analysed) == 3


def test_dask_executor_on_a_local_cluster(tmp_path: Path, counter: Path) -> None:
    pytest.importorskip(
        "distributed", reason="the dask extra is not installed (pip install 'formcheck[dask]')"
    )
    root = make_session(
        tmp_path / "s", {"a/1.mp4": "reps=1", "b/2.mp4": "reps=3", "b/3.mp4": "bad"}
    )
    out = tmp_path / "out"
    with DaskExecutor(workers=2, processes=False) as ex:
        result = run_batch(root, out, options=FAKE, executor=ex)
    assert result.executor == "dask"
    assert [o.status for o in result.outcomes] == ["ok", "ok", "error"]
    assert read_summary(out)["b/2.mp4"]["reps"] == "3"
    assert sorted(calls(counter)) == ["1.mp4", "2.mp4", "3.mp4"]


def test_dask_worker_processes_get_the_jobs_pickled(tmp_path: Path, counter: Path) -> None:
    """A local cluster of worker processes: jobs and results cross process boundaries."""
    pytest.importorskip(
        "distributed", reason="the dask extra is not installed (pip install 'formcheck[dask]')"
    )
    root = make_session(tmp_path / "s", {"a/1.mp4": "reps=2", "a/2.mp4": "bad"})
    with DaskExecutor(workers=1) as ex:
        result = run_batch(root, tmp_path / "out", options=FAKE, executor=ex)
    assert [o.status for o in result.outcomes] == ["ok", "error"]
    assert read_summary(tmp_path / "out")["a/1.mp4"]["reps"] == "2"
    assert sorted(calls(counter)) == ["1.mp4", "2.mp4"]


def test_executor_names() -> None:
    assert get_executor("serial").workers == 1
    with pytest.raises(BadSettings, match="local, serial, dask"):
        get_executor("spark")
    with pytest.raises(BadSettings, match="--executor dask"):
        get_executor("local", scheduler="tcp://x:1")


def test_unreachable_dask_scheduler_is_one_clear_error() -> None:
    pytest.importorskip("distributed")
    with pytest.raises(BadSettings, match="cannot reach the Dask scheduler"):
        DaskExecutor(scheduler="tcp://127.0.0.1:9", connect_timeout_s=2)


@contextmanager
def not_a_dask_server(reply: bytes | None) -> Iterator[str]:
    """A local TCP server that is not Dask: it answers each connection with ``reply`` (a web
    server's, say), or with silence when None; yields its tcp:// address."""
    server = socket.create_server(("127.0.0.1", 0))
    connections: list[socket.socket] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:  # closed: the test is over
                return
            connections.append(conn)
            if reply is not None:
                with contextlib.suppress(OSError):
                    conn.recv(65536)
                    conn.sendall(reply)
                    conn.close()

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    finally:
        server.close()
        for conn in connections:
            conn.close()


def connect_within(address: str, seconds: float) -> BaseException | None:
    """The error DaskExecutor raises for ``address``, failing the test if it takes longer."""
    raised: list[BaseException | None] = []

    def connect() -> None:
        try:
            DaskExecutor(scheduler=address, connect_timeout_s=2).close()
            raised.append(None)
        except BaseException as err:  # noqa: BLE001 - handed to the test
            raised.append(err)

    thread = threading.Thread(target=connect, daemon=True)
    thread.start()
    thread.join(seconds)
    assert raised, f"still connecting to {address} after {seconds} s"
    return raised[0]


@pytest.mark.parametrize(
    ("reply", "words"),
    [
        (b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", "not as a Dask scheduler"),
        (None, "cannot reach the Dask scheduler"),
    ],
    ids=["web server", "silent server"],
)
def test_an_address_that_is_not_a_dask_scheduler_is_one_clear_error(
    reply: bytes | None, words: str
) -> None:
    pytest.importorskip("distributed")
    with not_a_dask_server(reply) as address:
        err = connect_within(address, 10)
    assert isinstance(err, BadSettings) and words in str(err), repr(err)
    assert "\n" not in str(err) and address in str(err)


def test_dask_logs_nothing_under_quiet(tmp_path: Path) -> None:
    """Dask's own INFO lines (scheduler, nanny, connections) stay out of a quiet batch."""
    pytest.importorskip("distributed")
    make_session(tmp_path / "s", {"a/1.mp4": "not a video"})
    run = subprocess.run(
        [sys.executable, "-c", "from formcheck.cli import main; main()", "batch",
         str(tmp_path / "s"), "-o", str(tmp_path / "out"), "--executor", "dask", "-j", "1", "-q"],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "FORMCHECK_CACHE_DIR": str(tmp_path / "cache")},
    )  # fmt: skip
    assert run.returncode == 11, run.stderr
    assert "INFO" not in run.stderr, run.stderr
    assert "failed a/1.mp4" in run.stderr


# -- naming and finding --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "pattern", "expected"),
    [
        ("ana/set1.mp4", None, "ana"),
        ("ana/day2/set1.mp4", None, "ana"),
        ("set1.mp4", None, "session"),
        ("day1/ana_set1.mp4", r"(?P<athlete>[a-z]+)_set\d+", "ana"),
        ("day1/BOB-3.mp4", r"/([A-Z]+)-\d", "BOB"),
        ("day1/nomatch.mp4", r"(?P<athlete>[a-z]+)_set\d+", "day1"),
    ],
)
def test_athlete_names(rel: str, pattern: str | None, expected: str) -> None:
    assert (
        athlete_for(PurePosixPath(rel), "session", re.compile(pattern) if pattern else None)
        == expected
    )


def test_bad_name_pattern_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    with pytest.raises(BadSettings, match="not a valid regular expression"):
        run_batch(tmp_path / "in", tmp_path / "out", name_pattern="(", options=FAKE)


def test_output_dirs_keep_clips_apart() -> None:
    dirs = output_dirs(
        [PurePosixPath("a/x.mp4"), PurePosixPath("a/x.mov"), PurePosixPath("a/y.mp4")]
    )
    assert {str(v) for v in dirs.values()} == {"a/x_mp4", "a/x_mov", "a/y"}


def test_find_clips_skips_hidden_and_the_output_folder(tmp_path: Path) -> None:
    make_session(
        tmp_path,
        {
            "a/1.mp4": "x",
            ".hidden/2.mp4": "x",
            "a/.3.mp4": "x",
            "out/a/1/annotated.mp4": "x",
            "a/r.txt": "x",
        },
    )
    clips, others = find_clips(tmp_path, exclude=[tmp_path / "out"])
    assert [c.relative_to(tmp_path).as_posix() for c in clips] == ["a/1.mp4"]
    assert [c.relative_to(tmp_path).as_posix() for c in others] == ["a/r.txt"]


def test_settings_key_changes_with_what_changes_a_report() -> None:
    base = settings_key(FAKE)
    assert base == settings_key(BatchOptions(analyze_fn=batch_fakes.fake_analyze))
    assert base != settings_key(BatchOptions(analyze_fn=batch_fakes.fake_analyze, video=True))
    assert base != settings_key(
        BatchOptions(
            analyze_fn=batch_fakes.fake_analyze,
            settings={"slgb.hips_up.min_hip_extension_deg": 160},
        )
    )
    assert base != settings_key(BatchOptions(analyze_fn=batch_fakes.fake_analyze, variant="toe"))


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(InputNotFound):
        run_batch(tmp_path / "nope", tmp_path / "out", options=FAKE)


# -- the output folder ---------------------------------------------------------------------------


def test_output_that_is_not_a_folder_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="cannot write to the output folder"):
        ensure_writable(tmp_path / "file" / "out")


def _without_root_powers() -> list[str]:
    """A command prefix under which root obeys file modes (drops CAP_DAC_OVERRIDE)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv (util-linux): cannot make a folder read-only")
    caps = "-dac_override,-dac_read_search"
    return [setpriv, "--bounding-set", caps, "--inh-caps", caps]


def test_read_only_output_folder_is_one_clear_message(tmp_path: Path) -> None:
    """Through the installed command: one line, the output error's exit code, no traceback."""
    exe = Path(sys.executable).with_name("formcheck")
    if not exe.exists():
        pytest.skip("the formcheck console script is not installed in this environment")
    make_session(tmp_path / "in", {"a/1.mp4": "reps=1"})
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP)
    env = {**os.environ, "FORMCHECK_CACHE_DIR": str(tmp_path / "cache")}
    try:
        run = subprocess.run(
            [*_without_root_powers(), str(exe), "batch", str(tmp_path / "in"), "-o", str(ro / "review"), "-q"],
            capture_output=True, text=True, env=env, timeout=120, check=False,
        )  # fmt: skip
    finally:
        ro.chmod(0o755)
    assert run.returncode == OutputError.exit_code, run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "cannot write to the output folder" in lines[0], run.stderr
    assert "Traceback" not in run.stderr
    assert not (ro / "review").exists()


# -- the command ---------------------------------------------------------------------------------


def test_cli_batch_exit_codes(
    tmp_path: Path, counter: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import formcheck.pipeline
    from formcheck.cli import app
    from formcheck.cli.batch import EXIT_SOME_FAILED

    monkeypatch.setattr(formcheck.pipeline, "analyze", batch_fakes.fake_analyze)
    root = make_session(tmp_path / "s", {"a/1.mp4": "reps=2"})
    runner = CliRunner()
    ok = runner.invoke(
        app, ["batch", str(root), "-o", str(tmp_path / "out"), "--executor", "serial", "-q"]
    )
    assert ok.exit_code == 0, ok.output
    assert "index:" in ok.output and (tmp_path / "out" / "index.html").is_file()
    (root / "b").mkdir()
    (root / "b" / "2.mp4").write_text("bad")
    bad = runner.invoke(
        app, ["batch", str(root), "-o", str(tmp_path / "out"), "--executor", "serial", "-q"]
    )
    assert bad.exit_code == EXIT_SOME_FAILED
    assert calls(counter) == ["1.mp4", "2.mp4"], "the second run kept 1.mp4"
    loud = runner.invoke(
        app, ["batch", str(root), "-o", str(tmp_path / "out"), "--executor", "serial"]
    )
    assert "Needs attention" in loud.output and "a/1.mp4" in loud.output, (
        "its fake rep 2 has a fault"
    )
    assert "1 kept from before" in loud.output.replace("\n", " ")


def test_out_of_range_setting_fails_the_batch_once_up_front(tmp_path: Path) -> None:
    root = make_session(tmp_path / "s", {"a/1.mp4": "reps=2", "a/2.mp4": "reps=1"})
    run = subprocess.run(
        [sys.executable, "-c", "from formcheck.cli import main; main()", "batch", str(root),
         "-o", str(tmp_path / "out"), "-q", "--set", "segment.peak_percentile=150"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert run.returncode == BadSettings.exit_code, run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "out of range" in lines[0], run.stderr
    assert not (tmp_path / "out" / "a").exists(), "no clip was analysed"


def test_a_batch_says_once_which_thresholds_are_overridden(tmp_path: Path) -> None:
    root = make_session(tmp_path / "s", {"a/1.mp4": "not a video", "a/2.mp4": "not a video"})
    run = subprocess.run(
        [sys.executable, "-c", "from formcheck.cli import main; main()", "batch", str(root),
         "-o", str(tmp_path / "out"), "-q", "--executor", "serial",
         "--set", "slgb.squeeze_top.min_top_pause_s=2"],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "FORMCHECK_CACHE_DIR": str(tmp_path / "cache"), "COLUMNS": "200"},
    )  # fmt: skip
    said = [line for line in run.stderr.splitlines() if "overridden" in line]
    assert said == ["thresholds overridden: slgb.squeeze_top.min_top_pause_s=2"], run.stderr


def test_batch_refuses_a_variant_the_drill_lacks_up_front(tmp_path: Path) -> None:
    root = make_session(tmp_path / "s", {"a/1.mp4": "reps=2"})
    run = subprocess.run(
        [sys.executable, "-c", "from formcheck.cli import main; main()", "batch", str(root),
         "-o", str(tmp_path / "out"), "-q", "--drill", "banded-bridge", "--variant", "toe"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert run.returncode == BadSettings.exit_code, run.stderr
    assert "toe (table-top)" in run.stderr and not (tmp_path / "out" / "a").exists()


def test_a_failed_clip_line_names_its_path_once(tmp_path: Path) -> None:
    (tmp_path / "s" / "b").mkdir(parents=True)
    (tmp_path / "s" / "b" / "3.mp4").write_bytes(b"")
    run = subprocess.run(
        [sys.executable, "-c", "from formcheck.cli import main; main()", "batch",
         str(tmp_path / "s"), "-o", str(tmp_path / "out"), "-q", "--executor", "serial"],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "FORMCHECK_CACHE_DIR": str(tmp_path / "cache"), "COLUMNS": "200"},
    )  # fmt: skip
    failed = [line for line in run.stderr.splitlines() if line.startswith("failed")]
    assert failed == ["failed b/3.mp4: the file is empty (0 bytes)"], run.stdout + run.stderr


# -- the real pipeline on bad inputs -------------------------------------------------------------


def test_bad_inputs_with_the_real_pipeline(tmp_path: Path) -> None:
    import report_fakes

    root = tmp_path / "session"
    (root / "ana").mkdir(parents=True)
    (root / "ana" / "readme.txt").write_text("notes")
    (root / "ana" / "garbage.mp4").write_bytes(os.urandom(5000))
    (root / "ana" / "empty.mp4").write_bytes(b"")
    report_fakes.noise_clip(root / "ana" / "nobody.mp4", seconds=1.0, fps=10)
    options = BatchOptions(cache_dir=tmp_path / "cache")
    result = run_batch(root, tmp_path / "out", options=options, executor="local", workers=2)
    summary = read_summary(tmp_path / "out")
    assert set(summary) == {"ana/garbage.mp4", "ana/empty.mp4", "ana/nobody.mp4"}
    assert all(row["status"] == "error" and row["error"] for row in summary.values())
    assert "empty" in summary["ana/empty.mp4"]["error"]
    assert "no person" in summary["ana/nobody.mp4"]["error"]
    assert result.ignored == ["ana/readme.txt"]
    assert (tmp_path / "out" / "ana" / "nobody" / "report.html").is_file(), (
        "its report still says so"
    )


def test_stale_temporary_files_are_cleared_and_links_are_quoted(
    tmp_path: Path, counter: Path
) -> None:
    root = make_session(tmp_path / "s", {"ana/set #1.mp4": "reps=1"})
    out = tmp_path / "out"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    stale = out / "ana" / f".report.html.{int(dead.stdout)}.part"
    live = out / "ana" / f".report.html.{os.getpid()}.part"
    stale.parent.mkdir(parents=True)
    stale.write_text("half")
    live.write_text("being written")
    run_batch(root, out, options=FAKE, executor="serial")
    assert not stale.exists() and live.exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="ana/set%20%231/report.html"' in index


def test_each_clip_is_hashed_once_and_not_again_when_unchanged(
    tmp_path: Path, counter: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import formcheck.fileio

    hashed: list[str] = []
    real_hash = formcheck.fileio.content_hash

    def counting_hash(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        hashed.append(Path(path).name)
        return real_hash(path, *args, **kwargs)

    monkeypatch.setattr(formcheck.fileio, "content_hash", counting_hash)
    root = make_session(tmp_path / "s", {"a/1.mp4": "reps=1", "a/2.mp4": "reps=2"})
    run_batch(root, tmp_path / "out", options=FAKE, executor="serial")
    assert sorted(hashed) == ["1.mp4", "2.mp4"], "hashed once, by the worker, not also up front"
    hashed.clear()
    result = run_batch(root, tmp_path / "out", options=FAKE, executor="serial")
    assert hashed == [] and len(result.skipped) == 2, (
        "unchanged size and mtime: the stored hash holds"
    )


def test_longest_clips_are_started_first(tmp_path: Path, counter: Path) -> None:
    root = make_session(
        tmp_path / "s",
        {
            "a/small.mp4": "reps=1",
            "a/big.mp4": "reps=2" + " " * 5000,
            "a/mid.mp4": "reps=3" + " " * 500,
        },
    )
    run_batch(root, tmp_path / "out", options=FAKE, executor="serial")
    assert calls(counter) == ["big.mp4", "mid.mp4", "small.mp4"]


def test_a_change_to_formcheck_code_makes_earlier_reports_stale(monkeypatch) -> None:
    from formcheck import batch

    before = batch.settings_key(batch.BatchOptions())
    monkeypatch.setattr(batch, "code_fingerprint", lambda: "another-engine")
    assert batch.settings_key(batch.BatchOptions()) != before
