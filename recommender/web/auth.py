"""Signing in: /login and /logout, and the CSRF guard of every page that keeps a session.

/login offers single sign-on's button when it is on (web/sso.py) and the password form unless
CAREER_PATH_PASSWORD_LOGIN is false; then a password posted to it is refused (403).
"""

from __future__ import annotations

import math
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError

from ..accounts import signins, throttle
from ..accounts.passwords import authenticate
from ..accounts.sso_settings import password_login
from ..accounts.users import end_sessions
from ..extensions import csrf

bp = Blueprint("auth", __name__, template_folder="templates")


def protect(blueprint: Blueprint) -> None:
    """Refuse every form post to `blueprint` without this session's CSRF token (400)."""
    blueprint.before_request(_check_csrf)
    blueprint.register_error_handler(CSRFError, _csrf_refused)


def _check_csrf() -> None:
    if request.method == "POST":
        csrf.protect()


def _csrf_refused(error: CSRFError) -> ResponseReturnValue:
    """A form without this session's token: say what to do, in the site's look."""
    page = render_template(
        "error.html",
        title="This form was not accepted",
        message="The form has expired or did not come from this site, so nothing was saved. "
        "Go back, reload the page and send it again.",
        request_id=None,
    )
    return page, 400


protect(bp)


@bp.app_template_global()
def password_sign_in() -> bool:
    """Whether pages offer signing in with a password (CAREER_PATH_PASSWORD_LOGIN)."""
    return password_login()


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a path on this site only (never another host)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/"):
            if not target.startswith("//") and "\\" not in target:
                return target
    return url_for("teams.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Log in with an email address and a password."""
    next_url = request.values.get("next", "")
    if request.method == "GET":
        return render_template("auth/login.html", email="", error=None, next=next_url)
    if not password_login():
        message = "Passwords are not used on this site: sign in with the button below."
        page = render_template("auth/login.html", email="", error=message, next=next_url)
        return page, 403
    email = request.form.get("email", "").strip()
    password = request.form.get("password", "")
    attempt = throttle.begin_login(email, request.remote_addr)
    if attempt.wait is not None:
        return _wait(attempt, email, next_url)
    user = authenticate(email, password) if email and password else None
    if user is None:
        throttle.login_failed(attempt)
        message = "That email address and password do not match an account."
        page = render_template("auth/login.html", email=email, error=message, next=next_url)
        signins.sign_in_failed(email, request.remote_addr)
        return page, 401
    throttle.login_succeeded(attempt)
    session.clear()  # a fresh session (and CSRF token) for the logged-in user
    login_user(user)
    signins.signed_in(user, "password", request.remote_addr)
    return redirect(safe_next(next_url), 303)


def _wait(attempt: throttle.Attempt, email: str, next_url: str) -> ResponseReturnValue:
    """429: too many wrong passwords; the page and Retry-After say how long to wait."""
    wait = attempt.wait or 1
    if attempt.slowed:
        message = (
            f"Too many wrong passwords for this account lately. Wait {wait} seconds, then try "
            "again."
        )
    else:
        message = (
            f"Too many wrong passwords in a row. Wait {math.ceil(wait / 60)} minutes, then try "
            "again (or ask an admin to check your account)."
        )
    page = render_template("auth/login.html", email=email, error=message, next=next_url)
    return page, 429, {"Retry-After": str(wait)}


@bp.route("/logout", methods=["GET", "POST"])
def logout() -> ResponseReturnValue:
    """Log out (a GET asks first: a link alone must not log anyone out)."""
    if request.method == "GET":
        return render_template("auth/logout.html")
    if current_user.is_authenticated:
        end_sessions(current_user._get_current_object())  # every copy of the cookie too
    logout_user()
    session.clear()
    flash("You are logged out.")
    return redirect(url_for("auth.login"), 303)
