"""Single sign-on's pages: "Sign in with <name>" (POST /login/sso) and the provider's way back
(GET /login/sso/callback). Both are 404 while single sign-on is off.

The button is a form with this session's CSRF token (it works without JavaScript); its page
lets forms go to the provider (the Content-Security-Policy's form-action: a form posted here
that redirects there is, to the browser, a form sent there). Every failure is a page that says
what happened and what to do, with its status, and a failed sign-in in the audit log; never a
500. A sign-in makes a fresh session, as a password's does: /logout ends it.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import login_user

from ..accounts import sso
from ..accounts.sso_settings import SsoSettings, sso_settings
from ..http import oidc
from ..mail import mail_settings
from .auth import protect, safe_next

bp = Blueprint("sso", __name__, template_folder="templates")
protect(bp)

NEXT = "sso_next"  # where to go once signed in, kept in the session meanwhile


def _settings() -> SsoSettings:
    settings = sso_settings()
    if not settings.on:
        abort(404)
    return settings


@bp.app_template_global()
def sso_button() -> str | None:
    """The provider's name for a page's "Sign in with <name>" form (None: single sign-on is
    off); the page's answer then lets forms go to the provider."""
    settings = sso_settings()
    if not settings.on:
        return None
    g.sso_form = True
    return settings.name


@bp.after_app_request
def _let_forms_go_to_the_provider(response: Response) -> Response:
    if g.get("sso_form"):
        policy = current_app.config["CONTENT_SECURITY_POLICY"]
        origins = oidc.provider().form_origins()
        response.headers["Content-Security-Policy"] = oidc.allow_forms_to(policy, origins)
    return response


def _redirect_uri() -> str:
    """The address the provider sends the browser back to: it must be the registered one
    exactly, so it starts with CAREER_PATH_BASE_URL when that is set."""
    base = mail_settings().base_url
    if base:
        return base + url_for("sso.callback")
    return url_for("sso.callback", _external=True)


@bp.post("/login/sso")
def start() -> ResponseReturnValue:
    """Send the browser to the provider (state, nonce and PKCE kept in the session)."""
    settings = _settings()
    try:
        url = oidc.start(_redirect_uri())
    except oidc.ProviderError as exc:
        return _failed(settings, exc)
    session[NEXT] = safe_next(request.form.get("next"))
    if not oidc.same_origin(url, oidc.provider().issuer):
        # The page that posted let forms go to the issuer's origin only (the authorization
        # endpoint was not known yet): a link is no form, and goes anywhere.
        return render_template("auth/sso_continue.html", name=settings.name, url=url)
    return redirect(url, 303)


@bp.get("/login/sso/callback")
def callback() -> ResponseReturnValue:
    """Finish the sign-in the provider sent the browser back from."""
    settings = _settings()
    try:
        claims = oidc.finish()
    except oidc.ProviderError as exc:
        return _failed(settings, exc)
    try:
        user = sso.sign_in(claims, request.remote_addr)
    except sso.SsoRefused as exc:
        return _page(settings, exc.message, exc.status)
    next_url = session.get(NEXT) or safe_next(None)
    session.clear()  # a fresh session (and CSRF token) for the signed-in user
    login_user(user)
    return redirect(next_url, 303)


def _failed(settings: SsoSettings, error: oidc.ProviderError) -> ResponseReturnValue:
    current_app.logger.warning("single sign-on failed: %s", error.detail)
    sso.failed(error.detail, request.remote_addr)
    words = {"name": settings.name, "error": getattr(error, "error", "")}
    return _page(settings, error.message.format(**words), error.status)


def _page(settings: SsoSettings, message: str, status: int) -> ResponseReturnValue:
    page = render_template("auth/sso_failed.html", name=settings.name, message=message)
    return page, status
