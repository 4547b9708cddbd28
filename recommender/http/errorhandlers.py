"""HTTP errors: one JSON envelope for API clients, content negotiation for everything else."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask.globals import request_ctx
from markupsafe import escape
from marshmallow import Schema, fields
from werkzeug.exceptions import (
    BadHost,
    HTTPException,
    InternalServerError,
    RequestEntityTooLarge,
)

from ..errors import ProfileError, RosterError, field_errors
from ..store.errors import Forbidden, Invalid, NotFound, StaleVersion, StoreError
from .hooks import request_id
from .planning import RETRY_AFTER, PlanningBusy
from .rosters import roster_status

# Paths whose errors are always JSON, whatever the client accepts.
JSON_PATHS = ("/api", "/healthz")


class ErrorSchema(Schema):
    """The envelope of every API error."""

    code = fields.Integer(required=True, metadata={"description": "The HTTP status code."})
    status = fields.String(required=True, metadata={"description": "The HTTP status phrase."})
    message = fields.String(required=True, metadata={"description": "What went wrong."})
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        required=True,
        metadata={
            "description": "Messages for each offending field (empty when no field is at "
            "fault); `_schema` holds those about the body as a whole."
        },
    )


def init_errorhandlers(app: Flask) -> None:
    """Answer every HTTP error and every unhandled exception (as a 500) on `app`."""
    # Registered after flask-smorest's own HTTPException handler, so this one wins.
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_server_error)
    app.register_error_handler(StoreError, handle_store_error)
    app.register_error_handler(ProfileError, handle_invalid_profile)
    app.register_error_handler(RosterError, handle_roster_error)
    app.register_error_handler(PlanningBusy, handle_planning_busy)


def wants_json_response() -> bool:
    """Whether to answer an error as JSON: always under /api, else if the client prefers it."""
    path = request.path
    if any(path == p or path.startswith(p + "/") for p in JSON_PATHS):
        return True
    accept = request.accept_mimetypes
    return accept["application/json"] > accept["text/html"]


def error_response(
    status: int,
    message: str,
    errors: dict[str, list[str]] | None = None,
    headers: list[tuple[str, str]] | None = None,
) -> tuple[Response, int, list[tuple[str, str]]]:
    """The JSON error envelope {code, status, message, errors} as a response."""
    body = ErrorSchema().dump(
        {
            "code": status,
            "status": HTTPStatus(status).phrase,
            "message": message,
            "errors": errors or {},
        }
    )
    return jsonify(body), status, headers or []


def handle_http_error(error: HTTPException) -> Any:
    """Answer an HTTP error: the envelope for JSON clients, werkzeug's plain page otherwise."""
    # Keep the headers that matter (e.g. Allow on a 405), not werkzeug's HTML content type.
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    if not wants_json_response():
        return html_error_page(error.code or 500, _message(error), headers)
    # flask-smorest's abort(status, message=..., errors=...) and webargs' validation errors
    # (messages={location: {field: [...]}}) keep their details in error.data.
    data = getattr(error, "data", None) or {}
    errors = data.get("errors", data.get("messages", {}))
    if "errors" not in data and isinstance(errors, dict):
        errors = {k: v for location in errors.values() for k, v in _items(location)}
    message = str(data.get("message") or _message(error))
    return error_response(error.code or 500, message, field_errors(errors), headers)


def handle_server_error(error: InternalServerError) -> Any:
    """Answer an unexpected failure (Flask has logged it with the request id) without details."""
    if not wants_json_response():
        return html_error_page(500, "")
    message = (
        "The server failed to answer this request. It has been logged as request "
        f"{request_id()}; quote that id when reporting it."
    )
    return error_response(500, message)


def handle_store_error(error: StoreError) -> Any:
    """Answer the store's refusals: not found 404, not yours to change 403, a stale version 412,
    invalid input 422."""
    if isinstance(error, NotFound):
        return answer(404, error.message)
    if isinstance(error, Forbidden):
        return answer(403, error.message)
    if isinstance(error, StaleVersion):
        message = (
            f"The team changed since you read it (it is at version {error.current}): read it "
            "again, then retry the change. Nothing was changed."
        )
        return answer(412, message, headers=[("ETag", f'"{error.current}"')])
    return answer(422, error.message, error.errors if isinstance(error, Invalid) else {})


def handle_invalid_profile(error: ProfileError) -> Any:
    """Answer an invalid profile with 422, naming each offending field."""
    return answer(422, "The profile is invalid.", error.errors)


def handle_roster_error(error: RosterError) -> Any:
    """Answer a roster over TEAM_MAX_BYTES with 413, one that cannot be planned with 422."""
    return answer(roster_status(error), error.message, error.errors)


def handle_planning_busy(error: PlanningBusy) -> Any:
    """Answer 503 with Retry-After while every planning slot is taken."""
    return answer(503, error.message, headers=[("Retry-After", RETRY_AFTER)])


def answer(
    status: int,
    message: str,
    errors: dict[str, list[str]] | None = None,
    headers: list[tuple[str, str]] | None = None,
) -> Any:
    """An error answer: the JSON envelope for JSON clients, else an HTML page."""
    if not wants_json_response():
        return html_error_page(status, message, headers)
    return error_response(status, message, errors, headers)


HTML_TITLES = {
    403: "Not yours to change",
    404: "Page not found",
    405: "Not allowed here",
    500: "Something went wrong",
}


def html_error_page(status: int, message: str, headers: list[tuple[str, str]] | None = None) -> Any:
    """An error as an HTML page in the site's look, with headers such as Allow."""
    title = HTML_TITLES.get(status, HTTPStatus(status).phrase)
    if status >= 500:
        message = "The server failed to answer this request; it has been logged."
    elif status == 404:
        message = "We could not find that page."
    if request_ctx.url_adapter is None:  # no URL can be built (a Host that is no host name)
        page = BARE_PAGE.format(title=escape(title), message=escape(message))
        return page, status, headers or []
    body = render_template(
        "error.html",
        title=title,
        message=message,
        request_id=request_id() if status >= 500 else None,
    )
    return body, status, headers or []


# The error page without the site's look, whose links need a URL adapter.
BARE_PAGE = (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{title} · career-path'
    "</title></head><body><main><h1>{title}</h1><p>{message}</p></main></body></html>\n"
)


def _items(value: Any) -> list[tuple[Any, Any]]:
    return list(value.items()) if isinstance(value, dict) else [("_schema", value)]


def _message(error: HTTPException) -> str:
    if isinstance(error, BadHost):
        return "The Host header is not a valid host name."
    if isinstance(error, RequestEntityTooLarge):
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        return f"The request body is larger than the limit of {limit} bytes."
    return error.description or HTTPStatus(error.code or 500).phrase
