"""Issue 16's red-team failures, each again against the real server (bin/serve), on SQLite and
on PostgreSQL: what was a 500, a lock-out or a session that outlived its logout is not.

One server per database for the module (tests/store/conftest.py's served_db), 2 workers of 4
threads behind one trusted proxy: each client names its address in X-Forwarded-For.
"""

from __future__ import annotations

import re
import stat
import subprocess
import sys
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import requests
import sqlalchemy as sa

from recommender import saved_teams
from recommender.accounts import throttle
from recommender.accounts.tokens import create_token
from recommender.accounts.users import create_user
from recommender.extensions import current_recommender, db
from recommender.store import accounts
from recommender.store.models import MemberExam, MemberPlan, Progress, Team
from recommender.team import parse_roster

pytestmark = pytest.mark.slow

ROSTER = "name,role,lines,years_experience\nAna Agent,agent,personal,2\nCarl Claims,claims,both,1\n"
MEMBER = {"role": "agent", "lines": "personal", "years_experience": 2}


def _unique(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}@example.com"


def _browser(address: str) -> requests.Session:
    """A browser at `address` (behind the trusted proxy)."""
    session = requests.Session()
    session.headers["X-Forwarded-For"] = address
    return session


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "no CSRF token in the page"
    return found.group(1)


PASSWORD = "correct horse battery"  # tests/store/conftest.py's, every test user's
ServedDatabase = Any  # tests/store/conftest.py's: url, db_url, instance, app, kind


def _log_in(browser: requests.Session, url: str, email: str, password: str = PASSWORD) -> Any:
    token = _csrf(browser.get(f"{url}/login").text)
    data = {"email": email, "password": password, "csrf_token": token}
    return browser.post(f"{url}/login", data=data, allow_redirects=False)


@pytest.fixture
def owner(served_db: ServedDatabase) -> Iterator[tuple[str, dict[str, str]]]:
    """A new manager: their e-mail and API headers."""
    email = _unique("owner")
    with served_db.app.app_context():
        token = create_token(create_user(email, "manager", PASSWORD))
    yield email, {"Authorization": f"Bearer {token}"}


@pytest.fixture
def team(served_db: ServedDatabase, owner: tuple[str, dict[str, str]]) -> tuple[int, list[int]]:
    """The owner's team of two: its id and its members' ids."""
    with served_db.app.app_context():
        user = accounts.user_by_email(owner[0])
        made = saved_teams.create_from_roster(
            current_recommender(), user, "Claims", parse_roster(ROSTER)
        )
        return made.id, [m.id for m in made.members]


def _team_row(served_db: ServedDatabase, team_id: int) -> tuple[str, list[str]]:
    with served_db.app.app_context():
        found = db.session.get(Team, team_id)
        assert found is not None
        return found.name, [e.action for e in found.history]


# --- 1. one progress record took the team down ----------------------------------------------


@pytest.mark.parametrize("stored", [date(9999, 12, 31), date(1, 1, 1)], ids=str)
def test_a_stored_failure_the_planner_cannot_plan_is_a_warning_not_a_500(
    served_db: ServedDatabase,
    owner: tuple[str, dict[str, str]],
    team: tuple[int, list[int]],
    stored: date,
) -> None:
    url, (email, api) = served_db.url, owner
    team_id, (ana, carl) = team
    with served_db.app.app_context():
        # Straight into the database, as an older release stored it; that release left no
        # kept plans (they are planned when the team is next shown).
        db.session.add(
            Progress(member_id=ana, course="API 29", status="failed", date=stored, recorded_by="x")
        )
        for table in (MemberExam, MemberPlan):
            db.session.execute(sa.delete(table).where(table.team_id == team_id))
        db.session.commit()
        members = {m.id: m for m in db.session.get(Team, team_id).members}
        ana_link = saved_teams.create_member_link(members[ana], email)
        carl_link = saved_teams.create_member_link(members[carl], email)

    answer = requests.get(f"{url}/api/v1/teams/{team_id}", headers=api)
    assert answer.status_code == 200
    warned, other = answer.json()["members"]
    assert any(stored.isoformat() in w for w in warned["warnings"]) and warned["retakes"] == []
    assert not any("horizon" in w for w in other["warnings"])
    browser = _browser("192.0.2.1")
    assert _log_in(browser, url, email).status_code == 303
    page = browser.get(f"{url}/teams/{team_id}")
    assert page.status_code == 200 and "outside the planning horizon" in page.text
    own = requests.get(f"{url}/my/{ana_link}")
    assert own.status_code == 200 and "outside the planning horizon" in own.text
    assert requests.get(f"{url}/my/{carl_link}").status_code == 200
    # And no one can store such a record any more, nor one dated in the future.
    progress = f"{url}/api/v1/teams/{team_id}/members/{carl}/progress"
    for body in [
        {"course": "API 29", "status": "failed", "date": stored.isoformat()},
        {
            "course": "API 29",
            "status": "passed",
            "date": date(date.today().year + 1, 1, 1).isoformat(),
        },
    ]:
        refused = requests.post(progress, json=body, headers=api)
        assert refused.status_code == 422 and list(refused.json()["errors"]) == ["date"]
    member = requests.Session()
    token = _csrf(member.get(f"{url}/my/{carl_link}").text)
    form = {"course": "API 29", "status": "failed", "date": "9999-12-31", "csrf_token": token}
    refused = member.post(f"{url}/my/{carl_link}/progress", data=form)
    assert refused.status_code == 422 and "date is not valid" in refused.text


