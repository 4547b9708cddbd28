"""Team schedules: cohorts, alignment and the budget, as invariants over generated rosters."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recommender.config import DEFAULT_RULES_DIR
from recommender.planner import exam_windows, plan_months
from recommender.recommendation import Recommender
from recommender.team import fiscal_year_of, parse_json_roster, plan_team, quarter_of
from recommender.vocabulary import ROUTE_DESIGNATIONS

RECOMMENDER = Recommender.from_dir(DEFAULT_RULES_DIR)
CATALOG = RECOMMENDER.catalog
TODAY = date(2026, 12, 2)
ETHICS = CATALOG.api_ethics

member = st.fixed_dictionaries(
    {
        "role": st.sampled_from(["agent", "broker", "underwriter", "claims", "customer_service"]),
        "lines": st.sampled_from(["personal", "commercial", "both"]),
        "years_experience": st.integers(min_value=0, max_value=30),
        "designations": st.sampled_from([[], [], ["AINS"], ["API"], ["CPCU"]]),
        "completed_courses": st.sampled_from([[], [], ["CPCU 500"], ["API 29", "CPCU 555"]]),
        "hours_per_week": st.sampled_from([2, 3, 4, 4, 6, 8, 10]),
        "start_date": st.dates(date(2026, 12, 1), date(2027, 6, 30)).map(date.isoformat),
        "discounts": st.sampled_from([[], ["early_purchase"], ["student_teacher_regulator"]]),
    }
)
rosters = st.lists(member, min_size=1, max_size=25).map(
    lambda people: [{"name": f"P{n}", **p} for n, p in enumerate(people, start=1)]
)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def plan_of(people: list[dict[str, Any]], **options: Any) -> dict[str, Any]:
    return plan_team(RECOMMENDER, parse_json_roster(people), today=TODAY, **options)


def seats_of(plan: dict[str, Any]) -> Counter[tuple[int, str, str]]:
    """(row, course, window) of every member of every cohort."""
    return Counter(
        (row, cohort["code"], window["window_start"])
        for window in plan["schedule"]
        for cohort in window["cohorts"]
        for row in cohort["rows"]
    )


def exams_of(plan: dict[str, Any]) -> Counter[tuple[int, str, str]]:
    """(row, course, window) of every exam in every member's own exam_schedule."""
    return Counter(
        (m["row"], exam["code"], exam["window_start"])
        for m in plan["members"]
        for exam in m["exam_schedule"]
    )


def next_window(start: str) -> str:
    end = next(e for s, e in exam_windows(CATALOG, date.fromisoformat(start)) if str(s) == start)
    return next(exam_windows(CATALOG, end + timedelta(days=1)))[0].isoformat()


def check_schedule(plan: dict[str, Any]) -> None:
    # Every remaining course of every planned member is in exactly one cohort.
    remaining = Counter(
        (m["row"], code) for m in plan["members"] for code in m["remaining_courses"]
    )
    seats = seats_of(plan)
    assert Counter((row, code) for row, code, _ in seats.elements()) == remaining
    assert seats == exams_of(plan)
    per_window = Counter((row, window) for row, _, window in seats.elements())
    assert max(per_window.values(), default=0) <= CATALOG.exams.max_per_window
    starts = [w["window_start"] for w in plan["schedule"]]
    assert starts == sorted(set(starts))
    for window in plan["schedule"]:
        for cohort in window["cohorts"]:
            assert cohort["group_session"] == (
                len(cohort["members"]) >= 2 and cohort["code"] != ETHICS
            )
            assert len(cohort["members"]) == len(cohort["rows"]) > 0
    for m in plan["members"]:
        for exam in m["exam_schedule"]:
            assert exam["ready"] <= exam["window_end"]  # never before the member is ready
    order = [(g["window_start"], g["code"]) for g in plan["group_sessions"]]
    assert order == [
        (w["window_start"], c["code"])
        for w in plan["schedule"]
        for c in w["cohorts"]
        if c["group_session"]
    ]


def check_budget(plan: dict[str, Any], fiscal_year_start: int) -> None:
    budget = plan["budget"]
    total = budget["total"]
    assert total == plan["summary"]["total_cost"]["low"]
    for breakdown in ("by_window", "by_quarter", "by_fiscal_year"):
        assert round(sum(item["fees"] for item in budget[breakdown]), 2) == total
    assert round(sum(w["fees"] for w in plan["schedule"]), 2) == total
    for item in budget["by_window"]:
        assert item["buy_by"] < item["window_start"]
        start = date.fromisoformat(item["window_start"])
        assert quarter_of(start) in [q["quarter"] for q in budget["by_quarter"]]
        assert fiscal_year_of(start, fiscal_year_start)[0] in [
            y["fiscal_year"] for y in budget["by_fiscal_year"]
        ]
    for year in budget["by_fiscal_year"]:
        assert date.fromisoformat(year["starts"]).month == fiscal_year_start


