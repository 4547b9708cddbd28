"""The RSGI layer under the WSGI app: each request is read whole before a thread gets it."""

# granian's WSGI interface hands a request to a Python thread once its headers are in, and the
# thread then waits on the body: 64 clients sending their bodies slowly held every thread
# (bench/servers.py). Here the event loop reads each body (bounded in size and time) and only
# then runs the app in one of `threads` threads, so a slow client costs a coroutine, not a thread.

from __future__ import annotations

import asyncio
import io
import sys
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flask import Flask

# A client gets this long to send its whole body.
BODY_SECONDS = 30.0
# Answered on the event loop itself, never queued behind the threads' work: a load balancer's
# health check stays quick while every thread plans a large team (bench/saved_teams.py).
INLINE_PATHS = frozenset({"/healthz"})
# On the one answer given here, without the app.
_PLAIN_HEADERS = [
    ("content-type", "text/plain; charset=utf-8"),
    ("content-security-policy", "default-src 'none'; frame-ancestors 'none'"),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
]
Answer = tuple[int, list[tuple[str, str]], bytes]


class BufferedWSGI:
    """An RSGI app that reads each request's body, then calls the WSGI `app` in a thread."""

    def __init__(self, app: Flask, threads: int) -> None:
        self.app = app
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="app")
        # Twice the largest limit, so above every route's own (a roster's adds room for its
        # multipart envelope); the app holds each request to its own limit.
        self.max_body = 2 * max(app.config["MAX_CONTENT_LENGTH"], app.config["TEAM_MAX_BYTES"])

    async def __rsgi__(self, scope: Any, protocol: Any) -> None:
        """Answer one HTTP request."""
        if scope.proto != "http":
            return
        try:
            async with asyncio.timeout(BODY_SECONDS):
                body, size = await self._read_body(protocol)
        except TimeoutError:
            text = b"The request body did not arrive in time.\n"
            protocol.response_bytes(408, _PLAIN_HEADERS, text)
            return
        # The app answers what is wrong with the body, in its own envelope: a length past
        # its limit is a 413, a body shorter than its Content-Length a 400.
        declared = scope.headers.get("content-length")
        length = declared.strip() if declared is not None else str(size)
        environ = wsgi_environ(scope, body or b"", length)
        if scope.path in INLINE_PATHS and scope.method in ("GET", "HEAD"):
            status, headers, data = self._call(environ)  # a millisecond's work, no wait
        else:
            loop = asyncio.get_running_loop()
            status, headers, data = await loop.run_in_executor(self.pool, self._call, environ)
        protocol.response_bytes(status, headers, data)

    async def _read_body(self, protocol: Any) -> tuple[bytes | None, int]:
        """The body (None past max_body, where reading stops) and how many bytes came."""
        parts: list[bytes] = []
        size = 0
        async for chunk in protocol:
            size += len(chunk)
            if size > self.max_body:
                return None, size
            parts.append(chunk)
        return b"".join(parts), size

    def _call(self, environ: dict[str, Any]) -> Answer:
        """Run the WSGI app in this (pool) thread: its status, headers and whole body."""
        chunks: list[bytes] = []
        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc: Any = None) -> Any:
            started[:] = [status, headers]
            return chunks.append

        result: Iterable[bytes] = self.app(environ, start_response)
        try:
            chunks.extend(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status, headers = started
        return int(status.split(" ", 1)[0]), headers, b"".join(chunks)


def wsgi_environ(scope: Any, body: bytes, length: str) -> dict[str, Any]:
    """The WSGI environ (PEP 3333) of an RSGI HTTP scope: its body read, its length given."""
    server_name, _, server_port = scope.server.rpartition(":")
    client, _, client_port = scope.client.rpartition(":")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": scope.path.encode("utf-8").decode("latin-1"),
        "QUERY_STRING": scope.query_string,
        "SERVER_NAME": server_name,
        "SERVER_PORT": server_port,
        "SERVER_PROTOCOL": f"HTTP/{scope.http_version}",
        "REMOTE_ADDR": client,
        "REMOTE_PORT": client_port,
        "CONTENT_LENGTH": length,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for name, value in scope.headers.items():
        key = name.upper().replace("-", "_")
        if key in ("CONTENT_LENGTH", "TRANSFER_ENCODING"):
            continue  # the body is read: its length is the one given
        key = key if key == "CONTENT_TYPE" else f"HTTP_{key}"
        environ[key] = f"{environ[key]},{value}" if key in environ else value
    return environ
