"""Candidate production servers side by side: speed, slow clients, own errors (not a test).

Run from a clean clone: bin/setup && .venv/bin/python bench/servers.py [--rounds 3]
(it first runs `bin/setup bench`, which adds waitress, a candidate bin/serve does not use).

Each candidate serves wsgi:app (the app bin/serve runs) with 8 Python threads for the app, on a
free loopback port, all started before the first figure and stopped at the end, whatever happens:

- gunicorn gthread, 2 workers x 4 threads: bin/serve's server before this comparison;
- granian (Rust HTTP), WSGI interface, 2 workers x 4 blocking threads: a thread gets a request
  once its headers are in, and then waits for its body;
- granian, RSGI interface, 2 workers: recommender/http/rsgi.py reads each body on the event loop,
  then runs the WSGI app in one of 4 threads (CAREER_PATH_THREADS), as bin/serve runs it;
- waitress (asyncore-style: reads a whole request before a thread gets it), 1 process x 8.

Figures, in one run:
- requests/s of GET /healthz and POST /api/v1/recommendations (64 mixed profiles) with wrk:
  16 connections, --seconds per endpoint, --rounds rounds that visit every server in turn (so
  the machine's other load falls on all of them alike), each server's best round;
- recommendations / the same server's /healthz, and recommendations / gunicorn gthread's;
- slow clients: 64 connections that each send one byte of a header every 2 s for
  --slow-seconds; meanwhile a normal /healthz and a recommendation, one after the other on fresh
  connections, every 0.25 s: the slowest answer (an unanswered one counts as over 2 s); then the
  same with 64 connections that send their headers at once and then a body byte every 2 s;
- the server's own error answers (a bad request line, a 100 KB URL, 200 headers): their status
  and whether they carry the security headers the app sets on every response.
Criteria: normal requests answered within 2 s with the slow clients open; recommendations at
least 0.9x gunicorn gthread's rate.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

from _common import ROOT, mixed_profiles
from _server import run_wrk, wrk_path

from recommender.testing import HOST, ServerDidNotStart, free_port, started

VENV = ROOT / ".venv" / "bin"
SLOW_CLIENTS = 64
PROFILE = json.dumps({"role": "agent", "lines": "personal", "years_experience": 4}).encode()
HEALTHZ = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
SECURITY_HEADERS = ("content-security-policy", "x-content-type-options")


def commands(port: int) -> dict[str, list[str]]:
    """Each candidate's command line, serving wsgi:app on `port`."""
    bind = f"{HOST}:{port}"
    return {
        "gunicorn gthread 2x4": [
            *(str(VENV / "gunicorn"), "--worker-class", "gthread", "--workers", "2"),
            *("--threads", "4", "--bind", bind, "--no-control-socket", "wsgi:app"),
        ],
        "granian wsgi 2x4": [
            *(str(VENV / "granian"), "--interface", "wsgi", "--workers", "2"),
            *("--blocking-threads", "4", "--no-ws", "--host", HOST, "--port", str(port)),
            "wsgi:app",
        ],
        "granian rsgi 2x4": [
            *(str(VENV / "granian"), "--interface", "rsgi", "--factory", "--workers", "2"),
            *("--no-ws", "--host", HOST, "--port", str(port)),
            "recommender.rsgi:create_rsgi_app",
        ],
        "waitress 1x8": [
            *(str(VENV / "waitress-serve"), "--threads", "8", f"--listen={bind}"),
            "--connection-limit=1000",
            "wsgi:app",
        ],
    }


@dataclass
class Candidate:
    name: str
    port: int
    rates: dict[str, list[float]] = field(default_factory=lambda: {"healthz": [], "reco": []})
    slow: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"


@contextmanager
def running(name: str, command: list[str], port: int) -> Iterator[Candidate]:
    """Start one candidate (recommender.testing.started); stop every process of it after."""
    env = {**os.environ, "CAREER_PATH_THREADS": "4"}  # the RSGI app's threads
    try:
        with started(command, port, env=env):
            yield Candidate(name, port)
    except ServerDidNotStart as exc:
        raise SystemExit(f"{name}: {exc}") from None


def exchange(port: int, data: bytes, timeout: float) -> bytes:
    """Send `data` on a fresh connection (asking it closed after) and read the answer."""
    with socket.create_connection((HOST, port), timeout=timeout) as sock:
        sock.sendall(data)
        out = b""
        try:
            while chunk := sock.recv(65536):
                out += chunk
        except OSError:  # a reset after the answer, or a timeout: keep what came
            pass
    return out


