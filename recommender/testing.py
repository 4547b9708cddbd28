"""Servers for the tests and the benchmarks, each on a free loopback port and stopped after.

serving() runs the service as bin/serve (or `career-path serve`) runs it; started() runs any
server command that listens on a given port (the benchmarks' candidates); app_server() puts an
app object behind werkzeug's threaded server (the browser tests); SMTPServer is a mail server
(aiosmtpd, of the test extra) that keeps what it receives. A server runs in a session of its
own, so that stopping it reaches its workers too. The app never imports this module.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

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


@contextmanager
def postgres_database(base_url: str, prefix: str) -> Iterator[str]:
    """The URL of a new, empty database on `base_url`'s PostgreSQL server (named `prefix` and
    a random part), dropped afterwards, for tests and benches."""
    import sqlalchemy as sa

    base = sa.make_url(base_url)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


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


# --- mail ----------------------------------------------------------------------------------

LINK = re.compile(r"https?://[^\s<>\"']+")


@dataclass
class ReceivedMail:
    """One mail the test server took: its envelope and the message, parsed."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage  # policy.default: get_body, iter_parts

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        assert part is not None, "the mail has no plain-text part"
        return str(part.get_content())

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        assert part is not None, "the mail has no HTML part"
        return str(part.get_content())

    @property
    def links(self) -> list[str]:
        """The links in the plain-text part, in order."""
        return LINK.findall(self.text)


class MailCatcher:
    """aiosmtpd's handler: keeps each mail parsed; answers 550 to the addresses in `refuse`."""

    def __init__(self) -> None:
        self.mails: list[ReceivedMail] = []
        self.refuse: set[str] = set()
        self._arrived = threading.Condition()

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's name)
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        with self._arrived:
            self.mails.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message))
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[ReceivedMail]:
        """The mails once `count` of them arrived (AssertionError after `timeout` seconds)."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.mails) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} mail(s), got {len(self.mails)}")
                self._arrived.wait(left)
            return list(self.mails)


async def _close_sessions(listening: Any, sessions: list[Any]) -> None:
    # Accept no more, but leave the server open: a connection accepted already is made whole
    # on a later turn, and would be left half-made (its transport never closed) if the server
    # closed first (asyncio's Server._attach asserts it is open). aiosmtpd closes it after.
    loop = asyncio.get_running_loop()
    for sock in listening.sockets:
        loop.remove_reader(sock.fileno())
    # Close each connection as it is made, a while; connection_lost runs on a later turn.
    for _ in range(20):
        for session in sessions:
            if session.transport is not None:
                session.transport.abort()
        await asyncio.sleep(0.005)


class SMTPServer:
    """An SMTP server on 127.0.0.1 that keeps what it receives; stop() and start() it again on
    the same port to play a mail server that is down for a while."""

    host = "127.0.0.1"

    def __init__(self, **smtp: Any) -> None:
        self.catcher = MailCatcher()
        self.port = 0
        self._smtp = smtp
        self._controller: Any = None
        self._sessions: list[Any] = []  # each connection's SMTP protocol, to close on stop

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        sessions = self._sessions

        class LoopbackController(Controller):
            """Bound to port 0, the kernel's free port: read it back before the ready probe
            (the stock probe would connect to port 0). Each connection's protocol is kept."""

            def _trigger_server(self) -> None:
                listening: Any = self.server  # an asyncio.Server, listening by now
                self.port = listening.sockets[0].getsockname()[1]
                super()._trigger_server()

            def factory(self) -> Any:
                session = super().factory()
                sessions.append(session)
                return session

        controller = LoopbackController(
            self.catcher, hostname=self.host, port=self.port, **self._smtp
        )
        controller.start()
        self.port = controller.port
        self._controller = controller

    def stop(self) -> None:
        """Stop accepting, then close the connections still open, then stop. aiosmtpd's stop
        leaves a connection that arrives while it stops to the garbage collector, whose
        "unclosed transport" warning would then fail whichever test happened to be running."""
        if self._controller is not None:
            controller = self._controller
            closing = asyncio.run_coroutine_threadsafe(
                _close_sessions(controller.server, self._sessions), controller.loop
            )
            closing.result(timeout=10)
            self._sessions.clear()
            self._controller.stop()
            self._controller = None

    @property
    def mails(self) -> list[ReceivedMail]:
        return self.catcher.mails

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[ReceivedMail]:
        return self.catcher.wait_for(count, timeout)

    def config(self, **more: Any) -> dict[str, Any]:
        """An app's settings to send here (CAREER_PATH_SMTP_* and the sender)."""
        return {
            "SMTP_HOST": self.host,
            "SMTP_PORT": self.port,
            "SMTP_TIMEOUT": 5,
            "MAIL_FROM": "career-path <noreply@career-path.test>",
            **more,
        }