@SETTINGS
@given(rosters, st.integers(min_value=1, max_value=12))
def test_every_course_is_in_exactly_one_cohort_and_the_budget_adds_up(people, fiscal_year_start):
    plan = plan_of(people, fiscal_year_start=fiscal_year_start)
    assert "alignment" not in plan
    check_schedule(plan)
    check_budget(plan, fiscal_year_start)


@SETTINGS
@given(rosters)
def test_alignment_moves_only_one_window_later_within_every_constraint(people):
    alone = plan_of(people)
    aligned = plan_of(people, align_cohorts=True)
    check_schedule(aligned)
    check_budget(aligned, 1)
    alignment = aligned["alignment"]
    before, after = seats_of(alone), seats_of(aligned)
    assert alignment["cohorts_before"] == sum(len(w["cohorts"]) for w in alone["schedule"])
    assert alignment["cohorts_after"] == sum(len(w["cohorts"]) for w in aligned["schedule"])
    assert alignment["cohorts_after"] <= alignment["cohorts_before"]
    moved = {(m["row"], m["code"]): m for m in alignment["moved"]}
    sizes = {
        (w["window_start"], c["code"]): len(c["rows"])
        for w in aligned["schedule"]
        for c in w["cohorts"]
    }
    for row, code, window in before.elements():
        move = moved.get((row, code))
        if move is None:
            assert after[(row, code, window)] == 1  # not moved: where it was
            continue
        assert move["from_window"] == window
        assert move["to_window"] == next_window(window)  # one window later, never earlier
        assert after[(row, code, move["to_window"])] == 1
        assert sizes[(move["to_window"], code)] >= 2  # joined someone
    by_row = {m["row"]: m for m in aligned["members"]}
    for (row, code), move in moved.items():
        exam = next(e for e in by_row[row]["exam_schedule"] if e["code"] == code)
        assert exam["window_start"] == move["to_window"]
        assert exam["window_start"] <= exam["access_ends"]  # within the course access period
    # The same people pay the same fees, whichever window they sit in.
    assert aligned["budget"]["total"] == alone["budget"]["total"]
    check_earned_later(people, alone, aligned)


def earned_on(member: dict[str, Any], designation: str) -> str | None:
    ends = [
        e["window_end"]
        for e in member["exam_schedule"]
        if designation in CATALOG.courses[e["code"]].counts_toward
    ]
    return max(ends, default=None)


def check_earned_later(
    people: list[dict[str, Any]], alone: dict[str, Any], aligned: dict[str, Any]
) -> None:
    """A designation earned later after alignment is said so, on the move and to the member,
    and only then; each member's months come from their schedule as aligned (one clock)."""
    said = {
        (m["row"], designation)
        for m in aligned["alignment"]["moved"]
        for designation in m["earned_later"]
    }
    for before, after in zip(alone["members"], aligned["members"], strict=True):
        row = after["row"]
        for designation in ROUTE_DESIGNATIONS.get(after["recommended_route"] or "", ()):
            then, now = earned_on(before, designation), earned_on(after, designation)
            later = then is not None and now is not None and now > then
            assert ((row, designation) in said) == later
            told = [w for w in after["warnings"] if f"the {designation} is earned one window" in w]
            assert len(told) == (1 if later else 0)
            if later:
                assert f"by {now} instead of {then}" in told[0]
        if after["exam_schedule"] and after["exam_schedule"] != before["exam_schedule"]:
            start = date.fromisoformat(people[row - 1]["start_date"])
            assert after["estimated_months"] == plan_months(after["exam_schedule"], start)


def test_a_member_ready_a_window_early_joins_the_larger_cohort_of_the_next_one():
    # Ana studies fast enough to sit API 29 a window before Ben, Cy and Dee, who start later.
    base = {"role": "agent", "lines": "personal", "years_experience": 3, "hours_per_week": 10}
    people = [
        {"name": "Ana", **base, "start_date": "2026-12-01"},
        *({"name": n, **base, "start_date": "2027-02-20"} for n in ("Ben", "Cy", "Dee")),
    ]
    alone = plan_of(people)
    first = {
        w["window_start"]: [c for c in w["cohorts"] if c["code"] == "API 29"]
        for w in alone["schedule"]
    }
    api = [(start, cohorts[0]["members"]) for start, cohorts in first.items() if cohorts]
    assert api[0][1] == ["Ana"] and api[1][1] == ["Ben", "Cy", "Dee"]  # the premise
    aligned = plan_of(people, align_cohorts=True)
    moves = [m for m in aligned["alignment"]["moved"] if m["code"] == "API 29"]
    assert moves == [
        {
            "name": "Ana",
            "row": 1,
            "code": "API 29",
            "from_window": api[0][0],
            "to_window": api[1][0],
            "earned_later": [],  # API 29 is not the API's last exam: it is earned as before
        }
    ]
    cohort = next(
        c
        for w in aligned["schedule"]
        if w["window_start"] == api[1][0]
        for c in w["cohorts"]
        if c["code"] == "API 29"
    )
    assert cohort["members"] == ["Ana", "Ben", "Cy", "Dee"]  # in roster order


