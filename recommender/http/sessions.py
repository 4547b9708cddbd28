"""Sessions: the signing key, the session cookie's flags, and the proxies trusted to say HTTPS."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

SECRET_KEY_FILE = "secret_key"


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, Secure whenever the request itself is HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        secure = app.config["SECURE_COOKIES"]
        return bool(request.is_secure) if secure is None else bool(secure)


def init_sessions(app: Flask) -> None:
    """The signing key, HttpOnly and SameSite cookies, and ProxyFix when PROXY_FIX is set."""
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config["SESSION_COOKIE_SAMESITE"] or "Lax"
    proxies = int(app.config["PROXY_FIX"])
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    init_secret_key(app)
    app.session_interface = SessionInterface()


def init_secret_key(app: Flask) -> None:
    """SECRET_KEY from CAREER_PATH_SECRET_KEY, else one generated once into the instance folder."""
    if app.config.get("SECRET_KEY"):
        return
    path = Path(app.instance_path) / SECRET_KEY_FILE
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        # O_EXCL: of several workers starting at once, one writes the key and the rest read it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = _read_key(path)
    else:
        key = secrets.token_hex(32)
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
    app.config["SECRET_KEY"] = key


def _read_key(path: Path) -> str:
    # Another worker may have created the file a moment ago and not yet written it.
    for _ in range(50):
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.02)
    raise RuntimeError(f"the secret key file {path.name} in the instance folder is empty")
