"""The live page: train in front of the phone's or laptop's camera, see and hear the cues.

- ``/a/{token}/live``: the athlete's, from the invite link; a saved set goes to their history.
- ``/live``: the coach's (signed in); a saved set goes to the athlete the coach picks.
- ``/api/a/{token}/live`` and ``/api/live``: their WebSockets. The page sends a binary frame
  message (`live_session.parse_frame`) whenever the last one has been answered; the server
  keeps only the newest frame that arrived while it was busy (the others are dropped, never
  queued, so the picture on screen is never behind) and answers each analysed frame with a
  JSON ``frame`` message. Text messages steer the set: ``{"type": "end"}`` (the page then gets
  ``set_end``), ``{"type": "save", "athlete": id?}`` (``saved`` with the new clip's address),
  ``{"type": "restart", "drill": …, "variant": …}`` (a new set on the same socket).

Each socket runs its set in a thread of its own (the pose model is not shared), and the
service runs at most ``ServerConfig.live_sessions`` at once; one more is told ``busy``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, HTTPException, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import HTMLResponse
from starlette.websockets import WebSocketState

from formcheck.drills import DRILLS
from formcheck.errors import FormcheckError
from formcheck.server import service
from formcheck.server.auth import Coached, InvitedAthlete, athlete_by_token
from formcheck.server.config import ServerConfig
from formcheck.server.jobs import JobQueue
from formcheck.server.store import Athlete, Coach, Store
from formcheck.server.tips import drill_choices

log = logging.getLogger(__name__)
router = APIRouter()

#: WebSocket close codes the page tells apart
CLOSE_POLICY = 1008  # not allowed: another site, no sign-in, a revoked link
CLOSE_BUSY = 1013  # try again later: the service runs as many live sets as it can
#: the most text a control message may have
MAX_CONTROL_CHARS = 2000


# -- pages -----------------------------------------------------------------------------------


def _page_config(*, socket: str, back: str, athletes: list[dict[str, str]] | None) -> dict[str, Any]:
    from formcheck.landmarks import SKELETON
    from formcheck.live import SHOW_FAULTS_S, hold_marks_s

    return {
        "socket": socket,
        "back": back,
        "drills": [{"id": d["id"], "name": d["name"]} for d in drill_choices()],
        "hold_marks_s": list(hold_marks_s()),
        "show_faults_s": SHOW_FAULTS_S,
        # the bones the page draws, as the annotated video draws them
        "skeleton": [list(pair) for pair in SKELETON],
        "min_visibility": 0.3,
        # the coach picks whose history a saved set goes to; an athlete saves to their own
        "athletes": athletes,
    }


@router.get("/a/{token}/live", response_class=HTMLResponse, include_in_schema=False)
def athlete_live_page(request: Request, token: str, athlete: InvitedAthlete) -> HTMLResponse:
    config = _page_config(socket=f"/api/a/{token}/live", back=f"/a/{token}", athletes=None)
    context = {"who": athlete.name, "home": f"/a/{token}", "config": config,
               "drills": config["drills"]}
    return request.app.state.templates.TemplateResponse(request, "live.html", context)


@router.get("/live", response_class=HTMLResponse, include_in_schema=False)
def coach_live_page(request: Request, coach: Coached, athlete: str = "") -> HTMLResponse:
    store: Store = request.app.state.store
    athletes = [{"id": a.id, "name": a.name, "selected": a.id == athlete}
                for a in service.coach_athletes(store, coach.id) if a.revoked_at is None]
    config = _page_config(socket="/api/live", back="/", athletes=athletes)  # type: ignore[arg-type]
    context = {"who": coach.name or coach.email, "home": "/", "config": config,
               "drills": config["drills"]}
    return request.app.state.templates.TemplateResponse(request, "live.html", context)


# -- the sockets -----------------------------------------------------------------------------


@dataclass
class LiveSlots:
    """How many live sets run now, against the service's limit."""

    limit: int
    running: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def take(self) -> bool:
        async with self.lock:
            if self.running >= self.limit:
                return False
            self.running += 1
            return True

    async def give_back(self) -> None:
        async with self.lock:
            self.running -= 1


