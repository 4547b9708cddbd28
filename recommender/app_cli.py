"""`career-path db|users|tokens|teams|mail`: the click commands that need the app, and their group.

create_app's register_commands adds the commands to each app (Flask-Migrate's `db`, with the
store's `db backup`; accounts' `users` and `tokens`; the store's `teams`; mail's `mail`);
recommender.cli hands these command names here.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import Flask
from flask.cli import FlaskGroup

from .extensions import db

_apps: list[Flask] = []


def _create_app() -> Flask:
    from . import create_app  # the factory imports every layer: only when a command runs

    app = create_app()
    _apps.append(app)
    return app


def _close_apps() -> None:
    # A command's connections are closed when it ends, not left to the garbage collector.
    while _apps:
        with _apps.pop().app_context():
            db.session.remove()
            db.engine.dispose()


cli = FlaskGroup(
    name="career-path",
    create_app=_create_app,
    add_default_commands=False,
    add_version_option=False,
    load_dotenv=False,
    set_debug_flag=False,
)


def main(argv: Sequence[str]) -> int:
    """Run `career-path db|users|tokens|teams|mail ...`; return the exit status."""
    try:
        cli.main(args=list(argv), prog_name="career-path", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    finally:
        _close_apps()
    return 0
