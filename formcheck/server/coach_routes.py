"""The coach's side: sign in, the dashboard (athletes and every clip), an athlete's invite
link with its QR code and their progress across sessions, a clip's report with a note, the
CSV of an athlete's history, and the JSON API the same pages' data comes from.
"""

from __future__ import annotations

import io
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from formcheck.server import service
from formcheck.server.athlete_routes import annotated_video
from formcheck.server.auth import (
    Coached,
    CsrfChecked,
    authenticate,
    csrf_token,
    sign_in,
    sign_out,
)
from formcheck.server.config import ServerConfig
from formcheck.server.jobs import clip_dir
from formcheck.server.store import Athlete, Clip, Store

router = APIRouter()


def _state(request: Request) -> tuple[ServerConfig, Store]:
    return request.app.state.config, request.app.state.store


def base_url(request: Request) -> str:
    config: ServerConfig = request.app.state.config
    return config.public_url or str(request.base_url)


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    context = {"csrf": csrf_token(request), **context}
    return request.app.state.templates.TemplateResponse(request, name, context,
                                                        status_code=status)


def _clip_url(clip: Clip) -> str:
    return f"/clips/{clip.id}"


def progress_of(request: Request, athlete: Athlete) -> Any:
    from formcheck.server.progress import athlete_progress

    config, store = _state(request)
    return athlete_progress(service.history_entries(config, store, athlete.id))


# -- signing in ------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request) -> HTMLResponse:
    return _page(request, "login.html", {"error": None})


@router.post("/login", include_in_schema=False, dependencies=[CsrfChecked])
def login(request: Request, email: Annotated[str, Form()],
          password: Annotated[str, Form()]) -> Response:
    _, store = _state(request)
    coach = authenticate(store, email, password)
    if coach is None:
        return _page(request, "login.html", {"error": "wrong e-mail or password"}, status=401)
    sign_in(request, coach)
    return RedirectResponse("/", status_code=303)


@router.post("/logout", include_in_schema=False, dependencies=[CsrfChecked])
def logout(request: Request) -> Response:
    sign_out(request)
    return RedirectResponse("/login", status_code=303)


# -- pages -----------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def dashboard(request: Request, coach: Coached) -> HTMLResponse:
    _, store = _state(request)
    athletes = service.coach_athletes(store, coach.id)
    rows = service.coach_clips(store, coach.id)
    counts: dict[str, int] = {}
    for _clip, athlete in rows:
        counts[athlete.id] = counts.get(athlete.id, 0) + 1
    return _page(request, "dashboard.html", {
        "coach": coach,
        "athletes": [service.athlete_view(a, base_url=base_url(request),
                                          clips=counts.get(a.id, 0)) for a in athletes],
        "clips": [{**service.clip_view(c, url=_clip_url(c)), "athlete": a.name,
                   "athlete_url": f"/athletes/{a.id}"} for c, a in rows],
    })


@router.post("/athletes", include_in_schema=False, dependencies=[CsrfChecked])
def add_athlete(request: Request, coach: Coached, name: Annotated[str, Form()]) -> Response:
    _, store = _state(request)
    athlete = service.create_athlete(store, coach.id, name)
    return RedirectResponse(f"/athletes/{athlete.id}", status_code=303)


@router.get("/athletes/{athlete_id}", response_class=HTMLResponse, include_in_schema=False)
def athlete_page(request: Request, athlete_id: str, coach: Coached) -> HTMLResponse:
    from formcheck.server.progress_plots import progress_plots

    _, store = _state(request)
    athlete = service.coach_athlete(store, coach.id, athlete_id)
    progress = progress_of(request, athlete)
    clips = service.athlete_clips(store, athlete.id)
    return _page(request, "athlete.html", {
        "coach": coach,
        "athlete": service.athlete_view(athlete, base_url=base_url(request), clips=len(clips)),
        "clips": [service.clip_view(c, url=_clip_url(c)) for c in clips],
        "progress": progress,
        "plots": progress_plots(progress),
    })