def slots(ws: WebSocket) -> LiveSlots:
    state = ws.app.state
    if not hasattr(state, "live_slots"):
        state.live_slots = LiveSlots(limit=state.config.live_sessions_limit)
    live: LiveSlots = state.live_slots
    return live


def same_origin(ws: WebSocket) -> bool:
    """A browser's socket comes from a page of this service (or a trusted origin): the
    cookie-authenticated socket must not be opened by another site's page."""
    origin = ws.headers.get("origin")
    if origin is None:
        return True  # not a browser (a browser always sends Origin on a WebSocket)
    host = ws.headers.get("host", "")
    config: ServerConfig = ws.app.state.config
    return urlsplit(origin).netloc == host or origin in config.trusted_origins


def _drill(ws: WebSocket) -> tuple[str, str]:
    drill = ws.query_params.get("drill", "auto")
    variant = ws.query_params.get("variant", "")
    return (drill if drill == "auto" or drill in DRILLS else "auto"), variant[:40]


@router.websocket("/api/a/{token}/live")
async def athlete_socket(ws: WebSocket, token: str) -> None:
    store: Store = ws.app.state.store
    try:
        athlete = athlete_by_token(store, token)
    except HTTPException:
        await ws.close(CLOSE_POLICY, "no such invite link (it may have been revoked)")
        return

    def saves_to(_asked: str | None) -> Athlete:
        return athlete

    await run_socket(ws, saves_to, page=f"/a/{token}/clips/")


@router.websocket("/api/live")
async def coach_socket(ws: WebSocket) -> None:
    store: Store = ws.app.state.store
    coach_id = ws.session.get("coach") if "session" in ws.scope else None
    coach = None
    if coach_id is not None:
        with store.session() as s:
            coach = s.get(Coach, coach_id)
    if coach is None:
        await ws.close(CLOSE_POLICY, "sign in first")
        return
    signed_in: Coach = coach

    def saves_to(asked: str | None) -> Athlete:
        if not asked:
            raise FormcheckError("pick the athlete whose history the set goes to")
        return service.coach_athlete(store, signed_in.id, asked)

    await run_socket(ws, saves_to, page="/clips/")


async def run_socket(ws: WebSocket, saves_to: Callable[[str | None], Athlete], *, page: str) -> None:
    """Accept the socket and run its sets until the page goes."""
    if not same_origin(ws):
        await ws.close(CLOSE_POLICY, "this page comes from another site")
        return
    await ws.accept()
    live = slots(ws)
    if not await live.take():
        await ws.send_json({"type": "busy", "message": "The server is running as many live "
                            "sets as it can: try again in a minute."})
        await ws.close(CLOSE_BUSY, "busy")
        return
    try:
        drill, variant = _drill(ws)
        await LiveSocket(ws, saves_to, page=page).run(drill, variant)
    finally:
        await live.give_back()


