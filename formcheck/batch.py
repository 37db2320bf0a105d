"""Batch review of a session folder: every clip analysed, one table for the coach.

``run_batch(root, out)`` finds the clips under ``root`` (recursively), runs them on an executor
(`formcheck.executors`: all cores by default), and writes for each clip ``report.json``,
``report.html``, ``reps.csv`` (and ``annotated.mp4`` when asked) in ``out/<clip path>/``, then
``out/index.html`` (a sortable table: athlete, drill, reps, faults, longest hold, links) and
``out/summary.csv`` (one row per clip).

Resumable: a clip's ``manifest.json`` is written last, after all its files; a later run skips
a clip whose manifest has the same content hash and settings. A clip that fails is recorded
in the summary with its error and the batch goes on. Every file is written atomically, so an
interrupted run never leaves a broken report in place of a finished one.

Over 400 lines because finding, resuming and recording clips are one contract (what is done
is never redone or lost); the executors (`executors.py`) and the files (`report/`) are apart.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from formcheck import __version__
from formcheck.errors import FormcheckError, OutputError
from formcheck.fileio import write_text_atomic
from formcheck.report.model import SCHEMA_VERSION
from formcheck.video import DEFAULT_MAX_FPS

if TYPE_CHECKING:  # the worker imports the pipeline only when it runs a clip
    from formcheck.report.assemble import Analysis
    from formcheck.report.model import Report
    from formcheck.settings import Settings

log = logging.getLogger(__name__)

VIDEO_EXTENSIONS = frozenset({".mp4", ".mov", ".m4v", ".avi", ".webm", ".mkv"})
MANIFEST = "manifest.json"
MANIFEST_VERSION = 1
#: files of one clip's output folder
REPORT_JSON, REPORT_HTML, REPS_CSV, VIDEO_MP4 = (
    "report.json",
    "report.html",
    "reps.csv",
    "annotated.mp4",
)

AnalyzeFn = Callable[..., Any]


@dataclass(frozen=True, kw_only=True)
class BatchOptions:
    """How each clip is analysed and which files are written (all picklable)."""

    drill: str = "auto"
    #: the way every clip's drill is done (table top's "toe"); see `formcheck.drills.Drill.variants`
    variant: str = ""
    video: bool = False
    html: bool = True
    backend: str = "mediapipe-legacy"
    #: lite / full / heavy, or a .task file (see `formcheck.pose.models.choose_pose_model`)
    model: str | Path | None = None
    fps: float | None = None
    #: the cap on frames a second sent to the pose model (`formcheck.video.DEFAULT_MAX_FPS`)
    max_fps: float | None = DEFAULT_MAX_FPS
    settings: Settings | None = None
    use_cache: bool = True
    cache_dir: Path | None = None
    #: the function analysing one clip (default `formcheck.pipeline.analyze`); a module-level
    #: function so that worker processes can import it
    analyze_fn: AnalyzeFn | None = None


@dataclass(frozen=True, kw_only=True)
class ClipJob:
    clip: Path
    #: the clip's path under the batch root, POSIX style: the key of everything about it
    rel: str
    athlete: str
    out_dir: Path
    out_root: Path
    content_hash: str
    settings_key: str
    options: BatchOptions


@dataclass(frozen=True, kw_only=True)
class ClipOutcome:
    rel: str
    athlete: str
    #: "ok", "skipped" (report already current) or "error"
    status: str
    error: str = ""
    row: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass(frozen=True, kw_only=True)
class BatchResult:
    outcomes: list[ClipOutcome]
    #: files under the root that are not videos (left alone)
    ignored: list[str]
    index_html: Path
    summary_csv: Path
    executor: str = ""
    workers: int = 0
    seconds: float = 0.0

    @property
    def failed(self) -> list[ClipOutcome]:
        return [o for o in self.outcomes if o.status == "error"]

    @property
    def skipped(self) -> list[ClipOutcome]:
        return [o for o in self.outcomes if o.status == "skipped"]

    @property
    def analysed(self) -> list[ClipOutcome]:
        return [o for o in self.outcomes if o.status == "ok"]


# -- finding clips and naming them ---------------------------------------------------------------


def find_clips(root: Path, *, exclude: Sequence[Path] = ()) -> tuple[list[Path], list[Path]]:
    """(video files, other files) under ``root``, sorted; hidden entries and ``exclude`` skipped."""
    excluded = [e.resolve() for e in exclude]
    clips: list[Path] = []
    others: list[Path] = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        resolved = path.resolve()
        if any(resolved == e or e in resolved.parents for e in excluded):
            continue
        (clips if path.suffix.lower() in VIDEO_EXTENSIONS else others).append(path)
    return clips, others


def athlete_for(rel: PurePosixPath, root_name: str, pattern: re.Pattern[str] | None = None) -> str:
    """The athlete's name: ``pattern``'s group ``athlete`` (or group 1) searched in the clip's
    relative path, else the clip's top folder under the root, else the root folder's name."""
    if pattern is not None:
        m = pattern.search(rel.as_posix())
        if m:
            if "athlete" in pattern.groupindex:
                return m.group("athlete") or ""
            return m.group(1) if pattern.groups else m.group(0)
    return rel.parts[0] if len(rel.parts) > 1 else root_name


def output_dirs(rels: Sequence[PurePosixPath]) -> dict[PurePosixPath, PurePosixPath]:
    """``ana/set1.mp4`` → ``ana/set1``; clips whose names differ only by extension keep it."""
    stems = [r.with_suffix("") for r in rels]
    clashes = {s for s in stems if stems.count(s) > 1}
    return {
        r: (s.with_name(f"{s.name}_{r.suffix.lstrip('.').lower()}") if s in clashes else s)
        for r, s in zip(rels, stems, strict=True)
    }


# -- resumability --------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _plain(dataclasses.asdict(value))
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return repr(value)


@functools.cache
def code_fingerprint() -> str:
    """A hash of formcheck's own source (drills, thresholds, engine, renderers): a fix or a new
    default makes earlier reports stale even when the version number stayed the same."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and path.suffix in (".py", ".html", ".css", ".js"):
            h.update(str(rel).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def settings_key(options: BatchOptions) -> str:
    """A fingerprint of everything that changes a clip's report besides its bytes."""
    fn = options.analyze_fn
    described = {
        "formcheck": __version__,
        "code": code_fingerprint(),
        "schema": SCHEMA_VERSION,
        "drill": options.drill,
        "variant": options.variant,
        "video": options.video,
        "html": options.html,
        "backend": options.backend,
        "model": str(options.model) if options.model else None,
        "fps": options.fps,
        "max_fps": options.max_fps,
        "settings": _plain(options.settings),
        "analyze": f"{fn.__module__}.{fn.__qualname__}" if fn else "formcheck.pipeline.analyze",
    }
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()[:16]


def read_manifest(out_dir: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("version") == MANIFEST_VERSION else None


def _stat_key(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def clip_hash(clip: Path, manifest: Mapping[str, Any] | None) -> str:
    """The clip's content hash; reused from the manifest when size and mtime are unchanged."""
    from formcheck.fileio import content_hash

    if manifest and manifest.get("stat") == _stat_key(clip) and manifest.get("content_hash"):
        return str(manifest["content_hash"])
    return content_hash(clip)


def is_current(job: ClipJob, manifest: Mapping[str, Any] | None) -> bool:
    """The clip's finished report matches its bytes and these settings, and its files exist."""
    if not manifest or manifest.get("status") != "ok":
        return False
    if (
        manifest.get("content_hash") != job.content_hash
        or manifest.get("settings_key") != job.settings_key
    ):
        return False
    return all((job.out_dir / name).is_file() for name in manifest.get("files", []))


# -- one clip, in a worker -----------------------------------------------------------------------


def _analyze(job: ClipJob) -> Analysis:
    opts = job.options
    fn: AnalyzeFn
    if opts.analyze_fn is not None:
        fn = opts.analyze_fn
    else:
        from formcheck.pipeline import analyze as fn
    kwargs: dict[str, Any] = {
        "drill": opts.drill,
        "backend": opts.backend,
        "model": opts.model,
        "fps": opts.fps,
        "max_fps": opts.max_fps,
        "settings": opts.settings,
        "use_cache": opts.use_cache,
    }
    if opts.variant:
        kwargs["variant"] = opts.variant
    if opts.cache_dir is not None:
        kwargs["cache_dir"] = opts.cache_dir
    return fn(job.clip, **kwargs)


def _write_clip_files(job: ClipJob, analysis: Analysis) -> list[str]:
    from formcheck.report.outputs import write_outputs
    from formcheck.report.serialize import report_to_json

    out = job.out_dir
    write_text_atomic(out / REPORT_JSON, report_to_json(analysis.report))
    write_outputs(
        analysis,
        csv=out / REPS_CSV,
        html=out / REPORT_HTML if job.options.html else None,
        video=out / VIDEO_MP4 if job.options.video else None,
        clip_path=job.clip,
        athlete=job.athlete,
    )
    return (
        [REPORT_JSON, REPS_CSV] + [REPORT_HTML] * job.options.html + [VIDEO_MP4] * job.options.video
    )


def _links(job: ClipJob, files: Sequence[str]) -> dict[str, str]:
    rel_dir = job.out_dir.relative_to(job.out_root).as_posix()
    keys = {
        REPORT_HTML: "report_html",
        REPORT_JSON: "report_json",
        REPS_CSV: "reps_csv",
        VIDEO_MP4: "video",
    }
    return {keys[name]: f"{rel_dir}/{name}" for name in files}


def _digest(job: ClipJob, report: Report) -> str:
    """The clip's content hash: known from planning, from the pose track's cache key, or new."""
    from formcheck.fileio import content_hash

    return job.content_hash or report.clip.content_hash or content_hash(job.clip)


#: the summary's status of a clip that shows none of the three drills
NOT_A_BRIDGE_STATUS = "not a bridge drill"


def process_clip(job: ClipJob) -> ClipOutcome:
    """Analyse one clip and write its files and manifest; errors become an "error" outcome."""
    from formcheck.report.csvout import clip_row

    t0 = time.perf_counter()
    try:
        analysis = _analyze(job)
        files = _write_clip_files(job, analysis)
    except FormcheckError as err:
        return _failed(job, str(err), t0)
    except (OSError, ValueError, RuntimeError, MemoryError) as err:
        log.exception("clip %s failed", job.rel)
        return _failed(job, f"{type(err).__name__}: {err}", t0)
    report = analysis.report
    row = clip_row(report, athlete=job.athlete, clip=job.rel, links=_links(job, files))
    row["warnings"] = " | ".join(report.warnings)
    status, error = ("error", "no person found in any frame") if report.detection.nobody else ("ok", "")
    row.update(status=status, error=error)
    if status == "ok" and report.drill is not None and not report.drill.is_bridge:
        # finished, not failed (a resumed batch keeps it): the row says what the clip is
        row.update(status=NOT_A_BRIDGE_STATUS, error="; ".join(report.drill.not_a_bridge))
    manifest: dict[str, Any] = {
        "version": MANIFEST_VERSION,
        "clip": job.rel,
        "status": status,
        "content_hash": _digest(job, report),
        "stat": _stat_key(job.clip),
        "settings_key": job.settings_key,
        "formcheck": __version__,
        "files": files,
        "row": row,
        "finished_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    try:
        write_text_atomic(job.out_dir / MANIFEST, json.dumps(manifest, indent=2))
    except OutputError as err:
        return _failed(job, str(err), t0)
    return ClipOutcome(
        rel=job.rel,
        athlete=job.athlete,
        status=status,
        error=error,
        row=row,
        seconds=time.perf_counter() - t0,
    )


def _failed(job: ClipJob, message: str, t0: float) -> ClipOutcome:
    from formcheck.report.csvout import error_row

    row = error_row(clip=job.rel, athlete=job.athlete, error=message)
    return ClipOutcome(
        rel=job.rel,
        athlete=job.athlete,
        status="error",
        error=message,
        row=row,
        seconds=time.perf_counter() - t0,
    )


# -- the batch, in the parent --------------------------------------------------------------------

ProgressFn = Callable[[int, int, ClipOutcome], None]


def ensure_writable(out: Path) -> None:
    """Create ``out`` and prove a file can be written there, or raise one clear `OutputError`."""
    probe = out / f".formcheck-write-test.{time.time_ns()}"
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as err:
        raise OutputError(
            f"cannot write to the output folder {out}: {err.strerror or err}"
        ) from err


_PART = re.compile(r"^\..+\.(\d+)\.part$")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def remove_stale_parts(out: Path) -> int:
    """Delete temporary files left by writers that died (their pid is gone); returns how many."""
    removed = 0
    for path in out.rglob(".*.part"):
        m = _PART.match(path.name)
        if m and not _alive(int(m.group(1))):
            path.unlink(missing_ok=True)
            removed += 1
    if removed:
        log.info("removed %d temporary file(s) left by an interrupted run", removed)
    return removed


def _compile(pattern: str | re.Pattern[str] | None) -> re.Pattern[str] | None:
    from formcheck.errors import BadSettings

    if pattern is None or isinstance(pattern, re.Pattern):
        return pattern
    try:
        return re.compile(pattern)
    except re.error as err:
        raise BadSettings(
            f"--name-pattern {pattern!r} is not a valid regular expression: {err}"
        ) from err


def plan_jobs(
    root: Path,
    out: Path,
    options: BatchOptions,
    pattern: re.Pattern[str] | None,
    *,
    force: bool = False,
) -> tuple[list[ClipJob], list[ClipOutcome], list[str]]:
    """(jobs to run, outcomes already known: skipped or unreadable, ignored non-video files)."""
    clips, others = find_clips(root, exclude=[out])
    rels = [PurePosixPath(c.relative_to(root).as_posix()) for c in clips]
    dirs = output_dirs(rels)
    key = settings_key(options)
    jobs: list[ClipJob] = []
    known: list[ClipOutcome] = []
    for clip, rel in zip(clips, rels, strict=True):
        athlete = athlete_for(rel, root.resolve().name, pattern)
        out_dir = out / Path(*dirs[rel].parts)
        manifest = read_manifest(out_dir)
        try:
            # with no finished report to compare against, the worker hashes the clip itself
            digest = clip_hash(clip, manifest) if manifest and not force else ""
        except OSError as err:
            job = ClipJob(clip=clip, rel=rel.as_posix(), athlete=athlete, out_dir=out_dir, out_root=out,
                          content_hash="", settings_key=key, options=options)  # fmt: skip
            known.append(
                _failed(job, f"cannot read the clip: {err.strerror or err}", time.perf_counter())
            )
            continue
        job = ClipJob(clip=clip, rel=rel.as_posix(), athlete=athlete, out_dir=out_dir, out_root=out,
                      content_hash=digest, settings_key=key, options=options)  # fmt: skip
        if not force and is_current(job, manifest):
            assert manifest is not None
            known.append(
                ClipOutcome(
                    rel=job.rel, athlete=athlete, status="skipped", row=dict(manifest["row"])
                )
            )
        else:
            jobs.append(job)
    ignored = [p.relative_to(root).as_posix() for p in others]
    return jobs, known, ignored


def run_batch(
    root: str | Path,
    out: str | Path,
    *,
    options: BatchOptions | None = None,
    name_pattern: str | re.Pattern[str] | None = None,
    executor: str | Any = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    force: bool = False,
    progress: ProgressFn | None = None,
) -> BatchResult:
    """Analyse every clip under ``root`` into ``out``; see the module's docstring.

    ``executor`` is a name (``local``, ``serial``, ``dask``) or a ready executor.
    ``force`` redoes clips whose reports are current. Raises `InputNotFound` for a missing
    root and `OutputError` when ``out`` cannot be written; a clip's own failure is recorded in
    its outcome instead.
    """
    from formcheck.errors import InputNotFound
    from formcheck.executors import get_executor

    t0 = time.perf_counter()
    root, out = Path(root).expanduser(), Path(out).expanduser()
    if not root.is_dir():
        raise InputNotFound(f"{root}: no such folder")
    options = options or BatchOptions()
    pattern = _compile(name_pattern)
    ensure_writable(out)
    remove_stale_parts(out)
    jobs, outcomes, ignored = plan_jobs(root, out, options, pattern, force=force)
    total = len(jobs) + len(outcomes)
    for i, outcome in enumerate(outcomes):
        if progress:
            progress(i + 1, total, outcome)
    ex = (
        get_executor(executor, workers=workers, scheduler=scheduler)
        if isinstance(executor, str)
        else executor
    )

    def so_far(*, running: bool) -> BatchResult:
        """The batch's result until now; its index and summary are rewritten (atomically) each
        time, so a run killed outright still leaves them, covering every clip finished."""
        result = BatchResult(
            outcomes=sorted(outcomes, key=lambda o: o.rel),
            ignored=ignored,
            index_html=out / "index.html",
            summary_csv=out / "summary.csv",
            executor=getattr(ex, "name", str(executor)),
            workers=getattr(ex, "workers", 0),
            seconds=time.perf_counter() - t0,
        )
        finished = {o.rel for o in outcomes}
        pending = [j.rel for j in jobs if j.rel not in finished]
        write_summary(result, pending=pending, running=running)
        return result

    try:
        with ex:
            so_far(running=True)
            for done in ex.map_unordered(process_clip, longest_first(jobs)):
                outcome = done.value if done.error is None else _crashed(done.item, done.error)
                outcomes.append(outcome)
                so_far(running=True)
                if progress:
                    progress(len(outcomes), total, outcome)
    finally:
        result = so_far(running=False)
    return result


def longest_first(jobs: Sequence[ClipJob]) -> list[ClipJob]:
    """Biggest files first: a long clip started last would leave the other workers idle while
    it finishes (file size stands in for duration)."""

    def size(job: ClipJob) -> int:
        try:
            return job.clip.stat().st_size
        except OSError:
            return 0

    return sorted(jobs, key=size, reverse=True)


def _crashed(job: ClipJob, err: BaseException) -> ClipOutcome:
    log.error("clip %s: worker failed: %s", job.rel, err)
    return _failed(job, f"worker failed: {type(err).__name__}: {err}", time.perf_counter())


def write_summary(
    result: BatchResult, *, pending: Sequence[str] = (), running: bool = False
) -> None:
    """``summary.csv`` and ``index.html`` for the outcomes so far (atomically); ``running``
    while the batch goes on (its pending clips are not yet run, not interrupted)."""
    from formcheck.report.csvout import CLIP_COLUMNS, write_csv
    from formcheck.report.index import render_index

    rows = [o.row for o in result.outcomes]
    write_csv(result.summary_csv, rows, CLIP_COLUMNS)
    write_text_atomic(result.index_html, render_index(result, pending=pending, running=running))


__all__ = [
    "BatchOptions",
    "BatchResult",
    "ClipJob",
    "ClipOutcome",
    "VIDEO_EXTENSIONS",
    "athlete_for",
    "find_clips",
    "process_clip",
    "run_batch",
    "settings_key",
]
