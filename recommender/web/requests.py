"""Requests and reminders on the web ("requests"): one-click unsubscribes (/unsubscribe/<token>).

Opening an unsubscribe link changes nothing (mail scanners open links): the page's button, or
a mail client's one-click POST (RFC 8058, List-Unsubscribe-Post), unsubscribes. The POST needs
no CSRF token: the signed link is its own proof, and all it can do is stop mail.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask.typing import ResponseReturnValue

from ..extensions import csrf
from ..reminders import unsubscribe as unsubscribes

bp = Blueprint("requests", __name__, template_folder="templates")


@bp.after_request
def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str) -> ResponseReturnValue:
    """Ask (GET), or unsubscribe the link's address (POST: the button, or one click)."""
    email = unsubscribes.email_of(token)
    if email is None:
        abort(404)
    done = request.method == "POST"
    if done:
        unsubscribes.unsubscribe(email)
    return render_template("requests/unsubscribe.html", email=email, done=done, token=token)
