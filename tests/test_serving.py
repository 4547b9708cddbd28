"""Hostile and slow requests against the real server, started as the README starts it."""

from __future__ import annotations

import asyncio
import io
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import icalendar
import pytest

from recommender.http import rsgi
from recommender.http.rsgi import BufferedWSGI, wsgi_environ
from recommender.testing import Served

PROFILE = {"role": "agent", "lines": "personal", "years_experience": 4}
NO_ROUTE = {
    "role": "underwriter",
    "lines": "commercial",
    "years_experience": 12,
    "designations": ["API", "CPCU"],
}
LIMIT = 1024 * 1024  # MAX_CONTENT_LENGTH's default
SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "x-frame-options")


class Answer:
    """A raw HTTP answer: status, headers (lower-case names) and body."""

    def __init__(self, raw: bytes) -> None:
        head, _, self.body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        self.status = int(lines[0].split(" ", 2)[1]) if lines[0].startswith("HTTP/") else 0
        self.headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in lines[1:])
        }

    def json(self) -> dict:
        return dict(json.loads(self.body))


def send(server: Served, data: bytes, timeout: float = 10, *, half_close: bool = False) -> Answer:
    """Send raw bytes on a fresh connection; read the answer until the server closes it."""
    with socket.create_connection((server.host, server.port), timeout=timeout) as sock:
        sock.sendall(data)
        if half_close:  # the client has no more to send
            sock.shutdown(socket.SHUT_WR)
        raw = b""
        try:
            while chunk := sock.recv(65536):
                raw += chunk
        except ConnectionResetError:
            pass  # some servers reset after answering a request they refused
    return Answer(raw)


