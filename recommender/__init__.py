"""career-path: the app factory, a table of contents of the app's parts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from . import api, web
from .accounts import cli as accounts_cli
from .accounts.sso_settings import configure_sso
from .accounts.users import load_user
from .config import DEFAULTS, ENV_PREFIX
from .extensions import csrf, db, login_manager, mailman, migrate, recommender
from .http.errorhandlers import init_errorhandlers
from .http.hooks import ExcInfo, init_request_hooks, log_request_exception
from .http.ids import init_ids
from .http.oidc import init_oidc
from .http.sessions import init_sessions
from .mail import cli as mail_cli
from .mail.outbox import init_sending
from .mail.settings import configure_mail
from .reminders import cli as reminders_cli
from .saved_teams import cli as saved_teams_cli
from .store import cli as store_cli
from .store.db import configure_database


class App(Flask):
    """Flask, logging an unhandled exception with the request id that the client is given."""

    def log_exception(self, exc_info: ExcInfo) -> None:
        log_request_exception(self, exc_info)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create the app: defaults, then CAREER_PATH_* environment variables, then `config`."""
    app = App(__name__)
    configure(app, config)
    register_extensions(app)
    register_url_converters(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_request_hooks(app)
    register_commands(app)
    return app


def configure(app: Flask, config: Mapping[str, Any] | None) -> None:
    """Settings: the defaults, then CAREER_PATH_* variables, then `config`; the instance folder."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env(ENV_PREFIX)
    app.config.from_mapping(config or {})
    if app.config.get("INSTANCE_PATH"):  # CAREER_PATH_INSTANCE_PATH: another folder
        app.instance_path = str(app.config["INSTANCE_PATH"])
    app.json.sort_keys = False  # type: ignore[attr-defined]  # answer in the schemas' order


def register_extensions(app: Flask) -> None:
    """The rules (a broken rules directory raises RulesError here), the database, sign-in, CSRF,
    mail (MailSettingsError names a bad mail setting), single sign-on (SsoSettingsError names
    a bad setting; the provider is not asked anything yet)."""
    recommender.init_app(app)
    configure_database(app)
    db.init_app(app)
    migrate.init_app(app, db)
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    csrf.init_app(app)
    configure_mail(app)
    mailman.init_app(app)
    sso = configure_sso(app)
    if sso.issuer is not None:
        init_oidc(app, sso.issuer, sso.client_id, sso.client_secret, sso.scopes, sso.timeout)


def register_url_converters(app: Flask) -> None:
    """`<int:...>` in a route is a row id, 1 to 2**31 - 1: a larger one matches nothing (404)."""
    init_ids(app)


def register_blueprints(app: Flask) -> None:
    """Mount the JSON API on its OpenAPI document, the API's docs page, and the web pages."""
    document = api.document(app)  # /api/openapi.json
    for endpoints in (api.recommendations, api.team_plans, api.saved_teams, api.health):
        document.register_blueprint(endpoints)
    csrf.exempt(api.saved_teams)  # token-authenticated: no cookie for a forged request to ride
    for endpoints in (api.colleagues, api.overview):  # who has a team; the overview of every team
        document.register_blueprint(endpoints)
        csrf.exempt(endpoints)
    app.register_blueprint(api.docs)
    for pages in (
        web.pages,
        web.team_plans,
        web.auth,
        web.sso,
        web.teams,
        web.members,
        web.my,
        web.passwords,
        web.admin,
        web.sharing,
        web.overview,
        web.requests,
    ):
        app.register_blueprint(pages)


def register_errorhandlers(app: Flask) -> None:
    """Answer errors with the JSON envelope (API) or an HTML page in the site's look."""
    init_errorhandlers(app)


def register_request_hooks(app: Flask) -> None:
    """Request ids, access logging, security headers; sessions' cookies and trusted proxies;
    the mails a request queued, sent once it is over."""
    init_request_hooks(app)
    init_sessions(app)
    init_sending(app)


def register_commands(app: Flask) -> None:
    """The commands that need the app: `db` (Flask-Migrate's, and backup), users, tokens, teams
    (export and import, and re-planning stale members)."""
    """The commands that need the app: `db` (Flask-Migrate's, and backup), users, tokens, teams,
    mail."""
    store_cli.add_backup_command()
    app.cli.add_command(accounts_cli.users)
    app.cli.add_command(accounts_cli.tokens)
    store_cli.teams.add_command(saved_teams_cli.replan)
    app.cli.add_command(store_cli.teams)
    app.cli.add_command(mail_cli.mail)
    app.cli.add_command(reminders_cli.reminders)
