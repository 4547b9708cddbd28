"""`career-path reminders send` (issue 21) against a real SMTP server, on SQLite and PostgreSQL:
a simulated year (--today stepping a week at a time) with the exact mails expected, each sent
once however often the command runs (two processes at once too), a failed send retried by the
next run, --dry-run storing nothing, and one-click unsubscribes that later runs respect."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from flask import Flask

from recommender import saved_teams
from recommender.extensions import current_recommender, db
from recommender.store.models import Member, OutboxMail, Reminder, Team, User
from recommender.team import parse_roster
from recommender.testing import SMTPServer

BASE_URL = "https://career.example.com"  # org_app's (tests/store/conftest.py)

ROSTER = (
    "name,role,lines,years_experience,start_date,hours_per_week,email\n"
    "Ana Agent,agent,personal,2,2027-01-04,30,ana@example.com\n"
    "Carl Claims,claims,both,1,2027-01-04,5,\n"  # no address: never reminded
)
START = date(2027, 1, 4)  # a Monday


def _save_team(app: Flask) -> int:
    with app.app_context():
        ann = db.session.scalar(db.select(User).filter_by(email="ann@example.com"))
        team = saved_teams.create_from_roster(
            current_recommender(), ann, "Sales", parse_roster(ROSTER), START
        )
        return team.id


def _record(app: Flask, course: str, on: date) -> None:
    """Ana's manager records a pass, on the day of the simulated year."""
    with app.app_context():
        ana = db.session.scalar(db.select(Member).filter_by(name="Ana Agent"))
        saved_teams.record_progress(
            current_recommender(), ana, course, "passed", on, "ann@example.com", today=on
        )


def _weeks(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=7)


def _send(app: Flask, day: date, *more: str) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(
        args=["reminders", "send", "--today", day.isoformat(), *more]
    )
    return result.exit_code, result.output


def _year(app: Flask, passes: dict[date, str], twice: bool = False) -> list[str]:
    """Step through 2027 a week at a time, recording `passes` on their days; every output."""
    outputs = []
    for day in _weeks(START, date(2027, 12, 27)):
        if day in passes:
            _record(app, passes[day], day)
        code, output = _send(app, day)
        assert code == 0, output
        outputs.append(output)
        if twice:
            code, output = _send(app, day)
            assert (code, output.splitlines()[-1]) == (
                0,
                f"0 new reminder(s) on {day}; 0 mail(s) sent.",
            )
    return outputs


