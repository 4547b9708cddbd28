"""career-path: the app factory, a table of contents of the app's parts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from .api import init_api
from .config import DEFAULTS, ENV_PREFIX
from .errorhandlers import init_errorhandlers
from .extensions import init_recommender
from .hooks import ExcInfo, init_request_hooks, log_request_exception
from .store import init_store
from .web import init_web
from .web.saved import bp as saved_pages


class App(Flask):
    """Flask, logging an unhandled exception with the request id that the client is given."""

    def log_exception(self, exc_info: ExcInfo) -> None:
        log_request_exception(self, exc_info)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create the app: defaults, then CAREER_PATH_* environment variables, then `config`."""
    app = App(__name__)
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env(ENV_PREFIX)
    app.config.from_mapping(config or {})
    app.json.sort_keys = False  # type: ignore[attr-defined]  # answer in the schemas' order
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_request_hooks(app)
    return app


def register_extensions(app: Flask) -> None:
    """Load the rules once per app (a broken rules directory raises RulesError here)."""
    init_recommender(app)
    init_store(app)  # the database, accounts, sessions, CSRF


def register_blueprints(app: Flask) -> None:
    """Mount the JSON API, its OpenAPI document and docs page, and the web pages."""
    init_api(app)
    init_web(app)
    app.register_blueprint(saved_pages)  # saved teams: /login, /logout, /teams, /my/<link>


def register_errorhandlers(app: Flask) -> None:
    """Answer errors with the JSON envelope (API) or an HTML page in the site's look."""
    init_errorhandlers(app)


def register_request_hooks(app: Flask) -> None:
    """Request ids, access logging and security headers on every response."""
    init_request_hooks(app)