@router.get("/athletes/{athlete_id}/qr.svg", include_in_schema=False)
def invite_qr(request: Request, athlete_id: str, coach: Coached) -> Response:
    """The invite link as a QR code, for the athlete's phone camera."""
    import segno

    _, store = _state(request)
    athlete = service.coach_athlete(store, coach.id, athlete_id)
    link = service.invite_url(athlete, base_url(request))
    if link is None:
        return Response(status_code=404)
    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="svg", scale=6, border=2, xmldecl=False,
                                     dark="#111", light="#fff")
    return Response(out.getvalue(), media_type="image/svg+xml",
                    headers={"Cache-Control": "no-store"})


@router.post("/athletes/{athlete_id}/invite", include_in_schema=False,
             dependencies=[CsrfChecked])
def renew_invite(request: Request, athlete_id: str, coach: Coached) -> Response:
    _, store = _state(request)
    service.new_invite(store, coach.id, athlete_id)
    return RedirectResponse(f"/athletes/{athlete_id}", status_code=303)


@router.post("/athletes/{athlete_id}/revoke", include_in_schema=False,
             dependencies=[CsrfChecked])
def revoke(request: Request, athlete_id: str, coach: Coached) -> Response:
    _, store = _state(request)
    service.revoke_invite(store, coach.id, athlete_id)
    return RedirectResponse(f"/athletes/{athlete_id}", status_code=303)


