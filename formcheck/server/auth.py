"""Who is asking: a coach signed in with a password, or an athlete holding an invite link.

- Coaches: argon2id password hashes (argon2-cffi); the first account is made with
  `formcheck coach add`. A signed in coach has a session cookie signed with the service's key
  (itsdangerous, through Starlette's SessionMiddleware: HttpOnly, SameSite=Lax, Secure behind
  TLS), which holds the coach's id and a CSRF token.
- CSRF: every state-changing request of a coach must carry that token, as the form field
  ``csrf`` or the header ``X-CSRF-Token``, and come from the service's own origin when the
  browser says where it comes from.
- Athletes: the invite link's token (256 random bits) is the credential; a revoked or unknown
  token answers 404, as does anything of another athlete or another coach's athlete.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Depends, Header, HTTPException, Request
from sqlalchemy import func, select

from formcheck.errors import BadSettings
from formcheck.server.store import Athlete, Coach, Store

MIN_PASSWORD_CHARS = 10
_HASHER = PasswordHasher()
#: verified against when the e-mail is unknown, so a wrong address takes as long as a wrong
#: password
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


class NotSignedIn(Exception):
    """A coach's page or API asked for without a session (pages redirect, the API says 401)."""


def add_coach(store: Store, email: str, password: str, name: str = "") -> Coach:
    """Make a coach account. Raises `BadSettings` for a taken e-mail or a short password."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise BadSettings(f"{email!r} is not an e-mail address")
    if len(password) < MIN_PASSWORD_CHARS:
        raise BadSettings(f"the password needs at least {MIN_PASSWORD_CHARS} characters")
    with store.session() as s:
        if s.scalar(select(func.count()).select_from(Coach).where(Coach.email == email)):
            raise BadSettings(f"a coach with the e-mail {email} already exists")
        coach = Coach(email=email, name=name.strip(), password_hash=_HASHER.hash(password))
        s.add(coach)
    return coach


def authenticate(store: Store, email: str, password: str) -> Coach | None:
    """The coach with this e-mail and password, or None."""
    with store.session() as s:
        coach = s.scalar(select(Coach).where(Coach.email == email.strip().lower()))
        try:
            _HASHER.verify(coach.password_hash if coach else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        if coach is None:
            return None
        if _HASHER.check_needs_rehash(coach.password_hash):
            coach.password_hash = _HASHER.hash(password)
        return coach


def sign_in(request: Request, coach: Coach) -> None:
    """A fresh session for the coach (never one a visitor brought along)."""
    request.session.clear()
    request.session.update(coach=coach.id, csrf=secrets.token_urlsafe(32))


def sign_out(request: Request) -> None:
    request.session.clear()


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use (the login form has one too)."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def current_coach(request: Request) -> Coach:
    """The signed-in coach (a dependency); `NotSignedIn` otherwise."""
    coach_id = request.session.get("coach")
    if coach_id is None:
        raise NotSignedIn()
    with _store(request).session() as s:
        coach = s.get(Coach, coach_id)
    if coach is None:
        request.session.clear()
        raise NotSignedIn()
    return coach


async def check_csrf(
    request: Request, x_csrf_token: Annotated[str | None, Header()] = None
) -> None:
    """Refuse (403) a state-changing request without the session's CSRF token, or from a page
    of another origin."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    origin = request.headers.get("origin")
    allowed = {f"{request.url.scheme}://{request.url.netloc}",
               *request.app.state.config.trusted_origins}
    if origin is not None and origin not in allowed:
        raise HTTPException(403, "this request comes from another site")
    sent = x_csrf_token
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf")
        sent = value if isinstance(value, str) else None
    expected = request.session.get("csrf")
    if not sent or not expected or not hmac.compare_digest(str(sent), str(expected)):
        raise HTTPException(403, "the form has expired or did not come from this site: reload it")


Coached = Annotated[Coach, Depends(current_coach)]
CsrfChecked = Depends(check_csrf)


def athlete_by_token(store: Store, token: str) -> Athlete:
    """The athlete whose live invite link holds ``token``; 404 otherwise."""
    if not token or len(token) > 64:
        raise HTTPException(404, "no such invite link")
    with store.session() as s:
        athlete = s.scalar(select(Athlete).where(Athlete.invite_token == token))
    if athlete is None or athlete.revoked_at is not None:
        raise HTTPException(404, "no such invite link (it may have been revoked)")
    return athlete


def athlete_from_path(request: Request, token: str) -> Athlete:
    """The athlete of a /a/{token}/… page or API call."""
    return athlete_by_token(_store(request), token)


def athlete_from_header(
    request: Request, x_invite_token: Annotated[str | None, Header()] = None
) -> Athlete:
    """The athlete of a tus request (the page sends its token as ``X-Invite-Token``)."""
    return athlete_by_token(_store(request), x_invite_token or "")


InvitedAthlete = Annotated[Athlete, Depends(athlete_from_path)]
