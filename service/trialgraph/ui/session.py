"""Who is using the pages: sign-in with an API token into a session cookie, and protection of
every form POST against cross-site request forgery (CSRF).

The cookie is Flask's signed session (HttpOnly, SameSite=Lax, valid for SESSION_LIFETIME). It
holds a session id, never the token: the server keeps the session (trialgraph.web.sessions),
so signing out ends it for every copy of the cookie, and each request looks the session's token
hash up in the tokens file again, so a token removed from the file signs its sessions out. A request
that sends `Authorization: Bearer <token>` is that token's caller instead (scripts reading
the JSON twins) and needs no CSRF token, since a browser never adds that header by itself.
"""

import hashlib
import hmac
import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import g, request, session
from flask.blueprints import BlueprintSetupState

from trialgraph.ui import ui
from trialgraph.web.auth import ANONYMOUS, Caller, current_caller
from trialgraph.web.context import services
from trialgraph.web.errors import BadRequest

SESSION_LIFETIME = timedelta(hours=12)
SECRET_FILE = "session-secret"
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"


def session_secret(data_dir: Path) -> bytes:
    """The key that signs session cookies: kept in the data folder (mode 0600), so sessions
    survive a restart; made on first use."""
    path = data_dir / SECRET_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            return path.read_bytes()
        with os.fdopen(descriptor, "wb") as file:
            file.write(secrets.token_bytes(32))
    return path.read_bytes()


@ui.record_once
def configure(state: BlueprintSetupState) -> None:
    """Give the app its session key and cookie flags when the blueprint is registered."""
    app = state.app
    app.secret_key = session_secret(app.extensions["trialgraph"].settings.data_dir)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="trialgraph_session",
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
    )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _session_caller() -> Caller:
    """The caller of the server's session the cookie names, if that token still exists."""
    sid = session.get("sid")
    digest = services().sessions.token_of(sid) if sid else None
    if digest is None:
        session.pop("sid", None)
        return ANONYMOUS
    tokens = services().tokens
    tokens.refresh()
    for entry in tokens.entries:
        if hmac.compare_digest(entry["sha256"], digest):
            return Caller(entry["name"], entry["role"])
    services().sessions.end(sid)
    session.pop("sid", None)
    return ANONYMOUS


def uses_bearer() -> bool:
    """Whether this request names its caller in the Authorization header."""
    return "Authorization" in request.headers


@ui.before_request
def identify() -> None:
    """Set the request's caller (bearer token, else session) and check CSRF on POSTs."""
    if uses_bearer():
        current_caller()
    else:
        g.caller = _session_caller()
        if request.method == "POST":
            check_csrf()


def csrf_token() -> str:
    """This session's CSRF token (made on first use), for the forms of a page."""
    if CSRF_FIELD not in session:
        session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return session[CSRF_FIELD]


def check_csrf() -> None:
    """Raise BadRequest unless the POST carries this session's CSRF token."""
    expected = session.get(CSRF_FIELD)
    sent = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    if not expected or not hmac.compare_digest(sent, expected):
        raise BadRequest("the form's CSRF token is missing or out of date; reload the page")


def sign_in(token: str) -> Caller | None:
    """Start a session for a token; None if the token is unknown."""
    caller = services().tokens.caller(token.strip()) if token.strip() else None
    if caller is None:
        return None
    session.clear()
    session["sid"] = services().sessions.start(_digest(token.strip()))
    session[CSRF_FIELD] = secrets.token_urlsafe(32)
    g.caller = caller
    return caller


def sign_out() -> None:
    """End the session, on the server too."""
    if session.get("sid"):
        services().sessions.end(session["sid"])
    session.clear()
    g.caller = ANONYMOUS
