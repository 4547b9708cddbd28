"""Setting a password with a mailed link: an invitation (/invitations/<secret>) or a forgotten
password (/password/forgot, then /password/reset/<secret>).

Opening a link changes nothing (mail scanners open links); the form's POST spends it. The
secret is in the path: these pages are never cached, and no page sends a Referer.

With single sign-on on, an invitation also offers "Sign in with <name>" (signing in accepts
it). With password sign-in off (CAREER_PATH_PASSWORD_LOGIN=false) no page here sets a
password: an invitation offers only the button, the reset pages say to sign in with the
provider, and a form posted to any of them is refused (403).
"""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_user

from ..accounts import invitations, resets, signins
from ..accounts.links import LinkNotUsable
from ..accounts.passwords import MIN_PASSWORD_LENGTH
from ..accounts.resets import PER_ACCOUNT
from ..accounts.sso_settings import password_login
from ..store.errors import Invalid
from ..store.models import User
from .auth import protect

bp = Blueprint("passwords", __name__, template_folder="templates")
protect(bp)

SENT = (
    "If an account has the address {email}, we have sent it a link to set a new password. "
    "The link works once, for an hour. No mail? Check the spam folder, or ask an admin."
)


@bp.after_request
def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(LinkNotUsable)
def _unusable(error: LinkNotUsable) -> ResponseReturnValue:
    """A link that cannot be used: say why it may be, and what to do (404)."""
    forgot = request.path.startswith("/password/")
    return render_template("passwords/unusable.html", message=error.message, forgot=forgot), 404


@bp.before_request
def _passwords_off() -> ResponseReturnValue | None:
    """Without password sign-in, no page sets a password; an invitation still opens (offering
    single sign-on)."""
    if password_login() or (request.endpoint, request.method) == ("passwords.invitation", "GET"):
        return None
    page = render_template("passwords/no_passwords.html")
    return (page, 403) if request.method == "POST" else page


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot() -> ResponseReturnValue:
    """Ask for a link to set a new password: the same answer whether or not the account exists."""
    if request.method == "GET":
        return render_template("passwords/forgot.html", email="", error=None, sent=None)
    email = request.form.get("email", "").strip()
    if not email or len(email) > 254:
        error = "Give the email address of your account."
        return render_template("passwords/forgot.html", email="", error=error, sent=None), 422
    if not resets.request_reset(email, request.remote_addr):
        error = (
            f"This address asked for more than {PER_ACCOUNT} links in an hour, or too many "
            "requests came from your network. Wait an hour, then try again."
        )
        page = render_template("passwords/forgot.html", email=email, error=error, sent=None)
        return page, 429, {"Retry-After": str(int(resets.WINDOW.total_seconds()))}
    sent = SENT.format(email=email)
    return render_template("passwords/forgot.html", email="", error=None, sent=sent)


@bp.route("/password/reset/<secret>", methods=["GET", "POST"])
def reset(secret: str) -> ResponseReturnValue:
    """Set a new password with a mailed link; it ends the user's other sessions."""
    if request.method == "GET":
        if not resets.reset_link_open(secret):
            raise LinkNotUsable()
        return _form("Set a new password", "Set the new password")
    try:
        user = resets.reset(secret, *_passwords(), request.remote_addr)
    except Invalid as exc:
        return _form("Set a new password", "Set the new password", exc), 422
    return _signed_in(user, "after a password reset", "Your new password is set.")


@bp.route("/invitations/<secret>", methods=["GET", "POST"])
def invitation(secret: str) -> ResponseReturnValue:
    """Accept an invitation: set a password, and be signed in."""
    if request.method == "GET":
        found = invitations.invitation(secret)
        if found is None:
            raise LinkNotUsable()
        return _form("Welcome to career-path", "Set your password", email=found.user.email)
    try:
        user = invitations.accept(secret, *_passwords(), request.remote_addr)
    except Invalid as exc:
        return _form("Welcome to career-path", "Set your password", exc), 422
    return _signed_in(user, "with an invitation", "Welcome: your password is set.")


def _passwords() -> tuple[str, str]:
    return request.form.get("password", ""), request.form.get("password_again", "")


def _form(title: str, button: str, error: Invalid | None = None, email: str = "") -> str:
    return render_template(
        "passwords/set_password.html",
        title=title,
        button=button,
        email=email,
        error=error,
        min_length=MIN_PASSWORD_LENGTH,
    )


def _signed_in(user: User, how: str, message: str) -> ResponseReturnValue:
    session.clear()  # a fresh session (and CSRF token), as /login makes
    login_user(user)
    signins.signed_in(user, how, request.remote_addr)
    flash(message)
    return redirect(url_for("teams.index"), 303)
