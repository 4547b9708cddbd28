"""The admin pages, /admin: people (invite, roles, deactivation) and the audit log.

Admins only: a signed-in manager or adviser gets 404, as if the pages did not exist; someone
signed out is sent to log in. Every form carries a CSRF token and works without JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ..accounts import audit, invitations
from ..accounts import people as people_
from ..extensions import login_manager
from ..http.downloads import csv_download
from ..mail import NoBaseUrl, mail_settings
from ..store import outbox as outbox_rows
from ..store.errors import Invalid
from ..store.models import ROLES, User
from .auth import protect

bp = Blueprint("admin", __name__, template_folder="templates")

STATUS_WORDS = {
    "active": "Active",
    "invited": "Invited",
    "invitation expired": "Invitation expired",
    "deactivated": "Deactivated",
}
AUDIT_COLUMNS = ("id", "at_utc", "actor", "action", "subject", "detail", "address")


@bp.before_request
def _admins_only() -> ResponseReturnValue | None:
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role != "admin":
        abort(404)
    return None


protect(bp)  # after _admins_only: to anyone but an admin these pages do not exist, forms too


def _admin() -> User:
    user: User = current_user._get_current_object()
    return user


# --- people ---------------------------------------------------------------------------------


@bp.route("/admin/users", methods=["GET"])
def users() -> ResponseReturnValue:
    """Everyone with an account, the invitation form, and how mail is doing."""
    return _users_page()


def _users_page(error: Invalid | None = None, form: dict[str, str] | None = None) -> Any:
    page = render_template(
        "admin/users.html",
        people=people_.people(),
        roles=ROLES,
        status_words=STATUS_WORDS,
        mail=mail_settings(),
        counts=outbox_rows.status_counts(),
        troubled=outbox_rows.troubled_mails(),
        me=_admin(),
        error=error,
        form=form or {"email": "", "role": "manager"},
    )
    return page, 422 if error else 200


@bp.route("/admin/users", methods=["POST"])
def invite() -> ResponseReturnValue:
    """Invite a person by e-mail, with a role."""
    form = {"email": request.form.get("email", "").strip(), "role": request.form.get("role", "")}
    try:
        made = invitations.invite(_admin(), form["email"], form["role"], request.remote_addr)
    except Invalid as exc:
        return _users_page(exc, form)
    except NoBaseUrl as exc:
        return _users_page(Invalid(str(exc), {}), form)
    flash(_sent(f"Invited {made.user.email} as {made.user.role}."))
    return _back()


def _sent(done: str) -> str:
    if mail_settings().on:
        return f"{done} The mail is on its way."
    return f"{done} Mail is off, so the mail waits in the outbox: see Mail below."


def _back() -> ResponseReturnValue:
    return redirect(url_for("admin.users"), 303)


def _on_user(
    user_id: int, change: Callable[[User, User, str | None], object], done: str, mails: bool = False
) -> ResponseReturnValue:
    """change(admin, user, address), then say `done` (its {email} and {role} the user's, and
    where its mail went when it `mails`) back on the users' page; or show that page with the
    reason the change cannot be made."""
    target = people_.user(user_id)
    try:
        change(_admin(), target, request.remote_addr)
    except (Invalid, NoBaseUrl) as exc:
        return _users_page(exc if isinstance(exc, Invalid) else Invalid(str(exc), {}))
    said = done.format(email=target.email, role=target.role)
    flash(_sent(said) if mails else said)
    return _back()


@bp.route("/admin/users/<int:user_id>/role", methods=["POST"])
def change_role(user_id: int) -> ResponseReturnValue:
    """Give a user another role."""
    role = request.form.get("role", "")
    return _on_user(
        user_id,
        lambda admin, target, address: people_.change_role(admin, target, role, address),
        "{email} is now {role}.",
    )


@bp.route("/admin/users/<int:user_id>/deactivate", methods=["POST"])
def deactivate(user_id: int) -> ResponseReturnValue:
    """Deactivate a user: their sessions and API tokens stop at once; their teams stay."""
    done = "Deactivated {email}: signed out everywhere, API tokens revoked. Teams stay."
    return _on_user(user_id, people_.deactivate, done)


@bp.route("/admin/users/<int:user_id>/reactivate", methods=["POST"])
def reactivate(user_id: int) -> ResponseReturnValue:
    """Let a deactivated user sign in again."""
    return _on_user(user_id, people_.reactivate, "Reactivated {email}: they can sign in again.")


@bp.route("/admin/users/<int:user_id>/invitation", methods=["POST"])
def resend(user_id: int) -> ResponseReturnValue:
    """Send an invited user a new link (the old one stops working)."""
    done = "Sent {email} a new invitation; the old link stopped working."
    return _on_user(user_id, invitations.resend, done, mails=True)


# --- the audit log --------------------------------------------------------------------------


def _filters() -> tuple[str, str]:
    return request.args.get("person", "").strip()[:254], request.args.get("action", "").strip()


@bp.route("/admin/audit", methods=["GET"])
def audit_log() -> ResponseReturnValue:
    """The audit log, newest first, a page at a time; filtered by person or action."""
    person, action = _filters()
    raw = request.args.get("before", "")
    before = int(raw) if raw.isdigit() else None
    entries, older = audit.page(person, action, before)
    return render_template(
        "admin/audit.html",
        entries=entries,
        older=older,
        first_page=before is None,
        person=person,
        action=action,
        actions=sorted(set(audit.actions()) | set(audit.LABELS)),
        label=audit.label,
    )


@bp.route("/admin/audit.csv", methods=["GET"])
def audit_csv() -> ResponseReturnValue:
    """The audit log (with the page's filters) as a CSV file, every entry."""
    person, action = _filters()
    rows = (
        (e.id, f"{e.at:%Y-%m-%dT%H:%M:%SZ}", e.actor, e.action, e.subject, e.detail, e.address)
        for e in audit.everything(person, action)
    )
    return csv_download(AUDIT_COLUMNS, rows, "audit-log.csv")
