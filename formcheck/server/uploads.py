"""Resumable uploads from the athlete's phone (the tus protocol, served by tuspyserver).

Each tus request names its athlete by the invite token in an ``X-Invite-Token`` header and is
stored in that athlete's own upload folder, so an upload id of another athlete is simply not
found. Before tuspyserver sees a request, `guard` checks what reaches the filesystem: the
upload id must be the hex id tuspyserver made (no ``../``), concatenation (which names other
uploads) is refused, and a creation request may carry no body (every byte arrives by PATCH,
streamed to disk). An upload larger than the limit is refused at creation (413).

When the last byte arrives, `accept` checks the content by its bytes and a probe of the stream
(the first frame decoded, the duration within the limit) before anything is queued; a refused
upload answers 415/422 with the one-line reason (the words `formcheck analyze` would give) and
its bytes are deleted. An accepted one becomes a clip with a queued analysis job.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request

from formcheck.drills import DRILLS
from formcheck.errors import EmptyVideo, FormcheckError, NotAVideo
from formcheck.server.config import ServerConfig
from formcheck.server.jobs import JobQueue, clip_dir, user_message
from formcheck.server.store import Athlete, Clip, Job, Store, Upload

log = logging.getLogger(__name__)

UPLOAD_ID = re.compile(r"[0-9a-f]{32}")
#: a finished upload's tus record is kept this long, so a phone that missed the last answer
#: can still ask how far it got (tus's own expiry of unfinished uploads is two days)
KEEP_FINISHED_S = 2 * 86400.0
#: what an athlete may ask for: auto, or one of the drills
DRILL_CHOICES = ("auto", *DRILLS)
SIDES = ("left", "right", "unknown")


class ClipRefused(FormcheckError):
    """An upload that is not a clip formcheck will analyse: ``status`` is the HTTP answer."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


def probe_clip(path: Path, *, shown: str, max_duration_s: float) -> str:
    """Check an uploaded file is a clip formcheck can analyse; returns its container's
    extension. Raises `ClipRefused` with the reason, in the words `formcheck analyze` uses."""
    from formcheck.video import open_video
    from formcheck.video.sources import container_suffix

    if path.stat().st_size == 0:
        raise ClipRefused(str(EmptyVideo(f"{shown}: the file is empty (0 bytes)")))
    suffix = container_suffix(path)
    if suffix is None:
        raise ClipRefused(
            str(NotAVideo(f"{shown}: not a video file (its bytes are not an MP4, MOV, WebM, "
                          "MKV or AVI container)")),
            status=415,
        )
    try:
        with open_video(path) as source:
            duration = source.info.duration_s
    except FormcheckError as err:
        raise ClipRefused(user_message(err, path, shown)) from None
    if duration > max_duration_s:
        raise ClipRefused(
            f"{shown}: the clip is {duration:.0f} s long; this service takes clips up to "
            f"{max_duration_s:.0f} s (film one set a clip)",
            status=413,
        )
    return suffix


def _shown_name(metadata: dict[str, str]) -> str:
    """The phone's file name, for words only: its last part, printable, at most 100 chars."""
    name = (metadata.get("filename") or "clip").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable())[:100]
    return name or "clip"


def router(config: ServerConfig, store: Store, queue: JobQueue,
           uploader: Callable[..., Athlete]) -> APIRouter:
    """The tus endpoint at /api/uploads/. ``uploader`` is the dependency that resolves the
    request's athlete from its invite token (404 when unknown or revoked)."""
    from tuspyserver import create_tus_router

    def folder(athlete: Athlete) -> Path:
        path = config.uploads_dir / athlete.id
        path.mkdir(parents=True, exist_ok=True)
        return path

    # (default-value dependencies: these are closures over ``uploader``, which an Annotated
    # hint could not name under postponed annotations)
    async def guard(request: Request, athlete: Athlete = Depends(uploader)) -> None:
        uid = request.path_params.get("uuid")
        if uid is not None and not UPLOAD_ID.fullmatch(uid):
            raise HTTPException(404, "no such upload")
        if request.headers.get("upload-concat"):
            raise HTTPException(400, "concatenated uploads are not supported")
        if request.method == "POST" and int(request.headers.get("content-length") or 0) > 0:
            raise HTTPException(400, "send the clip's bytes with PATCH, not with the creation")
        if request.method == "POST":
            given = request.headers.get("upload-length") or "-1"
            if not given.lstrip("-").isdigit():
                raise HTTPException(400, "Upload-Length must be a whole number of bytes")
            length = int(given)
            if length > config.max_upload_bytes:
                raise HTTPException(
                    413, f"the clip is {length / 2**20:.0f} MB; this service takes clips up to "
                    f"{config.max_upload_mb:.0f} MB")
        if request.method == "PATCH" and uid is not None:
            _drop_unrecorded_bytes(folder(athlete), uid)

    async def files_of(
        athlete: Athlete = Depends(uploader),
    ) -> Callable[[dict[str, Any]], dict[str, str]]:
        return lambda _metadata: {"files_dir": str(folder(athlete))}

    async def check_metadata() -> Callable[[dict[str, str], dict[str, Any]], None]:
        def check(metadata: dict[str, str], _info: dict[str, Any]) -> None:
            if metadata.get("drill", "auto") not in DRILL_CHOICES:
                raise HTTPException(422, f"unknown drill; choose one of {', '.join(DRILL_CHOICES)}")
            if metadata.get("side", "unknown") not in SIDES:
                raise HTTPException(422, "side must be left, right or unknown")

        return check

    async def on_complete(
        athlete: Athlete = Depends(uploader),
    ) -> Callable[[str, dict[str, str]], Any]:
        async def complete(path: str, metadata: dict[str, str]) -> None:
            from starlette.concurrency import run_in_threadpool

            await run_in_threadpool(accept, config, store, queue, athlete, Path(path), metadata)

        return complete

    tus = create_tus_router(
        prefix="api/uploads",
        files_dir=str(config.uploads_dir),
        max_size=config.max_upload_bytes,
        days_to_keep=2,
        # (tuspyserver's hints say these return None; it awaits them and reads the dict)
        pre_create_dep=check_metadata,  # type: ignore[arg-type]
        file_dep=files_of,  # type: ignore[arg-type]
        upload_complete_dep=on_complete,  # type: ignore[arg-type]
        tags=["uploads"],
    )
    outer = APIRouter(dependencies=[Depends(guard)])
    outer.include_router(tus)
    return outer


