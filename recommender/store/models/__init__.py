"""The stored data, one module an area: accounts (users, tokens, sign-in links, audit, rate
counts), teams (members, progress, history, shares, budgets, kept plans), mail (outbox,
reminders, unsubscribes) and requests. Every model is named here, so that one import makes
every table known to the metadata (Alembic's autogenerate compares all of them)."""

from .accounts import (
    LINK_PURPOSES,
    ROLES,
    ApiToken,
    AuditEntry,
    LoginFailure,
    OneTimeLink,
    RateCount,
    User,
)
from .mail import MAIL_STATUSES, OutboxMail, Reminder, Unsubscribe
from .requests import REQUEST_STATUSES, PlanRequest, RequestEvent
from .teams import (
    ACTIVE,
    COMPLETED,
    ERROR,
    STATUSES,
    Event,
    Member,
    MemberExam,
    MemberPlan,
    Progress,
    Team,
    TeamBudget,
    TeamShare,
)

__all__ = [
    "ACTIVE",
    "COMPLETED",
    "ERROR",
    "LINK_PURPOSES",
    "MAIL_STATUSES",
    "REQUEST_STATUSES",
    "ROLES",
    "STATUSES",
    "ApiToken",
    "AuditEntry",
    "Event",
    "LoginFailure",
    "Member",
    "MemberExam",
    "MemberPlan",
    "OneTimeLink",
    "OutboxMail",
    "PlanRequest",
    "Progress",
    "RateCount",
    "Reminder",
    "RequestEvent",
    "Team",
    "TeamBudget",
    "TeamShare",
    "Unsubscribe",
    "User",
]