def request_seconds(port: int, data: bytes, timeout: float) -> tuple[float, int]:
    """(seconds, status) of one request on a fresh connection; status 0 if none came."""
    data = data.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n", 1)
    started = time.perf_counter()
    try:
        answer = exchange(port, data, timeout)
    except OSError:
        answer = b""
    seconds = time.perf_counter() - started
    try:
        return seconds, int(answer.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return seconds, 0


SLOW = {
    "headers": (b"", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 1000),
    "body": (
        b"POST /api/v1/recommendations HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n",
        b" " * 1000,
    ),
}


def slow_clients(candidate: Candidate, kind: str, seconds: float) -> None:
    """Normal requests' slowest answer while SLOW_CLIENTS connections dribble `kind`."""
    start, line = SLOW[kind]
    stop = threading.Event()
    sockets: list[socket.socket] = []
    for _ in range(SLOW_CLIENTS):
        try:
            sockets.append(socket.create_connection((HOST, candidate.port), timeout=2))
            sockets[-1].sendall(start)
        except OSError:
            break  # the server stopped accepting: the normal requests will show it

    def dribble() -> None:
        for byte in range(len(line)):
            for sock in sockets:
                try:
                    sock.send(line[byte : byte + 1])
                except OSError:
                    pass
            if stop.wait(2):
                return

    sender = threading.Thread(target=dribble)
    sender.start()
    time.sleep(1)  # let every slow connection be accepted and started
    reco = (
        b"POST /api/v1/recommendations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(PROFILE), PROFILE)
    )
    worst = {"healthz": 0.0, "reco": 0.0}
    count = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for name, data in (("healthz", HEALTHZ), ("reco", reco)):
            took, status = request_seconds(candidate.port, data, timeout=3)
            worst[name] = max(worst[name], took if status == 200 else float("inf"))
        count += 1
        time.sleep(0.25)
    stop.set()
    sender.join()
    for sock in sockets:
        sock.close()
    candidate.slow[kind] = {"worst": worst, "count": count, "open": len(sockets)}


def own_errors(candidate: Candidate) -> None:
    """The server's answers to requests the app never sees, and their security headers."""
    probes = {
        "bad line": b"GARBAGE\r\n\r\n",
        "100 KB URL": b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        "200 headers": b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
        + b"".join(b"X-H%d: v\r\n" % i for i in range(200))
        + b"\r\n",
    }
    for label, data in probes.items():
        try:
            answer = exchange(candidate.port, data, timeout=5)
        except OSError:
            answer = b""
        head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").lower()
        status = head.split(" ", 2)[1] if head.startswith("http/") else "none"
        secured = all(f"\r\n{h}:" in head for h in SECURITY_HEADERS)
        candidate.errors.append(f"{label} {status}{' +hdrs' if secured else ''}")


def report(candidates: list[Candidate]) -> None:
    """The table, and each criterion per candidate."""
    baseline = max(candidates[0].rates["reco"])
    print(
        f"{'server':22} {'healthz/s':>9} {'reco/s':>7} {'reco/hz':>7} {'vs gthr':>7} "
        f"{'slow headers: hz':>16} {'reco':>9} {'slow body: hz':>13} {'reco':>9}  "
        "own errors (status, +hdrs = security headers)"
    )
    for c in candidates:
        hz, reco = max(c.rates["healthz"]), max(c.rates["reco"])
        head, body = c.slow["headers"]["worst"], c.slow["body"]["worst"]
        print(
            f"{c.name:22} {hz:>9,.0f} {reco:>7,.0f} {reco / hz:>7.2f} {reco / baseline:>7.2f} "
            f"{_seconds(head['healthz']):>16} {_seconds(head['reco']):>9} "
            f"{_seconds(body['healthz']):>13} {_seconds(body['reco']):>9}  " + ", ".join(c.errors)
        )
    print(
        f"slow clients: {SLOW_CLIENTS} connections (opened: "
        + ", ".join(f"{c.slow[k]['open']}" for c in candidates for k in SLOW)
        + "); normal request pairs sent meanwhile: "
        + ", ".join(str(c.slow[k]["count"]) for c in candidates for k in SLOW)
    )
    print("rounds (healthz/s, reco/s):")
    for c in candidates:
        rounds = zip(c.rates["healthz"], c.rates["reco"], strict=True)
        print(f"  {c.name:20} " + "  ".join(f"{h:,.0f}/{r:,.0f}" for h, r in rounds))
    for c in candidates:
        reco = max(c.rates["reco"])
        slow_ok = {k: max(c.slow[k]["worst"].values()) <= 2 for k in SLOW}
        fast_ok = reco >= 0.9 * baseline
        verdict = "meets all" if all(slow_ok.values()) and fast_ok else "fails"
        print(
            f"{c.name}: slow headers {'ok' if slow_ok['headers'] else 'FAIL'}, "
            f"slow bodies {'ok' if slow_ok['body'] else 'FAIL'}, "
            f"throughput {reco / baseline:.2f}x gthread {'ok' if fast_ok else 'FAIL'}: {verdict}"
        )


def _seconds(value: float) -> str:
    return "no answer" if value == float("inf") else f"{value * 1000:,.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=5, help="per endpoint and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--slow-seconds", type=float, default=8)
    args = parser.parse_args()
    wrk_path()
    setup = subprocess.run([str(ROOT / "bin" / "setup"), "bench"], capture_output=True, text=True)
    if setup.returncode:
        sys.exit(f"bin/setup bench failed:\n{setup.stdout}{setup.stderr}")
    bodies = [json.dumps(p) for p in mixed_profiles(64)]
    urls = {"healthz": ("/healthz", None), "reco": ("/api/v1/recommendations", bodies)}
    with ExitStack() as stack:
        candidates: list[Candidate] = []
        for name in commands(0):
            port = free_port()
            candidates.append(stack.enter_context(running(name, commands(port)[name], port)))
        for c in candidates:  # warm up: every worker loads its caches
            for path, body in urls.values():
                run_wrk(c.base + path, body, seconds=2)
        for _ in range(args.rounds):
            for c in candidates:
                for name, (path, body) in urls.items():
                    c.rates[name].append(run_wrk(c.base + path, body, seconds=args.seconds)["rps"])
        for c in candidates:
            own_errors(c)
            for kind in SLOW:
                slow_clients(c, kind, args.slow_seconds)
    print(
        f"wrk: 16 connections, {args.seconds:g} s per endpoint x {args.rounds} rounds (best "
        f"shown); CPUs: {os.cpu_count()}"
    )
    report(candidates)


if __name__ == "__main__":
    sys.exit(main())