# --- 2. other 500s from input ---------------------------------------------------------------


@pytest.mark.parametrize("text", ["Ana\ud800", "Ana\x00Agent"], ids=["surrogate", "NUL"])
def test_text_no_database_holds_is_a_422_naming_the_field(
    served_db: ServedDatabase,
    owner: tuple[str, dict[str, str]],
    team: tuple[int, list[int]],
    text: str,
) -> None:
    url, (email, api), (team_id, members) = served_db.url, owner, team
    teams = f"{url}/api/v1/teams"
    # json.dumps writes a lone surrogate as the escape "\ud800", a NUL as "\u0000".
    cases = [
        ("POST", teams, {"name": text, "members": [MEMBER]}, "name"),
        ("POST", teams, {"name": "T", "members": [{"name": text, **MEMBER}]}, "members.0.name"),
        ("PATCH", f"{teams}/{team_id}", {"name": text}, "name"),
        ("POST", f"{teams}/{team_id}/members", {"name": text, **MEMBER}, "member name"),
        ("PUT", f"{teams}/{team_id}/members/{members[0]}", {"name": text, **MEMBER}, "member name"),
    ]
    for method, path, body, field in cases:
        answer = requests.request(method, path, json=body, headers=api)
        assert answer.status_code == 422 and field in answer.json()["errors"], (method, body)
    if "\x00" in text:  # CSV and forms are UTF-8 text: a lone surrogate cannot be in them
        csv = f"name,role,lines,years_experience\n{text},agent,personal,2\n".encode()
        headers = {**api, "Content-Type": "text/csv"}
        answer = requests.post(f"{teams}?name=T", data=csv, headers=headers)
        assert answer.status_code == 422 and "line 2.name" in answer.json()["errors"]
        browser = _browser("192.0.2.2")
        assert _log_in(browser, url, email).status_code == 303
        token = _csrf(browser.get(f"{url}/teams").text)
        for name, roster in [(text, ROSTER.encode()), ("T", csv)]:
            form = {"name": name, "csrf_token": token}
            answer = browser.post(f"{url}/teams", data=form, files={"roster": ("r.csv", roster)})
            assert answer.status_code == 422 and "NUL" in answer.text
    assert requests.get(teams, headers=api).json()[0]["name"] == "Claims"  # nothing else saved
    assert _team_row(served_db, team_id) == ("Claims", ["created"])


@pytest.mark.parametrize("big", [2**31, 2**63, 10**30], ids=["2^31", "2^63", "10^30"])
def test_an_id_past_the_databases_integer_is_a_404(
    served_db: ServedDatabase,
    owner: tuple[str, dict[str, str]],
    team: tuple[int, list[int]],
    big: int,
) -> None:
    url, (email, api), (team_id, _) = served_db.url, owner, team
    teams = f"{url}/api/v1/teams"
    for method, path in [
        ("GET", f"{teams}/{big}"),
        ("PATCH", f"{teams}/{big}"),
        ("DELETE", f"{teams}/{big}"),
        ("GET", f"{teams}/{big}/history"),
        ("POST", f"{teams}/{big}/members"),
        ("PUT", f"{teams}/{team_id}/members/{big}"),
        ("DELETE", f"{teams}/{team_id}/members/{big}"),
        ("POST", f"{teams}/{team_id}/members/{big}/progress"),
    ]:
        answer = requests.request(method, path, json={"name": "x", **MEMBER}, headers=api)
        assert answer.status_code == 404, (method, path)
    browser = _browser("192.0.2.3")
    assert _log_in(browser, url, email).status_code == 303
    for path in [f"/teams/{big}", f"/teams/{team_id}/members/{big}/edit", f"/my/{big}"]:
        assert browser.get(f"{url}{path}").status_code == 404, path


