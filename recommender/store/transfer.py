"""A team as JSON data and back: `career-path teams export|import`, for moving or keeping a team."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ..extensions import db
from ..stored_text import storable_email
from .accounts import user_by_email
from .errors import Invalid
from .models import STATUSES, Event, Member, Progress, Team, User
from .teams import checked_name

EXPORT_FORMAT = "career-path-team"
EXPORT_VERSION = 1


def _time(value: datetime) -> str:
    return value.isoformat(timespec="microseconds")


def export_team(team: Team) -> dict[str, Any]:
    """The team as JSON data: everything but ids and private links (see import_team)."""
    return {
        "format": EXPORT_FORMAT,
        "format_version": EXPORT_VERSION,
        "owner": team.owner.email,
        "name": team.name,
        "version": team.version,
        "rules_version": team.rules_version,
        "settings": team.settings or {},
        "created_at": _time(team.created_at),
        "updated_at": _time(team.updated_at),
        "members": [
            {
                "name": m.name,
                "profile": m.profile,
                "extra": m.extra or {},
                "email": m.email,
                "shown_route": m.shown_route,
                "shown_rule": m.shown_rule,
                "progress": [
                    {
                        "course": p.course,
                        "status": p.status,
                        "date": p.date.isoformat(),
                        "recorded_by": p.recorded_by,
                        "recorded_at": _time(p.recorded_at),
                    }
                    for p in m.progress
                ],
            }
            for m in team.members
        ],
        "history": [
            {
                "member": _member_index(team, e.member_id),
                "actor": e.actor,
                "action": e.action,
                "text": e.text,
                "at": _time(e.at),
            }
            for e in team.history
        ],
    }


def _member_index(team: Team, member_id: int | None) -> int | None:
    return next((i for i, m in enumerate(team.members) if m.id == member_id), None)


def import_team(data: Any, owner: User | None = None) -> Team:
    """A team from export_team's data, owned by `owner` or else by the user it names."""
    try:
        return _import_team(data, owner)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        db.session.rollback()
        raise Invalid(f"Not a team export: {_reason(exc)}.") from None


def _reason(exc: Exception) -> str:
    return f"missing {exc}" if isinstance(exc, KeyError) else "a value has the wrong form"


def _import_team(data: Any, owner: User | None) -> Team:
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise Invalid(f"Not a team export: 'format' must be {EXPORT_FORMAT!r}.")
    if owner is None:
        owner = user_by_email(data["owner"])
        if owner is None:
            raise Invalid(f"No user {data['owner']}: add them first, or name another owner.")
    team = Team(
        owner=owner,
        name=checked_name(data["name"]),
        version=int(data["version"]),
        rules_version=data["rules_version"],
        settings=dict(data.get("settings") or {}) or None,
        created_at=datetime.fromisoformat(data["created_at"]),
        updated_at=datetime.fromisoformat(data["updated_at"]),
    )
    db.session.add(team)
    for position, m in enumerate(data["members"]):
        member = Member(
            position=position,
            name=checked_name(m["name"], "member name"),
            profile=dict(m["profile"]),
            extra=dict(m.get("extra") or {}) or None,
            email=_email(m.get("email")),  # exports before members' e-mails have none
            shown_route=m["shown_route"],
            shown_rule=m["shown_rule"],
        )
        for p in m["progress"]:
            member.progress.append(
                Progress(
                    course=str(p["course"]),
                    status=p["status"] if p["status"] in STATUSES else _bad(p["status"]),
                    date=date.fromisoformat(p["date"]),
                    recorded_by=str(p["recorded_by"]),
                    recorded_at=datetime.fromisoformat(p["recorded_at"]),
                )
            )
        team.members.append(member)
    db.session.flush()
    for e in data["history"]:
        index = e["member"]
        db.session.add(
            Event(
                team=team,
                member_id=team.members[index].id if index is not None else None,
                actor=str(e["actor"]),
                action=str(e["action"]),
                text=str(e["text"]),
                at=datetime.fromisoformat(e["at"]),
            )
        )
    db.session.commit()
    return team


def _bad(value: Any) -> str:
    raise ValueError(value)


def _email(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not storable_email(value) or "@" not in value:
        raise Invalid(f"Not an e-mail address in the export: {value!r}.")
    return value
