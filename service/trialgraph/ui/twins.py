"""Pages and their JSON twins: one view answers `/ui/x` with HTML and `/ui/x.json` with the
same data as JSON. Errors keep the API's JSON shape on twins and become pages in HTML (a
page that needs a sign-in sends the browser to the sign-in form)."""

from dataclasses import asdict, is_dataclass
from urllib.parse import urlsplit

from flask import Response, g, jsonify, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from trialgraph.ui import ui
from trialgraph.ui.session import csrf_token, uses_bearer
from trialgraph.web.auth import ANONYMOUS, ROLES
from trialgraph.web.errors import ApiError, error_response

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def twin(rule: str, **options):
    """Route a view at `rule` (HTML, fmt="html") and at `rule.json` (fmt="json")."""

    def register(view):
        ui.add_url_rule(rule, view_func=view, defaults={"fmt": "html"}, **options)
        ui.add_url_rule(f"{rule}.json", view_func=view, defaults={"fmt": "json"}, **options)
        return view

    return register


def plain(value: object) -> object:
    """Dataclasses, tuples and dicts as plain JSON values."""
    if is_dataclass(value) and not isinstance(value, type):
        return plain(asdict(value))
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def page(fmt: str, template: str, data: dict, status: int = 200, **html_only) -> Response:
    """The data as JSON (fmt "json"), or the template rendered with it and `html_only`."""
    if fmt == "json":
        response = jsonify(plain(data))
    else:
        response = Response(render_template(template, **data, **html_only))
    response.status_code = status
    return response


def wants_json() -> bool:
    return request.path.endswith(".json") or uses_bearer()


def local_target(target: str | None) -> str:
    """`target` if it is a path of this workspace, else the workspace's start page."""
    parts = urlsplit(target or "")
    if (
        parts.scheme
        or parts.netloc
        or not parts.path.startswith(ui.url_prefix + "/")
        or any(ord(char) < 0x20 or ord(char) == 0x7F for char in target or "")
    ):
        return url_for("ui.home")
    return target


def _error_page(message: str, status: int, headers: dict[str, str] | None = None) -> Response:
    if wants_json():
        return error_response(message, status, headers)
    if status == 401 and request.method == "GET":
        return redirect(url_for("ui.sign_in_page", next=request.full_path.rstrip("?")))
    response = Response(render_template("error.html", status=status, message=message))
    response.status_code = status
    return response


@ui.errorhandler(ApiError)
def api_error(error: ApiError) -> Response:
    return _error_page(error.message, error.status, error.headers)


@ui.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Response:
    return _error_page(error.description or error.name, error.code or 500)


@ui.after_request
def secure(response: Response) -> Response:
    """No framing, no inline script or style, no caching of pages (the stylesheet may be)."""
    response.headers.update(SECURITY_HEADERS)
    if request.endpoint != "ui.static":
        response.headers["Cache-Control"] = "no-store"
    return response


@ui.context_processor
def template_helpers() -> dict:
    """What every template may use: the caller, role checks and the CSRF token."""
    caller = g.get("caller", ANONYMOUS)
    return {"caller": caller, "may": caller.may, "roles": ROLES, "csrf_token": csrf_token}