def _drop_unrecorded_bytes(folder: Path, uid: str) -> None:
    """Bytes past the recorded offset (a server killed mid-PATCH wrote them but not the offset)
    would be appended to: cut them, unless a PATCH holds the upload right now."""
    from tuspyserver.lock import acquire_upload_lock

    data, info = folder / uid, folder / f"{uid}.info"
    if not data.is_file() or not info.is_file():
        return
    try:
        with acquire_upload_lock(str(data), locks_dir=str(folder / ".locks"), blocking=False):
            offset = int(json.loads(info.read_text()).get("offset") or 0)
            if data.stat().st_size > offset:
                log.info("upload %s: %d bytes past its offset dropped", uid,
                         data.stat().st_size - offset)
                with open(data, "r+b") as fh:
                    fh.truncate(offset)
    except (OSError, ValueError):
        return


def accept(config: ServerConfig, store: Store, queue: JobQueue, athlete: Athlete,
           path: Path, metadata: dict[str, str]) -> str:
    """A finished upload: probe it, then make its clip and queue its analysis (returns the
    clip id), or refuse it with the reason (`ClipRefused` as an HTTP error)."""
    upload_id = path.name
    with store.session() as s:
        done = s.get(Upload, upload_id)
    if done is not None and done.clip_id is not None:
        return done.clip_id  # the same upload finished again (a repeated last PATCH): one clip
    shown = _shown_name(metadata)
    try:
        suffix = probe_clip(path, shown=shown, max_duration_s=config.max_duration_s)
    except ClipRefused as err:
        _forget(path)
        with store.session() as s:
            s.merge(Upload(id=upload_id, athlete_id=athlete.id, error=str(err)))
        raise HTTPException(err.status, str(err)) from None
    with store.session() as s:
        clip = Clip(athlete_id=athlete.id, original_name=shown,
                    drill_requested=metadata.get("drill", "auto"),
                    side=metadata.get("side", "unknown"), source_name=f"source{suffix}")
        s.add(clip)
        s.flush()
        folder = clip_dir(config, clip.id)
        folder.mkdir(parents=True, exist_ok=True)
        _link_or_copy(path, folder / clip.source_name)
        job = Job(clip_id=clip.id, kind="analyze")
        s.add(job)
        s.merge(Upload(id=upload_id, athlete_id=athlete.id, clip_id=clip.id))
        clip_id = clip.id
    queue.enqueue(job)
    log.info("clip %s from athlete %s queued (job %d)", clip_id, athlete.id, job.id)
    return clip_id


def _link_or_copy(upload: Path, source: Path) -> None:
    """The clip's source is a second name of the upload's bytes (a copy across file systems):
    the finished upload stays where tus can see it, so a phone that lost the last answer and
    asks again learns that the upload is complete instead of sending it all a second time.
    `forget_finished_uploads` removes those names later."""
    try:
        os.link(upload, source)
    except OSError:
        shutil.copyfile(upload, source)


def _forget(path: Path) -> None:
    """Delete a refused upload's bytes and its .info file."""
    path.unlink(missing_ok=True)
    Path(f"{path}.info").unlink(missing_ok=True)


def forget_finished_uploads(config: ServerConfig, older_than_s: float = KEEP_FINISHED_S) -> int:
    """Remove the upload folder's names of uploads finished more than ``older_than_s`` ago
    (and of unfinished ones past tus's expiry: their phone has given up)."""
    cutoff = time.time() - older_than_s
    gone = 0
    for info in config.uploads_dir.glob("*/*.info"):
        try:
            if info.stat().st_mtime > cutoff:
                continue
        except OSError:
            continue
        _forget(info.with_suffix(""))
        gone += 1
    return gone