def test_nobody_moves_past_the_exams_per_window_limit():
    # With one exam a window, nobody may sit two in one window, aligned or not.
    recommender = Recommender.from_dir(DEFAULT_RULES_DIR)  # its own catalog, changed here
    catalog = recommender.catalog
    object.__setattr__(catalog, "exams", replace(catalog.exams, max_per_window=1))
    base = {"role": "agent", "lines": "personal", "years_experience": 3, "hours_per_week": 10}
    people = [
        {"name": "Ana", **base, "start_date": "2026-12-01"},
        *({"name": n, **base, "start_date": "2027-02-20"} for n in ("Ben", "Cy", "Dee")),
    ]
    plan = plan_team(recommender, parse_json_roster(people), today=TODAY, align_cohorts=True)
    ana = next(m for m in plan["members"] if m["name"] == "Ana")
    for member in plan["members"]:
        windows = Counter(exam["window_start"] for exam in member["exam_schedule"])
        assert max(windows.values()) == 1
    assert plan["alignment"]["cohorts_after"] <= plan["alignment"]["cohorts_before"]
    assert ana["exam_schedule"]


def test_fiscal_years_are_named_by_the_year_they_end_in():
    assert fiscal_year_of(date(2027, 6, 30), 7) == ("FY2027", date(2026, 7, 1))
    assert fiscal_year_of(date(2027, 7, 1), 7) == ("FY2028", date(2027, 7, 1))
    assert fiscal_year_of(date(2027, 3, 1), 1) == ("FY2027", date(2027, 1, 1))
    assert quarter_of(date(2027, 4, 15)) == "2027-Q2"


def test_ethics_is_never_a_group_session_and_others_of_two_are():
    base = {"role": "agent", "lines": "personal", "years_experience": 3, "start_date": "2026-12-01"}
    plan = plan_of([{"name": "Ana", **base}, {"name": "Ben", **base}])
    cohorts = [c for w in plan["schedule"] for c in w["cohorts"]]
    assert all(len(c["members"]) == 2 for c in cohorts)
    assert {c["code"]: c["group_session"] for c in cohorts}[ETHICS] is False
    assert all(c["group_session"] for c in cohorts if c["code"] != ETHICS)
    assert [g["code"] for g in plan["group_sessions"]] == [
        c["code"] for c in cohorts if c["code"] != ETHICS
    ]


def test_each_member_s_own_discounts_are_in_the_cohort_fees():
    from recommender.planner import estimate_cost

    base = {"role": "agent", "lines": "personal", "years_experience": 3, "start_date": "2026-12-01"}
    half = ["student_teacher_regulator"]
    plan = plan_of([{"name": "Ana", **base}, {"name": "Ben", **base, "discounts": half}])
    ana, ben = plan["members"]
    assert ben["estimated_cost"]["discounts"] == half
    assert ben["estimated_cost"]["low"] < ana["estimated_cost"]["low"]
    codes = ana["remaining_courses"]
    full = estimate_cost(codes, CATALOG, ())["items"]
    cut = estimate_cost(codes, CATALOG, tuple(half))["items"]
    fees = {c["code"]: c["fees"] for w in plan["schedule"] for c in w["cohorts"]}
    for a, b in zip(full, cut, strict=True):
        assert fees[a["code"]] == round(a["amount"] + b["amount"], 2)


def test_a_20_person_roster_through_the_api_keeps_every_invariant(client):
    header = "name,role,lines,years_experience,designations,completed_courses,hours_per_week,team"
    roles = ["agent", "claims", "underwriter", "broker", "customer_service"]
    rows = [
        f"Person {n},{roles[n % 5]},{['personal', 'both', 'commercial'][n % 3]},{n % 9},"
        f"{['', 'AINS', 'API', ''][n % 4]},{['', 'CPCU 500', 'CPCU 999', ''][n % 4]},"
        f"{[2, 4, 6, 10][n % 4]},{'North' if n % 2 else 'South'}"
        for n in range(20)
    ]
    text = "\n".join([header, *rows]) + "\n"
    for query in ("", "?align=true&fiscal_year_start=4"):
        response = client.post("/api/v1/team-plans" + query, data=text, content_type="text/csv")
        plan = response.get_json()
        assert response.status_code == 200 and len(plan["members"]) == 20
        assert all(not m["errors"] for m in plan["members"])
        assert all(m["extra"]["team"] in ("North", "South") for m in plan["members"])
        assert [m["line"] for m in plan["members"]] == list(range(2, 22))
        unknown = [m for m in plan["members"] if "CPCU 999" in " ".join(m["warnings"])]
        assert len(unknown) == 5
        check_schedule(plan)
        check_budget(plan, 4 if query else 1)
        if query:
            assert plan["alignment"]["cohorts_after"] <= plan["alignment"]["cohorts_before"]
