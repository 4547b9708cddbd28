"""Servers for the tests and the benchmarks, each on a free loopback port and stopped after.

serving() runs the service as bin/serve (or `career-path serve`) runs it; started() runs any
server command that listens on a given port (the benchmarks' candidates); app_server() puts an
app object behind werkzeug's threaded server (the browser tests). A server runs in a session
of its own, so that stopping it reaches its workers too. The app never imports this module.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from werkzeug.serving import make_server

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent
BIN_SERVE = ROOT / "bin" / "serve"
UP_SECONDS = 120.0  # bin/serve may first set up .venv
STOP_SECONDS = 30.0


@dataclass(frozen=True)
class Served:
    """A running server: where it listens, the file its output goes to, its process id."""

    host: str
    port: int
    log: Path
    pid: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


class ServerDidNotStart(RuntimeError):
    """The server exited, or did not answer /healthz in time; the message ends with its log."""


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def career_path_serve(rules_dir: Path) -> list[str]:
    """The command line of `career-path serve` on `rules_dir`, from this Python."""
    return [sys.executable, "-m", "recommender.cli", "--rules-dir", str(rules_dir), "serve"]


@contextmanager
def serving(
    command: Sequence[str] = (str(BIN_SERVE),),
    *,
    workers: int = 1,
    threads: int = 4,
    log: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Iterator[Served]:
    """Run the service (bin/serve, or `command` taking its flags) on a free port until done;
    `env`: its whole environment (None: this process's), e.g. with CAREER_PATH_DATABASE_URL."""
    port = free_port()
    flags = ["--host", HOST, "--port", str(port), "--workers", str(workers)]
    argv = [*command, *flags, "--threads", str(threads)]
    with started(argv, port, log=log, env=env) as served:
        yield served


@contextmanager
def started(
    command: Sequence[str],
    port: int,
    *,
    log: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Iterator[Served]:
    """Run `command`, a server listening on `port`, until /healthz answers; stop it after.

    Its output goes to `log` (kept), else to a temporary file; ServerDidNotStart if it exits
    or does not answer within UP_SECONDS.
    """
    path = log or Path(tempfile.mkstemp(prefix="server-", suffix=".log")[1])
    try:
        with path.open("wb") as out:
            process = subprocess.Popen(
                list(command),
                cwd=ROOT,
                env=None if env is None else dict(env),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            served = Served(HOST, port, path, process.pid)
            _wait_until_up(served, process)
            yield served
        finally:
            _stop(process)
    finally:
        if log is None:
            path.unlink(missing_ok=True)


def _wait_until_up(served: Served, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + UP_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(served.url + "/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    tail = served.log.read_text(errors="replace")[-3000:]
    raise ServerDidNotStart(f"the server did not come up at {served.url}/healthz:\n{tail}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server's whole session: SIGTERM (a graceful stop), then SIGKILL what is left."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)  # any worker left behind
    except ProcessLookupError:
        pass
    process.wait()


@contextmanager
def app_server(app: Flask) -> Iterator[str]:
    """`app` behind werkzeug's threaded HTTP server on a free loopback port; yield its URL."""
    server = make_server(HOST, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
