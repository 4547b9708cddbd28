"""A reminders run: what is due on a day, each mail stored once, then sent (or retried).

For every team, its stale kept plans are re-planned on the day (as a view would), and each
member with an e-mail gets what due.py finds due; the team's owner gets one digest a week
(who is behind, what is due, requests waiting), never one mail per event.

Never twice: each reminder is a row with a unique key (who, what, which window or week),
stored in the same transaction as its mail in the outbox; a second run, or one on another
server at the same time, meets the key and queues nothing. Never lost: the outbox keeps a
mail that could not go and the next run sends it again. Unsubscribed addresses get nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from ..extensions import db
from ..mail import outbox
from ..mail.compose import Composed, compose, links_base
from ..recommendation import Recommender
from ..saved_teams.plans import refresh
from ..store import reminders as rows
from ..store import requests as request_rows
from ..store.db import utcnow
from ..store.models import Member, Team
from ..team.budget import buy_by
from . import unsubscribe
from .due import Due, Exam, digest_key, due_on, week_of

UNDECIDED = timedelta(days=14)  # a plan request this old and undecided: its manager reminded

# The outbox's kinds of these mails.
MAIL_KINDS = {"buy_by": "reminder_buy_by", "opens": "reminder_opens", "closing": "reminder_closing"}


@dataclass(frozen=True)
class Outgoing:
    """A mail due: its key, kind, recipient and what it says."""

    key: str
    kind: str
    recipient: str
    composed: Composed
    unsubscribe_url: str
    request_id: int | None = None  # a plan request's reminder: noted on the request

    def describe(self) -> str:
        return f"{self.kind} to {self.recipient}: {self.composed.subject}"


@dataclass
class Run:
    """What a run found and did."""

    due: list[Outgoing] = field(default_factory=list)  # new, to be sent (or listed: dry run)
    queued: list[Outgoing] = field(default_factory=list)
    attempts: list[outbox.Attempt] = field(default_factory=list)


def early_saving(recommender: Recommender) -> float:
    """The saving of buying an exam before its window opens (the catalog's discount)."""
    offs = [d.amount_off for d in recommender.catalog.discounts.values() if d.only_before_window]
    return max(offs, default=0.0)


def waiting_requests(manager_email: str) -> list[str]:
    """The requests waiting for a manager, a line each."""
    return [
        f"{r.name} ({r.email}), sent {r.created_at:%d %b %Y}"
        for r in request_rows.pending_for(manager_email)
    ]


def find_due(recommender: Recommender, today: date) -> list[Outgoing]:
    """Every mail due on `today` not sent before, to an address that did not unsubscribe."""
    base = links_base()
    found: list[Outgoing] = []
    for team in rows.all_teams():
        members = rows.members_with_addresses(team.id)
        requests = waiting_requests(team.owner.email)
        if not members and not requests:
            continue
        refresh(recommender, team, today)
        mails = [
            (due, _member_mail(recommender, team, members, due, base))
            for due in _member_dues(team, members, today)
        ]
        sent = rows.known_keys(mail.key for _, mail in mails)
        found += _new(mail for _, mail in mails)
        # The digest tells the manager what is new (a member who unsubscribed too): what
        # their members were not reminded of before.
        told = [due for due, mail in mails if mail.key not in sent]
        digest = _digest(team, members, told, requests, today, base)
        if digest is not None:
            found += _new([digest])
    return found + _new(_undecided(today, base))


def _undecided(today: date, base: str) -> list[Outgoing]:
    """A reminder to the manager of each request undecided for UNDECIDED days (once; then
    admins see it on /requests)."""
    before = datetime.combine(today, time()) - UNDECIDED
    found = []
    for waiting in request_rows.undecided_before(before):
        stop = unsubscribe.link(waiting.manager_email, base)
        composed = compose(
            "request_reminder",
            request=waiting,
            plan=waiting.plan,
            link=f"{base}/requests/{waiting.id}",
            base=base,
            unsubscribe=stop,
        )
        key = f"request:{waiting.id}:undecided"
        found.append(
            Outgoing(key, "request_reminder", waiting.manager_email, composed, stop, waiting.id)
        )
    return found


def _new(outgoing: Iterable[Outgoing]) -> list[Outgoing]:
    """The mails not sent before, to addresses that did not unsubscribe."""
    mails = list(outgoing)
    sent = rows.known_keys(o.key for o in mails)
    stopped = rows.unsubscribed(o.recipient for o in mails)
    return [o for o in mails if o.key not in sent and o.recipient not in stopped]


def _member_dues(team: Team, members: list[Member], today: date) -> list[Due]:
    ids = {m.id for m in members}
    exams = [
        Exam(e.member_id, e.code, e.window_start, e.window_end, e.cents)
        for e in rows.exams_of(team.id)
        if e.member_id in ids
    ]
    results = [(p.member_id, p.course, p.date) for p in rows.results_of(team.id)]
    # A free exam has no early-purchase saving to remind of.
    return [d for d in due_on(today, exams, results) if d.kind != "buy_by" or d.exam.cents > 0]


def _member_mail(
    recommender: Recommender, team: Team, members: list[Member], due: Due, base: str
) -> Outgoing:
    member = next(m for m in members if m.id == due.exam.member_id)
    assert member.email is not None
    stop = unsubscribe.link(member.email, base)
    exam = due.exam
    composed = compose(
        "reminder",
        kind=due.kind,
        person=member.name,
        team=team.name,
        code=exam.code,
        window_start=exam.window_start,
        window_end=exam.window_end,
        buy_by=buy_by(exam.window_start),
        fee=_money(recommender, exam.cents / 100),
        saving=_money(recommender, early_saving(recommender)),
        base=base,
        unsubscribe=stop,
    )
    return Outgoing(due.key, MAIL_KINDS[due.kind], member.email, composed, stop)


def _digest(
    team: Team,
    members: list[Member],
    dues: list[Due],
    requests: list[str],
    today: date,
    base: str,
) -> Outgoing | None:
    owner = team.owner
    if not owner.active:
        return None
    behind = rows.behind_names(team.id, today)
    names = {m.id: m.name for m in members}
    lines = [f"{names[d.exam.member_id]}: {_what(d)}" for d in dues if d.exam.member_id in names]
    if not behind and not lines and not requests:
        return None
    stop = unsubscribe.link(owner.email, base)
    composed = compose(
        "digest",
        team=team.name,
        week=week_of(today),
        behind=behind,
        due=lines,
        requests=requests,
        link=f"{base}/teams/{team.id}",
        base=base,
        unsubscribe=stop,
    )
    return Outgoing(digest_key(team.id, today), "digest", owner.email, composed, stop)


def _what(due: Due) -> str:
    exam = due.exam
    if due.kind == "buy_by":
        return f"buy {exam.code} by {buy_by(exam.window_start):%d %b %Y} (early-purchase saving)"
    if due.kind == "opens":
        return f"{exam.code}'s window is open until {exam.window_end:%d %b %Y}"
    return f"{exam.code}: no result yet, the window closes {exam.window_end:%d %b %Y}"


def _money(recommender: Recommender, amount: float) -> str:
    currency = recommender.catalog.currency
    return f"${amount:,.0f}" if currency == "USD" else f"{amount:,.2f} {currency}"


def store(outgoing: list[Outgoing], today: date) -> list[Outgoing]:
    """Store each mail's reminder and queue it, one transaction each; the ones that were new
    (another run may have stored the same keys meanwhile)."""
    queued: list[Outgoing] = []
    for mail in outgoing:
        try:
            stored = outbox.queue(
                mail.kind, mail.recipient, mail.composed, unsubscribe_url=mail.unsubscribe_url
            )
            if rows.claim(mail.key, mail.kind, mail.recipient, today, stored.id):
                if mail.request_id is not None:
                    request_rows.mark_reminded(mail.request_id, utcnow())
                db.session.commit()
                queued.append(mail)
            else:
                db.session.rollback()  # sent by another run: its mail goes with the rollback
        except BaseException:
            db.session.rollback()
            raise
    return queued


def send(
    recommender: Recommender,
    today: date,
    *,
    dry_run: bool = False,
) -> Run:
    """Find what is due on `today`; unless `dry_run`, store it and send every reminder mail
    waiting (this run's and earlier ones' retries)."""
    run = Run(due=find_due(recommender, today))
    if dry_run:
        return run
    run.queued = store(run.due, today)
    # A run for a later day (--today) is that day for the retries' clock too.
    now = max(utcnow(), datetime.combine(today, time()))
    run.attempts = outbox.deliver(rows.waiting_mail_ids(), now=now, real_leases=True)
    return run
