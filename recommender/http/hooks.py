"""Per-request plumbing for every response: a request id, an access log line, security headers."""

from __future__ import annotations

import io
import logging
import re
import time
import uuid
from functools import cached_property
from types import TracebackType
from typing import IO
from urllib.parse import quote

from flask import Flask, Request, Response, current_app, g, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

REQUEST_ID_HEADER = "X-Request-ID"
# A client's id is echoed only if it is short and plain: it goes into logs and headers.
_CLIENT_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

access_log = logging.getLogger("recommender.access")

ExcInfo = tuple[type[BaseException], BaseException, TracebackType] | tuple[None, None, None]


class BoundedRequest(Request):
    """A request whose body is read whole and checked: 413 past the limit, 400 if cut short."""

    @cached_property
    def stream(self) -> IO[bytes]:
        """The body, where werkzeug would cut a chunked one short or pass a truncated one on."""
        limit = self.max_content_length  # read now: a view may have raised it (team rosters)
        length = self.content_length
        body = self.environ["wsgi.input"]
        # Only a server that ends the stream itself (granian does) may be read to its end.
        if "wsgi.input_terminated" not in self.environ:
            return super().stream
        if length is not None:
            if limit is not None and length > limit:
                raise RequestEntityTooLarge()
            data = body.read(length)
            if len(data) < length:
                raise BadRequest(f"The request body ended before its Content-Length ({length}).")
        elif limit is not None:  # chunked
            data = body.read(limit + 1)
            if len(data) > limit:
                raise RequestEntityTooLarge()
        else:
            return super().stream
        return io.BytesIO(data)


def init_request_hooks(app: Flask) -> None:
    """Give every request an id, log it once answered, and secure every response's headers."""
    app.request_class = BoundedRequest
    app.logger.setLevel(app.config["LOG_LEVEL"])
    app.before_request(_start)
    app.after_request(_finish)


def request_id() -> str:
    """This request's id: the client's X-Request-ID when it is plain enough, else a new one."""
    if "request_id" not in g:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = given if _CLIENT_ID.fullmatch(given) else uuid.uuid4().hex
    return str(g.request_id)


def log_request_exception(app: Flask, exc_info: ExcInfo) -> None:
    """Log an unhandled exception with the request id that the client was given."""
    app.logger.error(
        "request %s: unhandled exception on %s %s",
        request_id(),
        request.method,
        _printable_path(),
        exc_info=exc_info,
    )


def _start() -> None:
    g.request_started = time.perf_counter()
    request_id()


def _finish(response: Response) -> Response:
    response.headers[REQUEST_ID_HEADER] = request_id()
    _secure(response)
    started = g.get("request_started")
    elapsed_ms = (time.perf_counter() - started) * 1000 if started is not None else 0.0
    access_log.info(
        "request %s: %s %s -> %s in %.1f ms",
        request_id(),
        request.method,
        _printable_path(),
        response.status_code,
        elapsed_ms,
    )
    return response


def _secure(response: Response) -> None:
    config = current_app.config
    headers = response.headers
    headers.setdefault("Content-Security-Policy", config["CONTENT_SECURITY_POLICY"])
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", config["REFERRER_POLICY"])
    # For browsers that predate CSP frame-ancestors.
    headers.setdefault("X-Frame-Options", "DENY")


def _printable_path() -> str:
    # The path is decoded: quote it again so a %0A in a URL cannot forge a log line.
    path = quote(request.path, safe="/:@!$&'()*+,;=-._~")
    query = request.query_string.decode("latin-1")
    return f"{path}?{quote(query, safe='=&+%')}" if query else path
