"""What the pages and the JSON API ask of the records, in one place: each query is scoped to
the athlete or the coach asking, and answers 404 for anything else.
"""

from __future__ import annotations

import json
from datetime import timezone
from typing import Any

from fastapi import HTTPException
from sqlalchemy import select

from formcheck.server.config import ServerConfig
from formcheck.server.jobs import clip_dir
from formcheck.server.store import (
    DONE,
    Athlete,
    Clip,
    Job,
    Store,
    Upload,
    iso,
    new_token,
    utcnow,
)

NOT_FOUND = "not found"


# -- athletes ------------------------------------------------------------------------------


def coach_athletes(store: Store, coach_id: int) -> list[Athlete]:
    with store.session() as s:
        return list(s.scalars(
            select(Athlete).where(Athlete.coach_id == coach_id).order_by(Athlete.name)
        ))


def coach_athlete(store: Store, coach_id: int, athlete_id: str) -> Athlete:
    with store.session() as s:
        athlete = s.get(Athlete, athlete_id)
    if athlete is None or athlete.coach_id != coach_id:
        raise HTTPException(404, NOT_FOUND)
    return athlete


def create_athlete(store: Store, coach_id: int, name: str) -> Athlete:
    name = " ".join(name.split())[:200]
    if not name:
        raise HTTPException(422, "give the athlete a name")
    with store.session() as s:
        athlete = Athlete(coach_id=coach_id, name=name, invite_token=new_token())
        s.add(athlete)
    return athlete


def new_invite(store: Store, coach_id: int, athlete_id: str) -> Athlete:
    """A new invite link for the athlete; the old one stops working."""
    return _set_invite(store, coach_id, athlete_id, new_token())


def revoke_invite(store: Store, coach_id: int, athlete_id: str) -> Athlete:
    """The athlete's link stops working (their clips stay, for the coach)."""
    return _set_invite(store, coach_id, athlete_id, None)


def _set_invite(store: Store, coach_id: int, athlete_id: str, token: str | None) -> Athlete:
    coach_athlete(store, coach_id, athlete_id)
    with store.session() as s:
        athlete = s.get(Athlete, athlete_id)
        assert athlete is not None
        athlete.invite_token = token
        athlete.revoked_at = None if token else utcnow()
    return athlete


def athlete_view(athlete: Athlete, *, base_url: str, clips: int | None = None) -> dict[str, Any]:
    link = invite_url(athlete, base_url)
    return {
        "id": athlete.id,
        "name": athlete.name,
        "created": iso(athlete.created_at),
        "invite_url": link,
        "revoked": athlete.invite_token is None,
        "clips": clips,
        "url": f"/athletes/{athlete.id}",
    }


def invite_url(athlete: Athlete, base_url: str) -> str | None:
    return None if athlete.invite_token is None else f"{base_url.rstrip('/')}/a/{athlete.invite_token}"


# -- clips ---------------------------------------------------------------------------------


def athlete_clips(store: Store, athlete_id: str) -> list[Clip]:
    with store.session() as s:
        return list(s.scalars(
            select(Clip).where(Clip.athlete_id == athlete_id).order_by(Clip.created_at.desc())
        ))


def coach_clips(store: Store, coach_id: int) -> list[tuple[Clip, Athlete]]:
    with store.session() as s:
        rows = s.execute(
            select(Clip, Athlete).join(Athlete, Clip.athlete_id == Athlete.id)
            .where(Athlete.coach_id == coach_id).order_by(Clip.created_at.desc())
        )
        return [(clip, athlete) for clip, athlete in rows]


def athlete_clip(store: Store, athlete_id: str, clip_id: str) -> Clip:
    with store.session() as s:
        clip = s.get(Clip, clip_id)
    if clip is None or clip.athlete_id != athlete_id:
        raise HTTPException(404, NOT_FOUND)
    return clip


def coach_clip(store: Store, coach_id: int, clip_id: str) -> tuple[Clip, Athlete]:
    with store.session() as s:
        clip = s.get(Clip, clip_id)
        athlete = s.get(Athlete, clip.athlete_id) if clip is not None else None
    if clip is None or athlete is None or athlete.coach_id != coach_id:
        raise HTTPException(404, NOT_FOUND)
    return clip, athlete


def set_note(store: Store, coach_id: int, clip_id: str, text: str) -> Clip:
    coach_clip(store, coach_id, clip_id)
    with store.session() as s:
        clip = s.get(Clip, clip_id)
        assert clip is not None
        clip.note, clip.note_updated_at = text.strip()[:5000], utcnow()
    return clip


def clip_view(clip: Clip, *, url: str, status: dict[str, Any] | None = None) -> dict[str, Any]:
    """A clip as the pages and the API list it (``url``: its report page for this reader)."""
    summary = clip.summary or {}
    return {
        "id": clip.id,
        "name": clip.original_name,
        "created": iso(clip.created_at),
        "recorded": iso(clip.recorded_at),
        "status": clip.status,
        "drill_requested": clip.drill_requested,
        "side": clip.side,
        "drill": summary.get("drill", ""),
        "view": summary.get("view", ""),
        "reps": summary.get("reps"),
        "holds": summary.get("holds"),
        "faults": summary.get("faults"),
        "fault_cues": summary.get("fault_cues", ""),
        "longest_hold_s": summary.get("longest_hold_s"),
        "hold_mark": summary.get("hold_mark", ""),
        "duration_s": summary.get("duration_s"),
        "error": clip.error,
        "note": clip.note,
        "video": clip.video_status,
        "source_deleted": clip.source_deleted_at is not None,
        "url": url,
        **({"progress": status} if status is not None else {}),
    }


def job_status(store: Store, clip_id: str) -> dict[str, Any]:
    """How the clip's analysis stands: status, stage, progress 0..1, message."""
    with store.session() as s:
        clip = s.get(Clip, clip_id)
        job = s.scalar(
            select(Job).where(Job.clip_id == clip_id, Job.kind == "analyze")
            .order_by(Job.id.desc()).limit(1)
        )
    if clip is None:
        raise HTTPException(404, NOT_FOUND)
    if job is None:
        return {"status": clip.status, "stage": "done", "progress": 1.0, "message": clip.error}
    return {
        "status": clip.status,
        "stage": "done" if clip.status == DONE else job.stage,
        "progress": round(float(job.progress), 3),
        "message": clip.error if clip.error else job.message,
    }


def report_dict(config: ServerConfig, clip: Clip) -> dict[str, Any] | None:
    """The clip's report as JSON (the schema of `formcheck analyze --json`), if made."""
    if not clip.has_report:
        return None
    path = clip_dir(config, clip.id) / "report.json"
    try:
        data: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data


def upload_outcome(store: Store, athlete_id: str, upload_id: str) -> Upload:
    with store.session() as s:
        upload = s.get(Upload, upload_id)
    if upload is None or upload.athlete_id != athlete_id:
        raise HTTPException(404, "this upload is not finished or not known")
    return upload


def history_entries(config: ServerConfig, store: Store, athlete_id: str) -> list[Any]:
    """The athlete's analysed clips with their reports, for `formcheck.server.progress`."""
    from formcheck.report.serialize import report_from_dict
    from formcheck.server.progress import HistoryEntry

    entries = []
    for clip in reversed(athlete_clips(store, athlete_id)):
        data = report_dict(config, clip)
        if data is None:
            continue
        entries.append(HistoryEntry(
            clip_id=clip.id, recorded_at=clip.recorded_at.replace(tzinfo=timezone.utc),
            report=report_from_dict(data), clip_name=clip.original_name,
        ))
    return entries