def test_a_long_or_nul_email_at_login_is_just_a_failed_login(served_db: ServedDatabase) -> None:
    browser = _browser("192.0.2.4")
    for email in ["a" * 300 + "@example.com", "a" * 5000, "ann\x00@example.com"]:
        assert _log_in(browser, served_db.url, email, "wrong").status_code == 401


# --- 3. the login throttle ------------------------------------------------------------------


def _parallel_logins(url: str, email: str, password: str, address: str, n: int) -> Counter[int]:
    """`n` logins at once from one address (each its own browser), as their statuses."""
    browsers = [_browser(address) for _ in range(n)]
    tokens = [_csrf(b.get(f"{url}/login").text) for b in browsers]
    start = threading.Barrier(n)
    statuses: list[int] = []

    def attempt(browser: requests.Session, token: str) -> None:
        start.wait()
        data = {"email": email, "password": password, "csrf_token": token}
        statuses.append(browser.post(f"{url}/login", data=data, allow_redirects=False).status_code)

    threads = [
        threading.Thread(target=attempt, args=pair) for pair in zip(browsers, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Counter(statuses)


@pytest.mark.parametrize("known", [True, False], ids=["an account", "a new e-mail"])
def test_32_parallel_wrong_logins_let_at_most_the_limit_through(
    served_db: ServedDatabase, known: bool
) -> None:
    email = _unique("target")
    if known:
        with served_db.app.app_context():
            create_user(email, "manager", PASSWORD)
    statuses = _parallel_logins(served_db.url, email, "guess", "198.51.100.32", 32)
    # No 500 on the new e-mail's unique key; exactly the limit checked, the rest refused.
    assert statuses == {401: throttle.MAX_FAILED_LOGINS, 429: 32 - throttle.MAX_FAILED_LOGINS}
    # Every attempt was counted (the refused ones too): the pair stays held.
    assert _log_in(_browser("198.51.100.32"), served_db.url, email).status_code == 429
    if known:  # the owner, elsewhere, is not locked out
        assert _log_in(_browser("203.0.113.200"), served_db.url, email).status_code == 303


def test_the_throttle_cannot_be_turned_against_a_user(served_db: ServedDatabase) -> None:
    url, office, sprayer = served_db.url, "192.0.2.50", "192.0.2.51"
    staff, holder = _unique("staff"), _unique("holder")
    with served_db.app.app_context():
        for email in (staff, holder):
            create_user(email, "manager", PASSWORD)
    # An attacker elsewhere: the staff member still logs in at the office.
    for _ in range(throttle.MAX_FAILED_LOGINS + 2):
        _log_in(_browser("203.0.113.201"), url, staff, "guess")
    assert _log_in(_browser(office), url, staff).status_code == 303
    # Five unknown addresses typed at the office lock no one out there.
    for n in range(5):
        assert _log_in(_browser(office), url, _unique(f"typo{n}"), "x").status_code == 401
    assert _log_in(_browser(office), url, staff).status_code == 303
    # One account's holder spraying other accounts: their own success resets nothing.
    victims = [_unique(f"victim{n}") for n in range(throttle.MAX_ADDRESS_FAILURES - 1)]
    with ThreadPoolExecutor(8) as pool:
        tries = pool.map(lambda v: _log_in(_browser(sprayer), url, v, "guess").status_code, victims)
        assert Counter(tries) == {401: len(victims)}
    assert _log_in(_browser(sprayer), url, holder).status_code == 303
    assert _log_in(_browser(sprayer), url, _unique("last"), "guess").status_code == 401
    assert _log_in(_browser(sprayer), url, _unique("more"), "guess").status_code == 429


# --- 4. logout ends the session -------------------------------------------------------------


def test_a_cookie_saved_before_logout_neither_opens_teams_nor_renames_one(
    served_db: ServedDatabase, owner: tuple[str, dict[str, str]], team: tuple[int, list[int]]
) -> None:
    url, (email, _), (team_id, _) = served_db.url, owner, team
    browser = _browser("192.0.2.60")
    assert _log_in(browser, url, email).status_code == 303
    saved = _browser("192.0.2.61")
    saved.cookies.update(browser.cookies)  # a copy of the cookie, saved (or stolen)
    token = _csrf(saved.get(f"{url}/teams/{team_id}").text)  # it works, for now
    renamed = saved.post(
        f"{url}/teams/{team_id}/rename", data={"name": "Before", "csrf_token": token}
    )
    assert renamed.status_code == 200 and _team_row(served_db, team_id)[0] == "Before"
    logout = _csrf(browser.get(f"{url}/logout").text)
    browser.post(f"{url}/logout", data={"csrf_token": logout})
    answer = saved.get(f"{url}/teams", allow_redirects=False)
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    saved.post(f"{url}/teams/{team_id}/rename", data={"name": "After", "csrf_token": token})
    assert _team_row(served_db, team_id) == ("Before", ["created", "renamed"])


# --- 6. the web save takes what the API takes -----------------------------------------------


def test_the_web_save_takes_a_roster_over_1_mib_as_the_api_does(
    served_db: ServedDatabase, owner: tuple[str, dict[str, str]]
) -> None:
    url, (email, api) = served_db.url, owner
    notes = "n" * 1900
    rows = [f"P{i},agent,personal,2,{notes}\n" for i in range(800)]  # about 1.5 MiB
    roster = ("name,role,lines,years_experience,notes\n" + "".join(rows)).encode()
    assert len(roster) > 1024 * 1024
    browser = _browser("192.0.2.70")
    assert _log_in(browser, url, email).status_code == 303
    token = _csrf(browser.get(f"{url}/teams").text)
    answer = browser.post(
        f"{url}/teams",
        data={"name": "Big", "csrf_token": token},
        files={"roster": ("big.csv", roster)},
        allow_redirects=False,
    )
    assert answer.status_code == 303, answer.text[:300]
    listed = requests.get(f"{url}/api/v1/teams", headers=api).json()
    assert [(t["name"], t["members"]) for t in listed] == [("Big", 800)]


# --- 7. the smaller points ------------------------------------------------------------------


def _command(served_db: ServedDatabase, *argv: str, stdin: str = "") -> tuple[int, str]:
    """`career-path ...` on the served database, as an admin types it."""
    env = {
        "PATH": "/usr/bin:/bin",
        "CAREER_PATH_DATABASE_URL": served_db.db_url,
        "CAREER_PATH_INSTANCE_PATH": str(served_db.instance),
    }
    done = subprocess.run(
        [sys.executable, "-m", "recommender.cli", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
    )
    return done.returncode, done.stdout + done.stderr


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_smaller_points_hold_on_the_server(
    served_db: ServedDatabase, owner: tuple[str, dict[str, str]], team: tuple[int, list[int]]
) -> None:
    url, (email, api), (team_id, members) = served_db.url, owner, team
    browser = _browser("192.0.2.80")
    assert _log_in(browser, url, email).status_code == 303
    token = _csrf(browser.get(f"{url}/teams/{team_id}").text)
    shown = browser.post(
        f"{url}/teams/{team_id}/members/{members[0]}/link", data={"csrf_token": token}
    )
    assert "/my/" in shown.text and shown.headers["Cache-Control"] == "no-store"

    add = ["users", "add", _unique("short"), "--role", "manager", "--password-stdin"]
    code, out = _command(served_db, *add, stdin="one\n")
    assert code == 1 and "at least 12 characters" in out
    assert requests.get(f"{url}/api/v1/teams", headers=api).status_code == 200
    code, out = _command(served_db, "tokens", "list", email)
    assert code == 0 and out.count(" made ") == 1
    prefix = out.split("...")[0].strip()
    assert api["Authorization"].removeprefix("Bearer ").startswith(prefix)
    assert _command(served_db, "tokens", "revoke", email, prefix)[0] == 0
    assert requests.get(f"{url}/api/v1/teams", headers=api).status_code == 401

    assert _mode(served_db.instance) == 0o700
    assert _mode(served_db.instance / "secret_key") == 0o600
    if served_db.kind == "sqlite":
        database = Path(served_db.db_url.removeprefix("sqlite:///"))
        files = [database, *database.parent.glob(database.name + "-*")]
        assert {f"{database.name}-wal", f"{database.name}-shm"} <= {p.name for p in files}
        assert {p.name: _mode(p) for p in files} == {p.name: 0o600 for p in files}
        backup = served_db.instance.parent / "backup.sqlite3"
        code, out = _command(served_db, "db", "backup", str(backup))
        assert code == 0 and _mode(backup) == 0o600, out
