"""Saved teams: the database, accounts, sessions and CSRF; the models and queries live here."""

from __future__ import annotations

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from .db import db, init_db, init_secret_key
from .models import User

login_manager = LoginManager()
csrf = CSRFProtect()

# Settings this feature adds (CAREER_PATH_<NAME> overrides each, as for every setting).
STORE_DEFAULTS = {
    # True or false: the session cookie is Secure or not; None: Secure when the request came
    # over HTTPS (behind a proxy, with PROXY_FIX set, when the proxy says it did).
    "SECURE_COOKIES": None,
    # How many proxies in front set X-Forwarded-For/-Proto/-Host (0: trust none of them).
    "PROXY_FIX": 0,
    # The pages of saved teams check their forms themselves (csrf.protect() in their blueprint):
    # the anonymous pages hold no session and change nothing, and the API uses tokens.
    "WTF_CSRF_CHECK_DEFAULT": False,
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    # Over HTTPS Flask-WTF also wants a same-site Referer, which our Referrer-Policy
    # (no-referrer) means browsers never send: the token and SameSite=Lax protect the forms.
    "WTF_CSRF_SSL_STRICT": False,
}


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, Secure whenever the request itself is HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        secure = app.config["SECURE_COOKIES"]
        return bool(request.is_secure) if secure is None else bool(secure)


def init_store(app: Flask) -> None:
    """The database, the signing key, login sessions and CSRF protection for `app`."""
    for key, value in STORE_DEFAULTS.items():
        app.config.setdefault(key, value)
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config["SESSION_COOKIE_SAMESITE"] or "Lax"
    proxies = int(app.config["PROXY_FIX"])
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    if app.config.get("INSTANCE_PATH"):  # CAREER_PATH_INSTANCE_PATH: another folder
        app.instance_path = str(app.config["INSTANCE_PATH"])
    init_secret_key(app)
    app.session_interface = SessionInterface()
    init_db(app)
    login_manager.init_app(app)
    login_manager.login_view = "saved.login"
    login_manager.login_message = "Log in to see your teams."
    csrf.init_app(app)
    from .cli import init_cli  # the commands need the app factory, which imports this module

    init_cli(app)


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None