class LiveSocket:
    """One page's socket: a receiving task keeps the newest frame, this task analyses it."""

    def __init__(self, ws: WebSocket, saves_to: Callable[[str | None], Athlete], *,
                 page: str) -> None:
        self.ws = ws
        self.saves_to = saves_to
        self.page = page
        self.config: ServerConfig = ws.app.state.config
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live")
        self.newest: Any = None  # the frame waiting to be analysed (bytes), newest wins
        self.controls: list[dict[str, Any]] = []
        self.wake = asyncio.Event()
        self.closed = False
        self.dropped = 0
        self.session: Any = None

    async def _in_thread(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)

    async def run(self, drill: str, variant: str) -> None:
        receiver = asyncio.create_task(self._receive())
        try:
            await self._start(drill, variant)
            while not self.closed:
                await self.wake.wait()
                self.wake.clear()
                while not self.closed and (self.newest is not None or self.controls):
                    if self.newest is not None:
                        data, self.newest = self.newest, None
                        await self._frame(data)
                    elif self.controls:
                        await self._control(self.controls.pop(0))
        except WebSocketDisconnect:
            pass
        finally:
            receiver.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await receiver
            if self.session is not None:
                await self._in_thread(self.session.close)
            self.executor.shutdown(wait=False)

    async def _receive(self) -> None:
        try:
            while True:
                message = await self.ws.receive()
                if message["type"] == "websocket.disconnect":
                    break
                if message.get("bytes") is not None:
                    if self.newest is not None:
                        self.dropped += 1  # the server was busy: the newer frame wins
                    self.newest = message["bytes"]
                elif message.get("text") is not None:
                    text = message["text"][:MAX_CONTROL_CHARS]
                    with contextlib.suppress(ValueError):
                        control = json.loads(text)
                        if isinstance(control, dict):
                            self.controls.append(control)
                self.wake.set()
        finally:
            self.closed = True
            self.wake.set()

    async def _send(self, message: dict[str, Any]) -> None:
        if self.ws.application_state == WebSocketState.CONNECTED and not self.closed:
            with contextlib.suppress(RuntimeError, WebSocketDisconnect):
                await self.ws.send_text(json.dumps(message, separators=(",", ":")))

    async def _start(self, drill: str, variant: str) -> None:
        from formcheck.server.live_session import LiveSession

        if self.session is not None:
            await self._in_thread(self.session.close)
        self.session = await self._in_thread(
            lambda: LiveSession(self.config, drill=drill, variant=variant)
        )
        self.dropped = 0
        await self._send({"type": "ready", "drill": drill, "variant": variant,
                          "set": self.session.id})

    async def _frame(self, data: bytes) -> None:
        from formcheck.server.live_session import BadFrame, parse_frame

        try:
            frame = parse_frame(data)
            message = await self._in_thread(self.session.feed, frame)
        except BadFrame as err:
            await self._send({"type": "error", "message": str(err)})
            return
        message.update(sent=frame.sent_ms, dropped=self.dropped)
        await self._send(message)

    async def _control(self, control: dict[str, Any]) -> None:
        kind = control.get("type")
        if kind == "end":
            await self._send(await self._in_thread(self.session.end))
        elif kind == "restart":
            drill = str(control.get("drill") or "auto")
            drill = drill if drill == "auto" or drill in DRILLS else "auto"
            await self._start(drill, str(control.get("variant") or "")[:40])
        elif kind == "save":
            await self._save(control.get("athlete"))
        else:
            await self._send({"type": "error", "message": f"unknown message type {kind!r}"})

    async def _save(self, asked: Any) -> None:
        """The set, as the server analysed it, becomes a clip through the upload path."""
        from formcheck.server.uploads import accept

        session = self.session
        if not session.ended:
            await self._send(await self._in_thread(session.end))
        try:
            athlete = self.saves_to(str(asked) if asked else None)
        except (FormcheckError, HTTPException) as err:
            detail = err.detail if isinstance(err, HTTPException) else str(err)
            await self._send({"type": "save_failed", "message": str(detail)})
            return
        if session.spool.full or session.spool.frames < 2:
            await self._send({"type": "save_failed",
                              "message": session.spool.full or "no frames to save"})
            return
        config, store = self.config, self.ws.app.state.store
        queue: JobQueue = self.ws.app.state.queue
        drill = session.drill
        metadata = {"filename": f"live set {session.id}.mp4", "drill": drill, "side": "unknown"}
        path = None
        try:
            path = await self._in_thread(session.write_clip, config.uploads_dir)
            clip_id = await self._in_thread(accept, config, store, queue, athlete, path, metadata)
        except HTTPException as err:
            await self._send({"type": "save_failed", "message": str(err.detail)})
            return
        except OSError as err:
            log.exception("live set %s not saved", session.id)
            await self._send({"type": "save_failed", "message": f"could not write the set: {err.strerror}"})
            return
        finally:
            # not a tus upload, so no phone will ask to resume it: the clip's own copy is the one
            # kept (the retention sweep must find no second name of its bytes here)
            if path is not None:
                path.unlink(missing_ok=True)
        await self._send({"type": "saved", "clip": clip_id, "url": f"{self.page}{clip_id}"})
