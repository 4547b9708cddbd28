"""Kept plans on both databases: summed, they are the team plan; a change re-plans one member;
stale ones are re-planned on view and by `teams replan` (every attempt kept and counted:
test_progress_attempts.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from recommender import saved_teams
from recommender.extensions import current_recommender, db
from recommender.saved_teams.plans import fresh_between, rows_of
from recommender.store import accounts
from recommender.store.kept_plans import members_with_progress
from recommender.store.models import MemberPlan, Team, User
from recommender.team import Roster, TeamMemberSchema, parse_json_roster, plan_team
from recommender.vocabulary import GOALS, LINES, ROLES

# --- the kept plans, summed, are the team plan ------------------------------------------------

COURSES = ("API 29", "AINS 21", "AINS 22", "CPCU 500", "CPCU 520", "CPCU 540", "ETH 311")
member_data = st.fixed_dictionaries(
    {
        "name": st.text("abcdefgh ", min_size=1, max_size=8).map(lambda n: n.strip() or "x"),
        "role": st.sampled_from([*ROLES, "pilot"]),  # a bad role now and then: a member to fix
        "lines": st.sampled_from(LINES),
        "years_experience": st.sampled_from([0, 0.5, 1, 2, 5, 10, 15, 30]),
    },
    optional={
        "designations": st.sampled_from([[], ["API"], ["CPCU"], ["AINS"], ["API", "CPCU"]]),
        "completed_courses": st.lists(st.sampled_from(COURSES), max_size=3, unique=True),
        "goal": st.sampled_from(GOALS),
        "hours_per_week": st.sampled_from([2, 4, 6, 10]),
        "start_date": st.dates(date(2024, 1, 1), date(2027, 6, 30)).map(date.isoformat),
        "discounts": st.sampled_from([[], ["early_purchase"], ["student_teacher_regulator"]]),
    },
)
attempt = st.tuples(
    st.integers(0, 11),  # whose (modulo the team's size)
    st.sampled_from(COURSES),
    st.sampled_from(["passed", "failed", "failed", "scheduled"]),
    st.integers(0, 700),  # days before today
)


def _without_people(schedule: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {**w, "cohorts": [{k: v for k, v in c.items() if k != "people"} for c in w["cohorts"]]}
        for w in schedule
    ]


@pytest.mark.slow
@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    members=st.lists(member_data, min_size=1, max_size=12),
    attempts=st.lists(attempt, max_size=15),
)
# Two failures recorded newest first: the member changed holds them in that order, the member
# read back in date order; both are planned alike (two retakes in one window, once reordered).
@example(
    members=[{"name": "a", "role": "agent", "lines": "commercial", "years_experience": 0}],
    attempts=[(0, "CPCU 520", "failed", 0), (0, "CPCU 500", "failed", 1)],
)
def test_kept_plans_summed_are_the_team_plan(
    store_app: Flask,
    add_user: Callable[..., User],
    members: list[dict[str, Any]],
    attempts: list[tuple[int, str, str, int]],
) -> None:
    recommender = current_recommender()
    today = date.today()
    owner = accounts.user_by_email("ann@example.com") or add_user("ann@example.com")
    team = saved_teams.create_from_roster(
        recommender, owner, "Generated", parse_json_roster({"members": members})
    )
    ids = [m.id for m in team.members]
    for whose, course, status, days in attempts:
        member = next(m for m in team.members if m.id == ids[whose % len(ids)])
        on = today - timedelta(days=days)
        saved_teams.record_progress(recommender, member, course, status, on, "ann")
    shown = saved_teams.plan(recommender, team, today=today).plan

    rows, _ = rows_of(recommender, members_with_progress(ids), today)
    fresh = plan_team(recommender, Roster(rows, [], "json"), today=today)
    assert shown["summary"] == fresh["summary"]
    assert _without_people(shown["schedule"]) == fresh["schedule"]
    assert shown["group_sessions"] == fresh["group_sessions"]
    assert shown["budget"] == fresh["budget"]
    assert shown["notices"] == fresh["notices"]
    fields = list(TeamMemberSchema().fields)
    for mine, theirs in zip(shown["members"], fresh["members"], strict=True):
        assert {k: mine[k] for k in fields} == {k: theirs[k] for k in fields}
        assert mine["retakes"] == theirs.get("retakes", [])


# --- a change re-plans its member alone --------------------------------------------------------


def _roster(size: int) -> Roster:
    people = [
        {
            "name": f"Person {n}",
            "role": ROLES[n % len(ROLES)],
            "lines": LINES[n % len(LINES)],
            "years_experience": n % 12,
            "start_date": "2025-01-06",
        }
        for n in range(size)
    ]
    return parse_json_roster({"members": people})


MARK = -7  # a study-hours sum no plan has: a row still holding it was not planned again


def _mark_all(team_id: int) -> None:
    db.session.execute(
        sa.update(MemberPlan).where(MemberPlan.team_id == team_id).values(study_low=MARK)
    )
    db.session.commit()


def _marked(team_id: int) -> set[int]:
    """The members whose kept plan was not written since _mark_all."""
    query = sa.select(MemberPlan.member_id).where(
        MemberPlan.team_id == team_id, MemberPlan.study_low == MARK
    )
    return set(db.session.scalars(query))


class Statements:
    """The SQL statements run on the app's engine while in a `with` block."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def _record(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        self.seen.append(statement)

    def __enter__(self) -> Statements:
        sa.event.listen(db.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *_: Any) -> None:
        sa.event.remove(db.engine, "before_cursor_execute", self._record)


