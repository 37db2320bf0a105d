"""A batch-reviewed session into the service's records: `formcheck batch DIR -o OUT --into DATA`.

The coach who reviews a session folder on a laptop (`formcheck batch`) and the athletes who
upload from their phones (`formcheck serve`) share one history: `import_batch` adds each clip
of a batch output folder to the store as a clip of its athlete (found by name under the
coach, or made, with an invite link like any other), from the files the batch wrote, never
by analysing again:

- a clip the batch analysed (its ``manifest.json``) becomes a done clip (origin "batch") with
  copies of its report.json, annotated video and desktop report under the server's own names,
  its summary the one the service makes (`formcheck.report.csvout.clip_row`), recorded when
  the clip file was last modified (else when its report was made);
- a clip the batch failed on (its row in ``summary.csv``) becomes a failed clip with the error;
- a clip already imported (the same content hash for the same athlete, or the same failure) is
  skipped, so importing a folder again adds only what is new.

Nothing in the batch folder names a destination: a clip's folder is a new random id and its
files take fixed names. Files are copied only from inside the batch folder (no symbolic
link is followed out of it).
"""

from __future__ import annotations

import csv
import json
import logging
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from formcheck.errors import BadSettings, InputNotFound
from formcheck.server.config import ServerConfig
from formcheck.server.jobs import clip_dir
from formcheck.server.migrate import migrate
from formcheck.server.store import (
    DONE,
    FAILED,
    Athlete,
    Clip,
    Coach,
    Store,
    new_id,
    new_token,
    utcnow,
)

log = logging.getLogger(__name__)

#: batch file name → the clip folder's name for it (the server's names, fixed)
COPIED = {"report.json": "report.json", "annotated.mp4": "annotated.mp4",
          "report.html": "report.html"}
#: an athlete's name when the batch gave none (a name pattern whose group matched nothing)
UNNAMED = "unnamed athlete"


@dataclass(frozen=True, kw_only=True)
class ImportResult:
    """What an import did, clip by clip (each list holds the clips' paths in the batch)."""

    #: analysed clips added as done clips
    imported: list[str] = field(default_factory=list)
    #: clips the batch failed on, added as failed clips
    failed: list[str] = field(default_factory=list)
    #: clips already in the store (imported before)
    skipped: list[str] = field(default_factory=list)
    #: clips that could not be imported, with the reason (a report missing or unreadable)
    problems: list[tuple[str, str]] = field(default_factory=list)
    #: athletes made by this import (names)
    athletes_created: list[str] = field(default_factory=list)

    def line(self) -> str:
        """One line for the CLI: ``3 clips imported, 1 failed clip recorded, 2 skipped``."""
        parts = [
            f"{len(self.imported)} clip{'s' * (len(self.imported) != 1)} imported",
            f"{len(self.failed)} failed clip{'s' * (len(self.failed) != 1)} recorded",
            f"{len(self.skipped)} skipped (already there)",
        ]
        if self.problems:
            parts.append(f"{len(self.problems)} not imported")
        if self.athletes_created:
            parts.append(f"{len(self.athletes_created)} new athlete"
                         f"{'s' * (len(self.athletes_created) != 1)}")
        return ", ".join(parts)


# -- the coach -------------------------------------------------------------------------------


def find_coach(store: Store, email: str) -> Coach:
    """The coach account with this e-mail; `BadSettings` (one line) when there is none."""
    address = email.strip().lower()
    with store.session() as s:
        coach = s.scalar(select(Coach).where(Coach.email == address))
    if coach is None:
        raise BadSettings(f"no coach account with the e-mail {address} in this service's data")
    return coach


def only_coach_email(config: ServerConfig) -> str:
    """The e-mail of the store's one coach (for ``--into`` without ``--coach``);
    `BadSettings` when there is none or more than one."""
    migrate(config.db_url)
    with Store(config.db_url).session() as s:
        emails = list(s.scalars(select(Coach.email).order_by(Coach.email).limit(2)))
        count = s.scalar(select(func.count()).select_from(Coach)) or 0
    if count == 0:
        raise BadSettings(f"{config.data_dir} has no coach account yet: make one first "
                          "(`formcheck coach add`)")
    if count > 1:
        raise BadSettings(f"{config.data_dir} has {count} coach accounts: say whose athletes "
                          "these are with --coach EMAIL")
    return emails[0]


