"""`career-path serve`: run the HTTP service under granian, as bin/serve does."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from .. import create_app
from ..config import SERVE_DEFAULTS

# The factory of recommender/rsgi.py: the body read whole (http/rsgi.py), then the app in a thread.
APP_SPEC = "recommender.rsgi:create_rsgi_app"


def add_serve_parser(commands: Any) -> None:
    """Add the `serve` command; each flag defaults to an environment variable, then a default."""
    serve = commands.add_parser(
        "serve",
        help="run the HTTP service (granian: worker processes x app threads)",
        description="Run the web pages and the JSON API under granian. Flags win over the "
        "environment variables CAREER_PATH_HOST, CAREER_PATH_PORT (or PORT), "
        "CAREER_PATH_WORKERS and CAREER_PATH_THREADS.",
    )
    serve.add_argument("--host", default=_env("HOST"), help="address to bind (default %(default)s)")
    serve.add_argument("--port", type=_port, default=_env("PORT"), help="default %(default)s")
    serve.add_argument(
        "--workers", type=_count, default=_env("WORKERS"), help="processes (default %(default)s)"
    )
    serve.add_argument(
        "--threads",
        type=_count,
        default=_env("THREADS"),
        help="threads per process (default %(default)s)",
    )


def granian_argv(host: str, port: int, workers: int) -> list[str]:
    """The granian command line (after `python -m granian`) for these settings, as bin/serve's."""
    return [
        *("--interface", "rsgi", "--factory", "--no-ws", "--respawn-failed-workers"),
        *("--host", host, "--port", str(port), "--workers", str(workers)),
        APP_SPEC,
    ]


def cmd_serve(args: argparse.Namespace, rules_dir: Path) -> int:
    """Check the rules load, then replace this process with granian serving the app."""
    create_app({"RULES_DIR": rules_dir})  # a broken rule stops us here, in one line
    os.environ["CAREER_PATH_RULES_DIR"] = str(Path(rules_dir).resolve())
    os.environ["CAREER_PATH_THREADS"] = str(args.threads)  # read by create_rsgi_app
    argv = granian_argv(args.host, args.port, args.workers)
    os.execv(sys.executable, [sys.executable, "-m", "granian", *argv])
    return 0  # pragma: no cover  (execv does not return)


def _env(name: str) -> str:
    # Prefixed names: a bare HOST is often the machine's hostname (zsh sets it), which
    # would bind the service beyond this machine. PORT alone is the platforms' convention.
    fallback = os.environ.get("PORT") if name == "PORT" else None
    return os.environ.get(f"CAREER_PATH_{name}") or fallback or SERVE_DEFAULTS[name]


def _port(value: str | int) -> int:
    number = _int(value)
    if not 0 < number < 65536:
        raise argparse.ArgumentTypeError(f"not a port number: {value!r}")
    return number


def _count(value: str | int) -> int:
    number = _int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value!r}")
    return number


def _int(value: str | int) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