def test_a_year_of_reminders_each_mail_once(org_app: Flask, smtp_server: SMTPServer) -> None:
    _save_team(org_app)
    passes = {date(2027, 2, 15): "ETH 311", date(2027, 5, 10): "API 29"}
    _year(org_app, passes, twice=True)
    ana = [
        (m.subject, m.message["Date"])
        for m in smtp_server.mails
        if m.rcpt_tos == ["ana@example.com"]
    ]
    subjects = [subject for subject, _ in ana]
    # ETH 311 is free (no saving in buying it early) and passed on 15 Feb, before its window
    # closes: no closing reminder; API 29 is passed on 10 May: none in June either. Ana
    # studies 30 hours a week: several exams per window.
    assert subjects == [
        "Buy API 29 by 14 Jan 2027 to save $80",
        "Buy CPCU 555 by 14 Jan 2027 to save $80",
        "Buy CPCU 556 by 14 Jan 2027 to save $80",
        "The testing window for ETH 311 is open",
        "The testing window for API 29 is open",
        "The testing window for CPCU 555 is open",
        "API 29: the testing window closes on 15 Mar 2027",
        "Buy API 29 by 14 Apr 2027 to save $80",
        "Buy CPCU 555 by 14 Apr 2027 to save $80",
        "Buy CPCU 556 by 14 Apr 2027 to save $80",
        "The testing window for API 29 is open",
        "The testing window for CPCU 555 is open",
        "The testing window for CPCU 556 is open",
        "CPCU 555: the testing window closes on 15 Jun 2027",
        "Buy CPCU 555 by 14 Jul 2027 to save $80",
        "Buy CPCU 556 by 14 Jul 2027 to save $80",
        "The testing window for CPCU 555 is open",
        "The testing window for CPCU 556 is open",
        "CPCU 555: the testing window closes on 15 Sep 2027",
        "CPCU 556: the testing window closes on 15 Sep 2027",
        "Buy CPCU 555 by 14 Oct 2027 to save $80",
        "Buy CPCU 556 by 14 Oct 2027 to save $80",
        "The testing window for CPCU 555 is open",
        "The testing window for CPCU 556 is open",
        "CPCU 555: the testing window closes on 15 Dec 2027",
        "CPCU 556: the testing window closes on 15 Dec 2027",
    ]
    buy = next(m for m in smtp_server.mails if m.subject.startswith("Buy API 29 by 14 Apr"))
    assert "Buy the exam by 14 Apr 2027, before the window opens, to save $80" in buy.text
    # The manager: at most one digest a week per team, never one mail per event.
    digests = [m for m in smtp_server.mails if m.rcpt_tos == ["ann@example.com"]]
    weeks = [m.subject for m in digests]
    assert len(weeks) == len(set(weeks)) and digests
    assert all(m.subject.startswith("Sales: this week (2027-W") for m in digests)
    first = digests[0]
    assert "Ana Agent: buy API 29 by 14 Jan 2027 (early-purchase saving)" in first.text
    assert "Carl Claims" not in first.text  # not behind yet
    behind = [m.text.replace("\r\n", "\n") for m in digests]
    assert any("Behind their plan:\n- Ana Agent\n- Carl Claims\n" in text for text in behind)
    assert f"{BASE_URL}/teams/" in first.text
    assert not any("Carl" in m.rcpt_tos[0] for m in smtp_server.mails)
    # Every mail can be left in one click.
    for mail in smtp_server.mails:
        link = str(mail.message["List-Unsubscribe"]).strip()
        assert link.startswith(f"<{BASE_URL}/unsubscribe/"), link
        assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert link.strip("<>") in mail.text
    # Each day was run twice: the second run sent nothing (the reminders are stored once).
    with org_app.app_context():
        keys = [r.key for r in db.session.query(Reminder)]
    assert len(keys) == len(set(keys)) == len(smtp_server.mails)


def test_the_same_year_twice_over_sends_each_mail_once(
    org_app: Flask, smtp_server: SMTPServer
) -> None:
    _save_team(org_app)
    first = _year(org_app, {})
    count = len(smtp_server.mails)
    assert count > 20 and sum(o.count("sent mail") for o in first) == count
    again = _year(org_app, {})
    assert len(smtp_server.mails) == count
    assert all(out.startswith("0 new reminder(s)") for out in again), again[:3]


def test_an_unsubscribe_holds_for_later_runs(org_app: Flask, smtp_server: SMTPServer) -> None:
    _save_team(org_app)
    code, _ = _send(org_app, START)
    assert code == 0
    first = next(m for m in smtp_server.mails if m.rcpt_tos == ["ana@example.com"])
    path = str(first.message["List-Unsubscribe"]).strip().strip("<>").removeprefix(BASE_URL)
    client = org_app.test_client()
    page = client.get(path)  # opening the link changes nothing (mail scanners open links)
    assert page.status_code == 200 and "Unsubscribe" in page.get_data(as_text=True)
    assert client.post(path).status_code == 200  # one click, as a mail client does (RFC 8058)
    assert client.get("/unsubscribe/not-ours").status_code == 404
    before = len(smtp_server.mails)
    code, _ = _send(org_app, date(2027, 1, 18))  # windows open: nothing to Ana any more
    later = smtp_server.mails[before:]
    assert [m.rcpt_tos for m in later] == [["ann@example.com"]]
    assert "Ana Agent: ETH 311's window is open until 15 Mar 2027" in later[0].text