# -- reading the batch folder ----------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class _BatchClip:
    rel: str
    athlete: str
    #: "error" when the batch failed on it
    status: str
    error: str
    #: its output folder and manifest, when the batch finished it
    folder: Path | None = None
    manifest: dict[str, Any] | None = None


def _inside(path: Path, root: Path) -> bool:
    """``path`` is a regular file of ``root`` (after every link is resolved)."""
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return False
    return resolved.is_file() and root in resolved.parents


def _manifests(out_dir: Path) -> dict[str, tuple[Path, dict[str, Any]]]:
    """Each finished clip's (output folder, manifest), by its path in the batch."""
    from formcheck.batch import MANIFEST, read_manifest

    found: dict[str, tuple[Path, dict[str, Any]]] = {}
    for path in sorted(out_dir.rglob(MANIFEST)):
        if not _inside(path, out_dir):
            continue
        manifest = read_manifest(path.parent)
        if manifest is not None and isinstance(manifest.get("clip"), str):
            found[manifest["clip"]] = (path.parent, manifest)
    return found


def read_batch(out_dir: Path) -> list[_BatchClip]:
    """The clips of a batch output folder: its summary.csv's rows, each with its manifest."""
    summary = out_dir / "summary.csv"
    if not summary.is_file():
        raise InputNotFound(f"{out_dir}: not a `formcheck batch` output folder (no summary.csv)")
    manifests = _manifests(out_dir)
    clips = []
    with open(summary, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            rel = (row.get("clip") or "").strip()
            if not rel:
                continue
            folder, manifest = manifests.get(rel, (None, None))
            clips.append(_BatchClip(
                rel=rel, athlete=row.get("athlete") or "", status=row.get("status") or "",
                error=row.get("error") or "", folder=folder, manifest=manifest,
            ))
    return clips


def _recorded_at(manifest: dict[str, Any] | None, created_utc: str) -> datetime:
    """When the clip was filmed: its file's modification time as the batch recorded it, else
    when its report was made, else now (naive UTC, as every column holds)."""
    stat = (manifest or {}).get("stat")
    if isinstance(stat, list) and len(stat) == 2 and isinstance(stat[1], int):
        return datetime.fromtimestamp(stat[1] / 1e9, timezone.utc).replace(tzinfo=None)
    try:
        made = datetime.fromisoformat(created_utc.replace("Z", "+00:00"))
    except ValueError:
        return utcnow()
    return made.astimezone(timezone.utc).replace(tzinfo=None) if made.tzinfo else made


# -- the import ------------------------------------------------------------------------------


class _Athletes:
    """The coach's athletes by name, each made on first need (with an invite token, as
    `formcheck.server.service.create_athlete` makes one)."""

    def __init__(self, store: Store, coach_id: int) -> None:
        self.coach_id = coach_id
        self.ids: dict[str, str] = {}
        with store.session() as s:
            for athlete in s.scalars(select(Athlete).where(Athlete.coach_id == coach_id)
                                     .order_by(Athlete.created_at)):
                self.ids.setdefault(athlete.name, athlete.id)
        self.created: list[str] = []

    def get(self, s: Session, name: str) -> str:
        """The athlete's id, made in ``s`` when the coach has no athlete of that name."""
        name = " ".join(name.split())[:200] or UNNAMED
        if name not in self.ids:
            athlete = Athlete(id=new_id(), coach_id=self.coach_id, name=name,
                              invite_token=new_token())
            s.add(athlete)
            s.flush()
            self.ids[name] = athlete.id
            self.created.append(name)
        return self.ids[name]


def import_batch(config: ServerConfig, out_dir: Path, *, coach_email: str) -> ImportResult:
    """Add the clips of the `formcheck batch` output folder ``out_dir`` to the service's store
    as clips of the coach's athletes (see the module's docstring). Migrates the database first.
    Raises `BadSettings` when there is no such coach and `InputNotFound` when ``out_dir`` is
    not a batch output folder."""
    out_dir = Path(out_dir).expanduser().resolve()
    clips = read_batch(out_dir)
    migrate(config.db_url)
    config.make_dirs()
    store = Store(config.db_url)
    coach = find_coach(store, coach_email)
    result = ImportResult()
    athletes = _Athletes(store, coach.id)
    for clip in clips:
        # one transaction a clip: a clip whose files could not be copied leaves no row
        with store.session() as s:
            athlete_id = athletes.get(s, clip.athlete)
            outcome, reason = _import_clip(config, s, athlete_id, clip, out_dir)
        if outcome == "problem":
            result.problems.append((clip.rel, reason))
        else:
            getattr(result, outcome).append(clip.rel)
    result.athletes_created.extend(athletes.created)
    log.info("import of %s: %s", out_dir, result.line())
    return result


def _import_clip(config: ServerConfig, s: Session, athlete_id: str, clip: _BatchClip,
                 out_dir: Path) -> tuple[str, str]:
    """Import one clip in the session ``s``: ("imported" | "failed" | "skipped" | "problem",
    the reason of a problem)."""
    digest = str((clip.manifest or {}).get("content_hash") or "")
    if clip.status == "error" or (clip.manifest is None and clip.error):
        return _import_failure(s, athlete_id, clip, digest), ""
    if clip.manifest is None or clip.folder is None or clip.manifest.get("status") != "ok":
        return "problem", "the batch has no finished report of it (run the batch again)"
    return _import_report(config, s, athlete_id, clip, out_dir, digest)


def _import_failure(s: Session, athlete_id: str, clip: _BatchClip, digest: str) -> str:
    error = _shown_error(clip.error, clip.rel) or "the batch could not analyse this clip"
    seen = select(Clip.id).where(Clip.athlete_id == athlete_id, Clip.status == FAILED,
                                 Clip.origin == "batch", Clip.original_name == clip.rel[:255])
    if digest:
        seen = seen.where(Clip.content_hash == digest)
    else:
        seen = seen.where(Clip.error == error)
    if s.scalar(seen.limit(1)) is not None:
        return "skipped"
    s.add(Clip(id=new_id(), athlete_id=athlete_id, original_name=clip.rel[:255], origin="batch",
               status=FAILED, error=error, content_hash=digest,
               recorded_at=_recorded_at(clip.manifest, "")))
    return "failed"


def _shown_error(error: str, rel: str) -> str:
    """The batch's one line with the coach's own path of the clip replaced by its name in the
    batch (as the service names an upload by the phone's file name, never its own path)."""
    path, sep, rest = error.partition(": ")
    if sep and path.replace("\\", "/").endswith(rel):
        return f"{rel}: {rest}"
    return error


def _import_report(config: ServerConfig, s: Session, athlete_id: str, clip: _BatchClip,
                   out_dir: Path, digest: str) -> tuple[str, str]:
    from formcheck.report.csvout import clip_row
    from formcheck.report.serialize import report_from_dict

    assert clip.folder is not None and clip.manifest is not None
    listed = set(clip.manifest.get("files") or [])
    sources = {
        dest: clip.folder / name for name, dest in COPIED.items()
        if name in listed and _inside(clip.folder / name, out_dir)
    }
    if "report.json" not in sources:
        return "problem", "its report.json is missing"
    try:
        report = report_from_dict(json.loads(sources["report.json"].read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as err:
        return "problem", f"its report.json cannot be read ({type(err).__name__}: {err})"
    digest = report.clip.content_hash or digest
    if digest and s.scalar(
        select(Clip.id).where(Clip.athlete_id == athlete_id, Clip.content_hash == digest,
                              Clip.status == DONE).limit(1)
    ) is not None:
        return "skipped", ""
    row = Clip(
        id=new_id(), athlete_id=athlete_id, original_name=clip.rel[:255], origin="batch",
        status=DONE, content_hash=digest, has_report=True,
        drill_requested=report.drill.id if report.drill and report.drill.source == "given"
        else "auto",
        recorded_at=_recorded_at(clip.manifest, report.created_utc),
        summary=clip_row(report, clip=clip.rel),
        video_status=DONE if "annotated.mp4" in sources else "",
    )
    folder = clip_dir(config, row.id)
    try:
        folder.mkdir(parents=True)
        for dest, source in sources.items():
            shutil.copyfile(source, folder / dest, follow_symlinks=True)
    except OSError as err:
        shutil.rmtree(folder, ignore_errors=True)
        return "problem", f"its files could not be copied ({err.strerror or err})"
    s.add(row)
    return "imported", ""