@router.get("/athletes/{athlete_id}/history.csv", include_in_schema=False)
def history_csv(request: Request, athlete_id: str, coach: Coached) -> Response:
    from formcheck.report.csvout import rows_to_csv
    from formcheck.server.progress import HISTORY_COLUMNS, history_rows

    config, store = _state(request)
    athlete = service.coach_athlete(store, coach.id, athlete_id)
    rows = history_rows(service.history_entries(config, store, athlete.id), athlete=athlete.name)
    safe = "".join(ch if ch.isalnum() else "-" for ch in athlete.name).strip("-") or "athlete"
    return Response(rows_to_csv(rows, HISTORY_COLUMNS), media_type="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{safe}-history.csv"'})


@router.get("/clips/{clip_id}", response_class=HTMLResponse, include_in_schema=False)
def clip_page(request: Request, clip_id: str, coach: Coached) -> HTMLResponse:
    config, store = _state(request)
    clip, athlete = service.coach_clip(store, coach.id, clip_id)
    return _page(request, "clip.html", {
        "coach": coach,
        "athlete": service.athlete_view(athlete, base_url=base_url(request)),
        "clip": service.clip_view(clip, url=_clip_url(clip)),
        "progress_now": service.job_status(store, clip.id),
        "report": service.report_dict(config, clip),
        "video_url": f"/clips/{clip.id}/video" if clip.video_status == "done" else None,
        "html_url": f"/clips/{clip.id}/report.html"
        if (clip_dir(config, clip.id) / "report.html").is_file() else None,
    })


@router.post("/clips/{clip_id}/note", include_in_schema=False, dependencies=[CsrfChecked])
def note(request: Request, clip_id: str, coach: Coached,
         text: Annotated[str, Form(max_length=5000)] = "") -> Response:
    _, store = _state(request)
    service.set_note(store, coach.id, clip_id, text)
    return RedirectResponse(f"/clips/{clip_id}", status_code=303)


@router.get("/clips/{clip_id}/video", include_in_schema=False)
def coach_video(request: Request, clip_id: str, coach: Coached) -> FileResponse:
    config, store = _state(request)
    clip, _ = service.coach_clip(store, coach.id, clip_id)
    return annotated_video(config, clip)


@router.get("/clips/{clip_id}/report.html", include_in_schema=False)
def desktop_report(request: Request, clip_id: str, coach: Coached) -> Response:
    """The full desktop report (`formcheck analyze --html`), sandboxed: it carries its own
    inline script and styles, so it runs as an opaque origin with no cookie or API."""
    from formcheck.server.app import SANDBOXED_POLICY

    config, store = _state(request)
    clip, _ = service.coach_clip(store, coach.id, clip_id)
    path = clip_dir(config, clip.id) / "report.html"
    if not path.is_file():
        return Response("the full report is not ready", status_code=404)
    return FileResponse(path, media_type="text/html",
                        headers={"Content-Security-Policy": SANDBOXED_POLICY})


# -- the JSON API ----------------------------------------------------------------------------


class NewAthlete(BaseModel):
    name: str = Field(min_length=1, max_length=200)


class Note(BaseModel):
    note: str = Field(max_length=5000)


@router.get("/api/session", tags=["coach"])
def session_info(request: Request, coach: Coached) -> dict[str, Any]:
    """The signed-in coach and the CSRF token that state-changing calls send as X-CSRF-Token."""
    return {"coach": {"id": coach.id, "email": coach.email, "name": coach.name},
            "csrf": csrf_token(request)}


@router.get("/api/athletes", tags=["coach"])
def api_athletes(request: Request, coach: Coached) -> dict[str, Any]:
    _, store = _state(request)
    return {"athletes": [service.athlete_view(a, base_url=base_url(request))
                         for a in service.coach_athletes(store, coach.id)]}


@router.post("/api/athletes", tags=["coach"], status_code=201, dependencies=[CsrfChecked])
def api_add_athlete(request: Request, body: NewAthlete, coach: Coached) -> dict[str, Any]:
    _, store = _state(request)
    athlete = service.create_athlete(store, coach.id, body.name)
    return service.athlete_view(athlete, base_url=base_url(request), clips=0)


@router.get("/api/athletes/{athlete_id}", tags=["coach"])
def api_athlete(request: Request, athlete_id: str, coach: Coached) -> dict[str, Any]:
    _, store = _state(request)
    athlete = service.coach_athlete(store, coach.id, athlete_id)
    clips = service.athlete_clips(store, athlete.id)
    return {**service.athlete_view(athlete, base_url=base_url(request), clips=len(clips)),
            "clip_list": [service.clip_view(c, url=_clip_url(c)) for c in clips]}


@router.get("/api/athletes/{athlete_id}/progress", tags=["coach"])
def api_progress(request: Request, athlete_id: str, coach: Coached) -> dict[str, Any]:
    """Progress across sessions: longest hold per session against the 10 s / 20 s / 2 min
    marks, the progression reached, faults per rep per key point, left/right, and the next
    progression the article suggests."""
    from dataclasses import asdict

    _, store = _state(request)
    athlete = service.coach_athlete(store, coach.id, athlete_id)
    result: dict[str, Any] = asdict(progress_of(request, athlete))
    return result


@router.post("/api/athletes/{athlete_id}/revoke", tags=["coach"], dependencies=[CsrfChecked])
def api_revoke(request: Request, athlete_id: str, coach: Coached) -> dict[str, Any]:
    _, store = _state(request)
    athlete = service.revoke_invite(store, coach.id, athlete_id)
    return service.athlete_view(athlete, base_url=base_url(request))


@router.post("/api/athletes/{athlete_id}/invite", tags=["coach"], dependencies=[CsrfChecked])
def api_invite(request: Request, athlete_id: str, coach: Coached) -> dict[str, Any]:
    _, store = _state(request)
    athlete = service.new_invite(store, coach.id, athlete_id)
    return service.athlete_view(athlete, base_url=base_url(request))


@router.get("/api/clips", tags=["coach"])
def api_clips(request: Request, coach: Coached) -> dict[str, Any]:
    _, store = _state(request)
    return {"clips": [{**service.clip_view(c, url=_clip_url(c)), "athlete_id": a.id,
                       "athlete": a.name} for c, a in service.coach_clips(store, coach.id)]}


@router.get("/api/clips/{clip_id}", tags=["coach"])
def api_clip(request: Request, clip_id: str, coach: Coached) -> dict[str, Any]:
    config, store = _state(request)
    clip, athlete = service.coach_clip(store, coach.id, clip_id)
    return {**service.clip_view(clip, url=_clip_url(clip)), "athlete_id": athlete.id,
            "progress": service.job_status(store, clip.id),
            "report": service.report_dict(config, clip)}


@router.put("/api/clips/{clip_id}/note", tags=["coach"], dependencies=[CsrfChecked])
def api_note(request: Request, clip_id: str, body: Note, coach: Coached) -> dict[str, Any]:
    _, store = _state(request)
    clip = service.set_note(store, coach.id, clip_id, body.note)
    return service.clip_view(clip, url=_clip_url(clip))