def test_dry_run_lists_and_stores_nothing(org_app: Flask, smtp_server: SMTPServer) -> None:
    _save_team(org_app)
    code, output = _send(org_app, date(2027, 1, 18), "--dry-run")
    assert code == 0
    *listed, last = output.splitlines()
    assert listed == [
        "would send reminder_opens to ana@example.com: The testing window for ETH 311 is open",
        "would send reminder_opens to ana@example.com: The testing window for API 29 is open",
        "would send reminder_opens to ana@example.com: The testing window for CPCU 555 is open",
        "would send digest to ann@example.com: Sales: this week (2027-W03)",
    ]
    assert last == "4 mail(s) would go on 2027-01-18 (dry run: none stored)."
    with org_app.app_context():
        assert db.session.query(Reminder).count() == db.session.query(OutboxMail).count() == 0
    assert smtp_server.mails == []
    code, output = _send(org_app, date(2027, 1, 18))
    assert code == 0 and output.endswith("4 new reminder(s) on 2027-01-18; 4 mail(s) sent.\n")
    got = sorted(f"{m.rcpt_tos[0]}: {m.subject}" for m in smtp_server.mails)
    assert got == sorted(line.split(" to ", 1)[1] for line in listed)
    assert _send(org_app, date(2027, 1, 18), "--dry-run")[1].startswith("0 mail(s) would go")


def test_a_failed_send_is_retried_by_the_next_run(org_app: Flask, smtp_server: SMTPServer) -> None:
    _save_team(org_app)
    smtp_server.stop()
    code, output = _send(org_app, date(2027, 1, 18))
    assert code == 1 and "not sent mail 1 (reminder_opens) to ana@example.com" in output
    assert output.splitlines()[-1] == "4 new reminder(s) on 2027-01-18; 0 mail(s) sent."
    smtp_server.start()  # the same port
    code, output = _send(org_app, date(2027, 1, 19))  # the next day's run
    assert code == 0, output
    assert output.splitlines()[-1] == "0 new reminder(s) on 2027-01-19; 4 mail(s) sent."
    subjects = sorted(m.subject for m in smtp_server.wait_for(4))
    assert subjects == [
        "Sales: this week (2027-W03)",
        "The testing window for API 29 is open",
        "The testing window for CPCU 555 is open",
        "The testing window for ETH 311 is open",
    ]
    _send(org_app, date(2027, 1, 20))
    assert len(smtp_server.mails) == 4


def test_two_runs_at_once_send_each_mail_once(
    org_app: Flask, smtp_server: SMTPServer, db_url: str, tmp_path: Path
) -> None:
    """Two servers' cron at the same moment (two processes; on PostgreSQL, truly at once)."""
    _save_team(org_app)
    with org_app.app_context():
        Team.query.count()  # the app's database is the one the processes use
    env = {
        **os.environ,
        "CAREER_PATH_DATABASE_URL": db_url,
        "CAREER_PATH_INSTANCE_PATH": org_app.instance_path,
        "CAREER_PATH_SMTP_HOST": smtp_server.host,
        "CAREER_PATH_SMTP_PORT": str(smtp_server.port),
        "CAREER_PATH_MAIL_FROM": "career-path <noreply@career-path.test>",
        "CAREER_PATH_BASE_URL": BASE_URL,
    }
    go = tmp_path / "go"
    script = (
        "import os, sys, time\n"
        "from recommender import create_app\n"
        "app = create_app()\n"
        f"while not os.path.exists({str(go)!r}): time.sleep(0.002)\n"
        "days = ['2027-01-18', '2027-03-01', '2027-04-05']\n"
        "for day in days:\n"
        "    result = app.test_cli_runner().invoke(args=['reminders', 'send', '--today', day])\n"
        "    print(result.output, end='')\n"
    )
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", script],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    time.sleep(3)
    go.touch()
    outputs = [run.communicate(timeout=180)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    keys = [(tuple(m.rcpt_tos), m.subject) for m in smtp_server.mails]
    assert len(keys) == len(set(keys)), keys
    with org_app.app_context():
        stored = sorted((r.recipient, r.kind) for r in db.session.query(Reminder))
    assert len(keys) == len(stored) >= 10  # every reminder stored once, its mail sent once
    assert sum(out.count(" new reminder(s) on ") for out in outputs) == 6  # 3 days, 2 runs
