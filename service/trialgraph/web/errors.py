"""One error shape for the whole API, `{"error": "...", "status": N}`, from a small hierarchy
whose classes know their HTTP status. Werkzeug's own HTTP errors (404, 405, 413) get the same
shape; any other exception is logged and answered 500 without its details."""

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException


class ApiError(Exception):
    """An error the client can act on; `status` is its HTTP status."""

    status = 400

    def __init__(self, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message, self.headers = message, headers or {}


class BadRequest(ApiError):
    status = 400


class Unauthorized(ApiError):
    status = 401

    def __init__(self, message: str) -> None:
        super().__init__(message, {"WWW-Authenticate": 'Bearer realm="trialgraph"'})


class Forbidden(ApiError):
    status = 403


class NotFound(ApiError):
    status = 404


class NotAcceptable(ApiError):
    status = 406


class Conflict(ApiError):
    status = 409


class PayloadTooLarge(ApiError):
    status = 413


class UnsupportedMediaType(ApiError):
    status = 415


class Unprocessable(ApiError):
    status = 422


class Unavailable(ApiError):
    status = 503


def error_response(message: str, status: int, headers: dict[str, str] | None = None) -> Response:
    """The JSON error body with its status."""
    response = jsonify({"error": message, "status": status})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def init_app(app: Flask) -> None:
    """Answer every error with the one JSON shape."""

    @app.errorhandler(ApiError)
    def api_error(error: ApiError) -> Response:
        return error_response(error.message, error.status, error.headers)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        headers = dict(error.get_headers()) if error.code == 405 else {}
        headers.pop("Content-Type", None)
        return error_response(error.description or error.name, error.code or 500, headers)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        app.logger.exception("unexpected error")
        return error_response("internal error", 500)
