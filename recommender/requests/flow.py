"""A plan sent to a manager, from request to decision: each step stored, kept in the request's
history and mailed, in one transaction with its mails (the outbox).

- send(): an employee (no account) sends the plan shown on /result: their name, e-mail and
  manager's e-mail; the request keeps the profile and the plan as shown. The manager gets a
  mail with a link; the employee a copy with a link to see the state and withdraw. Limited per
  address (accounts.limits); text from the sender is only ever shown escaped.
- decide(): the manager it was sent to (signed in) approves into one of their teams (the member
  is added with the profile and e-mail, and a private link is mailed to them), declines with a
  note, or asks for a change. An approval over the team's budget needs a confirmation, recorded.
- withdraw(): the employee, with their link, while it waits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..accounts import limits
from ..accounts.people import checked_email
from ..accounts.tokens import new_secret, token_hash
from ..mail import outbox
from ..mail.compose import compose, links_base
from ..recommendation import Recommender
from ..reminders import unsubscribe
from ..saved_teams import teams as saved
from ..schemas import PROFILE_FIELDS
from ..store import requests as rows
from ..store.db import utcnow
from ..store.errors import Invalid
from ..store.models import PlanRequest, Team, User

PER_ADDRESS = 5  # requests per employee address, and per manager address, in WINDOW
PER_CLIENT = 20  # requests per client address in WINDOW
WINDOW = timedelta(hours=1)
NAME_LENGTH = 200
NOTE_LENGTH = 2000
ACTIONS = {"approve": "approved", "decline": "declined", "changes": "changes"}


class TooMany(Exception):
    """Too many requests from this address, or to this manager: wait (429)."""


@dataclass(frozen=True)
class Sent:
    """A request sent: it, and the employee's link (shown once)."""

    request: PlanRequest
    status_url: str


def _name(value: Any) -> str:
    name = value.strip() if isinstance(value, str) else ""
    if not name or len(name) > NAME_LENGTH or any(ord(c) < 32 for c in name):
        raise Invalid("Give your name.", {"name": [f"Give your name (at most {NAME_LENGTH})."]})
    return name


def _address(value: Any, field: str) -> str:
    try:
        return checked_email(value if isinstance(value, str) else "")
    except Invalid:
        raise Invalid(
            f"Give a valid email address: {field}.", {field: ["Not a valid email address."]}
        ) from None


def plan_of(answer: dict[str, Any]) -> dict[str, Any]:
    """What a request keeps of the recommendation as shown."""
    routes = {r["route"]: r for r in answer["routes"]}
    chosen = routes.get(answer.get("recommended_route") or "") or {}
    return {
        "recommended_route": answer.get("recommended_route"),
        "rules_version": answer.get("rules_version"),
        "remaining_courses": chosen.get("remaining_courses", []),
        "estimated_cost": chosen.get("estimated_cost", {}),
        "exam_schedule": chosen.get("exam_schedule", []),
        "estimated_months": chosen.get("estimated_months"),
    }


def send(
    recommender: Recommender,
    form: dict[str, Any],
    profile: dict[str, Any],
    client: str | None,
) -> Sent:
    """Store the request, its first step and both mails (Invalid naming a field; TooMany)."""
    errors: dict[str, list[str]] = {}
    found: dict[str, str] = {}
    for field, check in (
        ("name", lambda v: _name(v)),
        ("email", lambda v: _address(v, "email")),
        ("manager_email", lambda v: _address(v, "manager_email")),
    ):
        try:
            found[field] = check(form.get(field))
        except Invalid as exc:
            errors.update(exc.errors)
    if errors:
        field = next(iter(errors))
        raise Invalid(f"The request is not valid: {field}: {errors[field][0]}", errors)
    keys = {
        f"request:from:{found['email']}": PER_ADDRESS,
        f"request:to:{found['manager_email']}": PER_ADDRESS,
        f"request:client:{client or 'unknown'}": PER_CLIENT,
    }
    if not limits.allow(keys, WINDOW):
        raise TooMany()
    answer = recommender.recommend(recommender.load_profile(profile))
    base = links_base(anonymous=True)
    token = new_secret()
    now = utcnow()
    request = rows.add_request(
        PlanRequest(
            token_hash=token_hash(token),
            name=found["name"],
            email=found["email"],
            manager_email=found["manager_email"],
            profile=answer["profile"],
            plan=plan_of(answer),
            status="pending",
            note="",
            created_at=now,
            over_budget_confirmed=False,
        )
    )
    rows.step(request, request.email, "sent", f"Sent to {request.manager_email}.", now)
    status_url = f"{base}/requests/status/{token}"
    _mail(
        request,
        request.manager_email,
        "request_manager",
        base,
        link=f"{base}/requests/{request.id}",
    )
    _mail(request, request.email, "request_copy", base, link=status_url)
    rows.save()
    return Sent(request, status_url)