def _write_statements(team: Team, write: Callable[[Any], None]) -> list[str]:
    member = team.members[len(team.members) // 2]
    db.session.expire_all()  # as a request starts: nothing of the team loaded
    member = db.session.get(type(member), member.id)
    with Statements() as statements:
        write(member)
    return statements.seen


def test_a_progress_write_replans_that_member_and_reads_no_other(
    store_app: Flask, add_user: Callable[..., User]
) -> None:
    recommender = current_recommender()
    owner = add_user("ann@example.com")
    small = saved_teams.create_from_roster(recommender, owner, "Small", _roster(3))
    large = saved_teams.create_from_roster(recommender, owner, "Large", _roster(60))
    counts = []
    for team in (small, large):
        _mark_all(team.id)
        middle = team.members[len(team.members) // 2].id

        def write(member: Any) -> None:
            saved_teams.record_progress(
                recommender, member, "API 29", "passed", date(2025, 5, 1), "ann"
            )

        seen = _write_statements(team, write)
        counts.append(len(seen))
        assert _marked(team.id) == {m.id for m in team.members} - {middle}
        # No statement reads the team's members as a whole: each names its member by id.
        reads = [s for s in seen if "FROM members" in s and "members.team_id" in s]
        assert reads == [], reads
    assert counts[0] == counts[1]  # the same statements for 3 members as for 60


def test_adding_editing_and_removing_a_member_replans_only_them(
    store_app: Flask, add_user: Callable[..., User]
) -> None:
    recommender = current_recommender()
    team = saved_teams.create_from_roster(
        recommender, add_user("ann@example.com"), "Team", _roster(5)
    )
    _mark_all(team.id)
    body = {"name": "New", "role": "agent", "lines": "personal", "years_experience": 3}
    added = saved_teams.add_member(recommender, team, body, "ann")
    others = {m.id for m in team.members} - {added.id}
    assert _marked(team.id) == others
    edited = db.session.get(type(added), min(others))
    saved_teams.replace_member(recommender, edited, {**body, "name": "Edited"}, "ann")
    assert _marked(team.id) == others - {edited.id}
    store_plans_before = db.session.scalar(sa.select(sa.func.count()).select_from(MemberPlan))
    from recommender.store import teams as store_teams

    store_teams.remove_member(db.session.get(type(added), added.id), "ann")
    after = db.session.scalar(sa.select(sa.func.count()).select_from(MemberPlan))
    assert after == store_plans_before - 1  # its kept rows went with it
    assert _marked(team.id) == others - {edited.id}


# --- stale plans ------------------------------------------------------------------------------


def test_a_rules_change_replans_on_view_and_by_the_command(
    store_app: Flask, add_user: Callable[..., User]
) -> None:
    recommender = current_recommender()
    team = saved_teams.create_from_roster(
        recommender, add_user("ann@example.com"), "Team", _roster(4)
    )
    team_id = team.id

    def as_if_planned_under_other_rules() -> None:
        db.session.execute(
            sa.update(MemberPlan)
            .where(MemberPlan.team_id == team_id)
            .values(rules_version="2020.1.1+00000000", study_low=MARK)
        )
        db.session.commit()

    as_if_planned_under_other_rules()
    assert len(saved_teams.stale_members(recommender, team, date.today())) == 4
    shown = saved_teams.team_page(recommender, team)  # a view: every stale plan re-planned
    assert _marked(team_id) == set()
    versions = db.session.scalars(
        sa.select(MemberPlan.rules_version).where(MemberPlan.team_id == team_id)
    )
    assert set(versions) == {recommender.rulebook.version}
    assert shown.plan["summary"]["people"] == 4

    as_if_planned_under_other_rules()
    runner = store_app.test_cli_runner()
    done = runner.invoke(args=["teams", "replan", "--team", str(team_id)])
    assert done.exit_code == 0, done.output
    assert f"Team {team_id}: re-planned 4 of 4." in done.output
    assert _marked(team_id) == set()
    again = runner.invoke(args=["teams", "replan", "--all"])  # idempotent: nothing is stale
    assert again.exit_code == 0 and f"Team {team_id}: re-planned 0 of 4." in again.output
    assert "Re-planned 0 members (1 team)." in again.output
    assert runner.invoke(args=["teams", "replan"]).exit_code != 0  # a team or --all
    _mark_all(team_id)  # as a hand-made change to the database: nothing says it is stale
    forced = runner.invoke(args=["teams", "replan", "--team", str(team_id), "--force"])
    assert forced.exit_code == 0 and f"Team {team_id}: re-planned 4 of 4." in forced.output
    assert _marked(team_id) == set()


def test_a_plan_made_before_a_window_opened_or_closed_is_replanned(
    store_app: Flask, add_user: Callable[..., User]
) -> None:
    recommender = current_recommender()
    team = saved_teams.create_from_roster(
        recommender, add_user("ann@example.com"), "Team", _roster(3)
    )
    today = date.today()
    fresh_from, fresh_to = fresh_between(recommender.catalog, today)
    # A plan holds from a turn to the next: a window's first day, or the day after its last.
    turns = {start for start, _ in recommender.catalog.exams.windows} | {
        ((date(2001, *end) + timedelta(days=1)).month, (date(2001, *end) + timedelta(days=1)).day)
        for _, end in recommender.catalog.exams.windows
    }
    assert {(d.month, d.day) for d in (fresh_from, fresh_to)} <= turns
    assert fresh_from <= today < fresh_to
    ids = sorted(m.id for m in team.members)
    planned_on = {ids[0]: fresh_from, ids[1]: fresh_from - timedelta(days=1), ids[2]: today}
    for member_id, day in planned_on.items():
        db.session.execute(
            sa.update(MemberPlan)
            .where(MemberPlan.member_id == member_id)
            .values(planned_on=day, study_low=MARK)
        )
    db.session.commit()
    assert saved_teams.stale_members(recommender, team, today) == [ids[1]]
    saved_teams.team_page(recommender, team)
    assert _marked(team.id) == {ids[0], ids[2]}  # only the plan from before the turn


def test_a_members_own_page_replans_them_alone_when_stale(
    store_app: Flask, add_user: Callable[..., User]
) -> None:
    recommender = current_recommender()
    team = saved_teams.create_from_roster(
        recommender, add_user("ann@example.com"), "Team", _roster(3)
    )
    db.session.execute(
        sa.update(MemberPlan)
        .where(MemberPlan.team_id == team.id)
        .values(rules_version="old", study_low=MARK)
    )
    db.session.commit()
    member = team.members[1]
    entry = saved_teams.member_plan(recommender, member)
    assert entry["id"] == member.id and entry["name"] == member.name
    assert _marked(team.id) == {team.members[0].id, team.members[2].id}