def request(method: str, target: str, headers: dict[str, str] | None = None, body=b"") -> bytes:
    """A request's bytes, with a Host, Connection: close and any headers given."""
    lines = [f"{method} {target} HTTP/1.1", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in {"Host": "localhost", **(headers or {})}.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def chunked(body: bytes, size: int = 65536) -> bytes:
    """`body` in the chunked transfer coding."""
    parts = [
        b"%x\r\n%s\r\n" % (len(body[i : i + size]), body[i : i + size])
        for i in range(0, len(body), size)
    ]
    return b"".join(parts) + b"0\r\n\r\n"


def assert_secured(answer: Answer) -> None:
    for name in SECURITY_HEADERS:
        assert name in answer.headers, f"{name} missing on a {answer.status}"


@pytest.mark.slow
def test_a_host_label_over_63_characters_is_a_clean_400(served: Served) -> None:
    host = "a" * 64 + ".example"
    page = send(served, request("GET", "/", {"Host": host, "Accept": "text/html"}))
    assert page.status == 400
    assert page.headers["content-type"].startswith("text/html")
    assert b"The Host header is not a valid host name." in page.body
    assert_secured(page)
    api = send(served, request("GET", "/api/v1/catalog", {"Host": host}))
    assert api.status == 400
    assert api.json()["message"] == "The Host header is not a valid host name."
    assert_secured(api)
    assert "Traceback" not in served.log.read_text(errors="replace")


@pytest.mark.slow
def test_a_chunked_body_over_the_limit_is_413_and_a_small_one_is_read(served: Served) -> None:
    headers = {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
    # Valid JSON to its end, so that a body cut at the limit would not fail to parse.
    big = json.dumps(PROFILE).encode()[:-1] + b" " * LIMIT + b"}"
    answer = send(served, request("POST", "/api/v1/recommendations", headers, chunked(big)))
    assert answer.status == 413
    assert answer.json()["code"] == 413
    assert_secured(answer)
    small = json.dumps(PROFILE).encode()
    answer = send(served, request("POST", "/api/v1/recommendations", headers, chunked(small, 7)))
    assert answer.status == 200
    assert answer.json()["recommended_route"]


@pytest.mark.slow
def test_a_roster_past_its_own_limit_is_the_rosters_413(served: Served) -> None:
    roster = b"name,role,lines,years_experience\n" + b"m,agent,personal,4\n" * 300_000  # 5.7 MB
    for headers, body in (
        ({"Content-Type": "text/csv", "Content-Length": str(len(roster))}, roster),
        ({"Content-Type": "text/csv", "Transfer-Encoding": "chunked"}, chunked(roster)),
    ):
        answer = send(served, request("POST", "/api/v1/team-plans", headers, body))
        assert answer.status == 413
        assert "roster" in answer.json()["errors"]


@pytest.mark.slow
def test_a_body_cut_short_of_its_content_length_is_never_answered_as_whole(
    served: Served,
) -> None:
    body = json.dumps(PROFILE).encode()
    headers = {"Content-Type": "application/json", "Content-Length": str(len(body) + 100)}
    data = request("POST", "/api/v1/recommendations", headers, body)
    answer = send(served, data, half_close=True)
    assert answer.status in (0, 400)  # granian drops a connection the client ended early
    if answer.status:
        assert_secured(answer)


@pytest.mark.slow
@pytest.mark.parametrize(
    "data",
    [
        b"GARBAGE\r\n\r\n",
        request("GET", "/" + "a" * 100_000),
        request("GET", "/healthz", {f"X-Header-{n}": "v" for n in range(200)}),
        request("POST", "/api/v1/recommendations", {"Content-Length": "abc"}),
        request("POST", "/api/v1/recommendations", {"Content-Length": "5", "Content-length": "6"}),
    ],
    ids=["bad request line", "100 KB URL", "200 headers", "bad length", "two lengths"],
)
def test_errors_of_the_server_itself_are_4xx_and_secured_or_empty(
    served: Served, data: bytes
) -> None:
    answer = send(served, data)
    assert 400 <= answer.status < 500
    # granian answers these itself, with no way to add headers; it sends no body, so there is
    # nothing for a browser to render, sniff or frame. Anything with a body must be secured.
    if answer.body:
        assert_secured(answer)


@pytest.mark.slow
def test_the_calendar_of_a_profile_with_no_route_is_a_valid_calendar(served: Served) -> None:
    body = json.dumps(NO_ROUTE).encode()
    headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
    answer = send(served, request("POST", "/api/v1/recommendations/calendar", headers, body))
    assert answer.status == 200
    calendar = icalendar.Calendar.from_ical(answer.body)
    assert calendar.walk("VEVENT") == [] and len(calendar.walk("VJOURNAL")) == 1
    assert b"no route left to plan" in answer.body
    assert_secured(answer)
    query = (
        "role=underwriter&lines=commercial&years_experience=12&designations=API&designations=CPCU"
    )
    page = send(served, request("GET", f"/result.ics?{query}", {"Accept": "text/html"}))
    assert page.status == 200
    assert len(icalendar.Calendar.from_ical(page.body).walk("VJOURNAL")) == 1


@contextmanager
def slow_clients(served: Served, start: bytes, dribble: bytes, count: int = 64) -> Iterator[None]:
    """`count` connections that send `start`, then a byte of `dribble` every second."""
    sockets = [
        socket.create_connection((served.host, served.port), timeout=5) for _ in range(count)
    ]
    stop = threading.Event()

    def trickle() -> None:
        for byte in range(len(dribble)):
            for sock in sockets:
                try:
                    sock.send(dribble[byte : byte + 1])
                except OSError:
                    pass
            if stop.wait(1):
                return

    for sock in sockets:
        sock.sendall(start)
    sender = threading.Thread(target=trickle)
    sender.start()
    try:
        time.sleep(1)  # every slow connection accepted and started
        yield
    finally:
        stop.set()
        sender.join()
        for sock in sockets:
            sock.close()


def timed(served: Served, data: bytes) -> tuple[float, int]:
    started = time.perf_counter()
    answer = send(served, data, timeout=5)
    return time.perf_counter() - started, answer.status


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["headers", "body"])
def test_64_slow_clients_leave_normal_requests_answered_within_2_s(
    served: Served, kind: str
) -> None:
    if kind == "headers":
        start, dribble = b"GET /healthz HTTP/1.1\r\nHost: x\r\n", b"X-Slow: " + b"a" * 100
    else:
        start = request("POST", "/api/v1/recommendations", {"Content-Length": "100"})
        dribble = b" " * 100
    body = json.dumps(PROFILE).encode()
    reco = request(
        "POST",
        "/api/v1/recommendations",
        {"Content-Type": "application/json", "Content-Length": str(len(body))},
        body,
    )
    with slow_clients(served, start, dribble):
        answers = [
            timed(served, data) for _ in range(3) for data in (request("GET", "/healthz"), reco)
        ]
    assert [status for _, status in answers] == [200] * 6
    assert max(seconds for seconds, _ in answers) < 2


def test_a_streamed_body_is_held_to_the_limit_in_process(client) -> None:
    """The same checks through the test client, posing as a server that ends the stream."""
    terminated = {"wsgi.input_terminated": True}
    body = json.dumps(PROFILE).encode()
    big = body[:-1] + b" " * LIMIT + b"}"
    answer = client.post(
        "/api/v1/recommendations",
        input_stream=io.BytesIO(big),
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides=terminated,
    )
    assert answer.status_code == 413
    short = client.post(
        "/api/v1/recommendations",
        input_stream=io.BytesIO(body),
        content_type="application/json",
        environ_overrides={**terminated, "CONTENT_LENGTH": str(len(body) + 10)},
    )
    assert short.status_code == 400
    assert "ended before its Content-Length" in short.get_json()["message"]
    whole = client.post(
        "/api/v1/recommendations",
        input_stream=io.BytesIO(body),
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides=terminated,
    )
    assert whole.status_code == 200


class FakeHeaders(dict):
    """RSGI headers: a mapping with items() of (name, value)."""


class FakeScope:
    """An RSGI HTTP scope as granian gives it."""

    proto = "http"
    http_version = "1.1"
    scheme = "http"
    server = "127.0.0.1:8000"
    client = "127.0.0.1:50000"

    def __init__(self, method: str, path: str, query: str, headers: dict[str, str]) -> None:
        self.method, self.path, self.query_string = method, path, query
        self.headers = FakeHeaders(headers)


class FakeProtocol:
    """An RSGI HTTP protocol: the body in `chunks` (then, if `hang`, nothing ever again)."""

    def __init__(self, chunks: list[bytes], hang: bool = False) -> None:
        self.chunks, self.hang = chunks, hang
        self.answer: tuple[int, list[tuple[str, str]], bytes] | None = None

    async def __aiter__(self):  # type: ignore[no-untyped-def]
        for chunk in self.chunks:
            yield chunk
        if self.hang:
            await asyncio.sleep(3600)

    def response_bytes(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.answer = (status, headers, body)


def rsgi_answer(app, scope: FakeScope, protocol: FakeProtocol):  # type: ignore[no-untyped-def]
    asyncio.run(BufferedWSGI(app, threads=2).__rsgi__(scope, protocol))
    assert protocol.answer is not None
    return protocol.answer


def test_the_rsgi_layer_hands_the_app_the_whole_request(app) -> None:
    body = json.dumps(PROFILE).encode()
    scope = FakeScope(
        "POST",
        "/api/v1/recommendations",
        "",
        {"content-type": "application/json", "x-request-id": "rsgi-1"},
    )
    status, headers, data = rsgi_answer(app, scope, FakeProtocol([body[:10], body[10:]]))
    assert status == 200
    assert ("X-Request-ID", "rsgi-1") in headers
    assert json.loads(data)["recommended_route"]
    environ = wsgi_environ(FakeScope("GET", "/a b", "x=%41", {"host": "h"}), b"", "0")
    assert (environ["PATH_INFO"], environ["QUERY_STRING"], environ["HTTP_HOST"]) == (
        "/a b",
        "x=%41",
        "h",
    )


def test_the_rsgi_layer_gives_up_on_a_body_that_never_ends(
    app, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rsgi, "BODY_SECONDS", 0.2)
    scope = FakeScope("POST", "/api/v1/recommendations", "", {"content-length": "100"})
    status, headers, _ = rsgi_answer(app, scope, FakeProtocol([b"{"], hang=True))
    assert status == 408
    assert {name for name, _ in headers} >= set(SECURITY_HEADERS)


def test_the_health_check_is_answered_while_every_thread_is_busy(app) -> None:
    # Both threads held by slow work: /healthz is not queued behind them, an API call is.
    async def run() -> tuple[FakeProtocol, FakeProtocol]:
        layer = BufferedWSGI(app, threads=2)
        release = threading.Event()
        for _ in range(2):
            layer.pool.submit(release.wait, 10)
        health, other = FakeProtocol([]), FakeProtocol([])
        try:
            await asyncio.wait_for(
                layer.__rsgi__(FakeScope("GET", "/healthz", "", {}), health), timeout=2
            )
            with pytest.raises(TimeoutError):  # the threads' work first
                await asyncio.wait_for(
                    layer.__rsgi__(FakeScope("GET", "/api/v1/catalog", "", {}), other), 0.3
                )
        finally:
            release.set()
            layer.pool.shutdown(wait=True)
        return health, other

    health, other = asyncio.run(run())
    assert health.answer is not None and health.answer[0] == 200
    assert json.loads(health.answer[2]) == {"status": "ok"}
    assert other.answer is None