def _mail(request: PlanRequest, to: str, name: str, base: str, **context: Any) -> None:
    """Queue the mail `name` about the request, unless `to` unsubscribed."""
    if unsubscribe.unsubscribed([to]):
        return
    stop = unsubscribe.link(to, base)
    composed = compose(
        name, request=request, plan=request.plan, base=base, unsubscribe=stop, **context
    )
    outbox.queue(name, to, composed, unsubscribe_url=stop)


def by_token(token: str) -> PlanRequest | None:
    """The request of an employee's link, or None."""
    return rows.request_by_token_hash(token_hash(token))


def withdraw(request: PlanRequest) -> None:
    """The employee withdraws a waiting request; the manager is told."""
    if request.status != "pending":
        raise Invalid("Only a waiting request can be withdrawn.", {"status": [request.status]})
    base = links_base(anonymous=True)
    request.status = "withdrawn"
    rows.step(request, request.email, "withdrawn", "Withdrawn by the employee.", utcnow())
    link = f"{base}/requests/{request.id}"
    _mail(
        request, request.manager_email, "request_step", base, link=link, said="Withdrawn", note=""
    )
    rows.save()


def visible_to(user: User, request: PlanRequest) -> bool:
    """Whether a signed-in user may see the request: the manager it was sent to, or an admin."""
    return user.email == request.manager_email or user.role == "admin"


def _decided(request: PlanRequest, action: str, note: str, now: datetime, user: User) -> None:
    request.status = ACTIONS[action]
    request.note = note
    request.decided_at, request.decided_by = now, user.email


def decide(
    recommender: Recommender,
    user: User,
    request: PlanRequest,
    action: str,
    note: str,
    team: Team | None = None,
    over_budget: bool = False,
    confirmed: bool = False,
) -> str | None:
    """Approve into `team`, decline or ask for a change; the member's private link on approval.

    Invalid if the request is not waiting, the action unknown, no team of the user's given for
    an approval, or an approval over budget not confirmed.
    """
    if user.email != request.manager_email:
        raise Invalid("Only the manager it was sent to decides.", {"request": ["Not yours."]})
    if request.status not in ("pending", "changes"):
        raise Invalid("This request is decided already.", {"status": [request.status]})
    if action not in ACTIONS:
        raise Invalid("Approve, decline or ask for a change.", {"action": ["Unknown action."]})
    note = (note or "").strip()[:NOTE_LENGTH]
    if action in ("decline", "changes") and not note:
        raise Invalid("Say why, in a note.", {"note": ["Give a note."]})
    base = links_base()
    now = utcnow()
    link = None
    if action == "approve":
        if team is None or team.owner_id != user.id:
            raise Invalid("Choose one of your teams.", {"team": ["Choose one of your teams."]})
        if over_budget and not confirmed:
            raise Invalid(
                "This approval goes over the team's budget: confirm it.",
                {"confirm_over_budget": ["Confirm the approval over budget."]},
            )
        profile = {
            k: v for k, v in request.profile.items() if k in PROFILE_FIELDS and v is not None
        }
        data = {**profile, "name": request.name, "email": request.email}
        # The decision is committed with the member it adds, in the member's transaction: a
        # failure after it cannot leave a member added to a request still waiting (approved
        # again, twice in the team), nor a request approved without its member.
        _decided(request, action, note, now, user)
        request.team_id = team.id
        request.over_budget_confirmed = over_budget and confirmed
        try:
            member = saved.add_member(recommender, team, data, user.email)
        except BaseException:
            rows.discard()
            raise
        request.member_id = member.id
        token = saved.create_member_link(member, user.email)
        link = f"{base}/my/{token}"
    else:
        _decided(request, action, note, now, user)
    said = {
        "approve": f"Approved into the team {team.name if team else ''}",
        "decline": "Declined",
        "changes": "A change is asked for",
    }[action]
    if request.over_budget_confirmed:
        said += " (over budget, confirmed)"
    rows.step(request, user.email, request.status, f"{said}. {note}".strip(), now)
    _mail(
        request,
        request.email,
        "request_step",
        base,
        link=link or "",
        said=said,
        note=note,
    )
    rows.save()
    return link
