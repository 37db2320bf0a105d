"""The athlete's side, reached from the invite link: the phone page, the reports, the
annotated videos (range requests, so they play inline), and the JSON API the page uses
(the clip list, a finished upload's clip, live status as server-sent events).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse
from starlette.concurrency import run_in_threadpool

from formcheck.server import service
from formcheck.server.auth import InvitedAthlete
from formcheck.server.config import ServerConfig
from formcheck.server.jobs import clip_dir
from formcheck.server.store import DONE, FAILED, Clip, Store

router = APIRouter()
#: an event stream ends after this long even if the job has not (the page reconnects)
EVENTS_FOR_S = 15 * 60
EVENTS_EVERY_S = 0.5


def _state(request: Request) -> tuple[ServerConfig, Store]:
    return request.app.state.config, request.app.state.store


def page_url(token: str, clip_id: str) -> str:
    return f"/a/{token}/clips/{clip_id}"


def video_url(token: str, clip: Clip) -> str | None:
    """Where the athlete's page plays the clip's annotated video, once it is made."""
    return f"{page_url(token, clip.id)}/video" if clip.video_status == DONE else None


def _clip_view(athlete: InvitedAthlete, clip: Clip) -> dict[str, Any]:
    return service.clip_view(clip, url=page_url(athlete.invite_token or "", clip.id))


# -- pages -----------------------------------------------------------------------------------


@router.get("/a/{token}", response_class=HTMLResponse, include_in_schema=False)
def phone_page(request: Request, token: str, athlete: InvitedAthlete) -> HTMLResponse:
    from formcheck.server.tips import drill_choices

    config, store = _state(request)
    drills = drill_choices()
    context = {
        "athlete_name": athlete.name,
        "drills": drills,
        "clips": [_clip_view(athlete, c) for c in service.athlete_clips(store, athlete.id)],
        "config": {
            "token": token,
            "upload_url": "/api/uploads/",
            "api": f"/api/a/{token}",
            "page": f"/a/{token}",
            "max_upload_mb": int(config.max_upload_mb),
            "max_duration_s": int(config.max_duration_s),
            "drills": [{"id": d["id"], "name": d["name"]} for d in drills],
        },
    }
    return request.app.state.templates.TemplateResponse(request, "phone.html", context)


@router.get("/a/{token}/clips/{clip_id}", response_class=HTMLResponse, include_in_schema=False)
def report_page(request: Request, token: str, clip_id: str,
                athlete: InvitedAthlete) -> HTMLResponse:
    config, store = _state(request)
    clip = service.athlete_clip(store, athlete.id, clip_id)
    context = {
        "athlete_name": athlete.name,
        "clip": _clip_view(athlete, clip),
        "report": service.report_dict(config, clip),
        "video_url": video_url(token, clip),
        "back_url": f"/a/{token}",
    }
    return request.app.state.templates.TemplateResponse(request, "athlete_report.html", context)


@router.get("/a/{token}/clips/{clip_id}/video", include_in_schema=False)
def video(request: Request, clip_id: str, athlete: InvitedAthlete) -> FileResponse:
    config, store = _state(request)
    clip = service.athlete_clip(store, athlete.id, clip_id)
    return annotated_video(config, clip)


def annotated_video(config: ServerConfig, clip: Clip) -> FileResponse:
    """The clip's annotated video; Starlette answers Range requests, so it plays inline."""
    path = clip_dir(config, clip.id) / "annotated.mp4"
    if clip.video_status != DONE or not path.is_file():
        raise HTTPException(404, "the annotated video is not ready")
    return FileResponse(path, media_type="video/mp4")


# -- the JSON API ----------------------------------------------------------------------------


@router.get("/api/a/{token}/clips", tags=["athlete"])
def my_clips(request: Request, athlete: InvitedAthlete) -> dict[str, Any]:
    """The athlete's clips, newest first."""
    _, store = _state(request)
    return {"clips": [_clip_view(athlete, c) for c in service.athlete_clips(store, athlete.id)]}


@router.get("/api/a/{token}/clips/{clip_id}", tags=["athlete"])
def my_clip(request: Request, clip_id: str, athlete: InvitedAthlete) -> dict[str, Any]:
    """One clip: its status, summary and (when analysed) the full report."""
    config, store = _state(request)
    clip = service.athlete_clip(store, athlete.id, clip_id)
    view = _clip_view(athlete, clip)
    token = athlete.invite_token or ""
    return {
        **view,
        "progress": service.job_status(store, clip.id),
        "report": service.report_dict(config, clip),
        "video_url": video_url(token, clip),
    }


@router.get("/api/a/{token}/uploads/{upload_id}", tags=["athlete"])
def my_upload(request: Request, token: str, upload_id: str,
              athlete: InvitedAthlete) -> dict[str, Any]:
    """Which clip a finished upload became (or why it was refused: 422 with the reason)."""
    _, store = _state(request)
    upload = service.upload_outcome(store, athlete.id, upload_id)
    if upload.clip_id is None:
        raise HTTPException(422, upload.error or "the upload was refused")
    clip = service.athlete_clip(store, athlete.id, upload.clip_id)
    return {
        "clip_id": clip.id,
        "status": clip.status,
        "url": page_url(token, clip.id),
        "events": f"/api/a/{token}/clips/{clip.id}/events",
    }


@router.get("/api/a/{token}/clips/{clip_id}/events", tags=["athlete"])
async def clip_events(request: Request, clip_id: str, athlete: InvitedAthlete) -> Any:
    """Server-sent events named ``status`` (JSON: status, stage, progress, message) as the
    clip waits and is analysed; the stream ends once it is done or failed."""
    from sse_starlette.sse import EventSourceResponse

    _, store = _state(request)
    service.athlete_clip(store, athlete.id, clip_id)
    return EventSourceResponse(status_events(request, store, clip_id), ping=15)


async def status_events(request: Request, store: Store, clip_id: str) -> AsyncIterator[dict[str, str]]:
    last: dict[str, Any] | None = None
    until = time.monotonic() + EVENTS_FOR_S
    while time.monotonic() < until:
        if await request.is_disconnected():
            return
        status = await run_in_threadpool(service.job_status, store, clip_id)
        if status != last:
            yield {"event": "status", "data": json.dumps(status)}
            last = status
        if status["status"] in (DONE, FAILED):
            return
        await asyncio.sleep(EVENTS_EVERY_S)
