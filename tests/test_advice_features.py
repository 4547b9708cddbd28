"""Advice beyond the route: what would change it, a dated exam plan, costs, the calendar."""

from __future__ import annotations

from datetime import date

import icalendar
import pytest

from recommender.errors import ProfileError
from recommender.ics import exam_calendar
from recommender.planner import estimate_cost, exam_schedule
from recommender.recommendation import Recommender

START = "2026-11-01"


def answer(recommender: Recommender, **fields) -> dict:
    profile = {"role": "claims", "lines": "personal", "start_date": START, **fields}
    return recommender.recommend(recommender.load_profile(profile))


def route(result: dict, name: str) -> dict:
    return next(r for r in result["routes"] if r["route"] == name)


@pytest.mark.parametrize(
    ("goal", "years", "threshold", "new_route"),
    [
        ("undecided", 0.5, 3, "API_THEN_CPCU"),  # the 1- and 2-year thresholds move no route
        ("undecided", 2.9, 3, "API_THEN_CPCU"),
        ("undecided", 9.5, 10, "CPCU"),
        ("advance_to_leadership", 9, 10, "CPCU"),
    ],
)
def test_the_nearest_years_threshold_that_moves_the_route_is_named(
    recommender: Recommender, goal: str, years: float, threshold: float, new_route: str
) -> None:
    result = answer(recommender, goal=goal, years_experience=years)
    by_years = [c for c in result["what_would_change"] if c["field"] == "years_experience"]
    assert [(c["value"], c["recommended_route"]) for c in by_years] == [(threshold, new_route)]
    assert by_years[0]["change"].startswith(f"With {threshold} or more years of experience, ")


def test_the_example_sentence_of_the_issue(recommender: Recommender) -> None:
    result = answer(recommender, goal="advance_to_leadership", years_experience=4)
    sentences = [c["change"] for c in result["what_would_change"]]
    assert (
        "With 10 or more years of experience, the CPCU directly would be recommended." in sentences
    )


@pytest.mark.parametrize("years", [0.5, 5, 12])
def test_earning_what_the_route_leads_to_is_never_listed(recommender: Recommender, years) -> None:
    result = answer(recommender, years_experience=years)
    held_next = {"API": {"API"}, "CPCU": {"CPCU"}, "API_THEN_CPCU": {"API", "CPCU"}}
    listed = {c["value"] for c in result["what_would_change"] if c["field"] == "designations"}
    assert not listed & held_next[result["recommended_route"]]


def test_past_the_last_threshold_experience_changes_nothing(recommender: Recommender) -> None:
    result = answer(recommender, years_experience=30)
    assert not [c for c in result["what_would_change"] if c["field"] == "years_experience"]


def test_every_change_is_what_the_rules_say_for_the_changed_profile(
    recommender: Recommender,
) -> None:
    base = {"role": "underwriter", "lines": "personal", "years_experience": 5, "goal": "undecided"}
    result = recommender.recommend(recommender.load_profile(base))
    # Earning the API or the CPCU is following this advice, not changing it: not listed.
    assert {c["field"] for c in result["what_would_change"]} == {
        "years_experience",
        "goal",
        "lines",
    }
    for change in result["what_would_change"]:
        changed = dict(base)
        if change["field"] == "designations":
            changed["designations"] = [change["value"]]
        else:
            changed[change["field"]] = change["value"]
        again = recommender.recommend(recommender.load_profile(changed))
        assert (
            again["recommended_route"] == change["recommended_route"] != result["recommended_route"]
        )


def test_the_exam_plan_crosses_the_year_boundary_into_januarys_window(
    recommender: Recommender,
) -> None:
    catalog = recommender.catalog
    # 85 hours at 20 h/week is about 4 weeks: the first course is ready on 2026-11-30, inside
    # the window that ends on 15 December; the second is ready in late December, after it,
    # so its exam goes to January's window of the next year.
    plan = exam_schedule(["API 29", "CPCU 555"], catalog, 20, date(2026, 11, 1))
    assert (plan[0]["window_start"], plan[0]["window_end"]) == ("2026-10-15", "2026-12-15")
    assert (plan[1]["window_start"], plan[1]["window_end"]) == ("2027-01-15", "2027-03-15")
    for exam in plan:
        assert exam["ready"] <= exam["window_end"]


def test_a_window_takes_at_most_four_exams(recommender: Recommender) -> None:
    catalog = recommender.catalog
    codes = [
        "API 29",
        "CPCU 555",
        "CPCU 556",
        "CPCU 500",
        "CPCU 520",
        "CPCU 530",
        "CPCU 540",
        "ETH 311",
    ]
    plan = exam_schedule(codes, catalog, 40, date(2027, 1, 1))
    windows = [e["window_start"] for e in plan]
    assert max(windows.count(w) for w in windows) == 4
    assert windows == sorted(windows)
    assert [e["code"] for e in plan] == codes
    assert all(e["ready"] <= e["window_end"] for e in plan)


def test_a_slow_pace_warns_that_course_access_runs_out(recommender: Recommender) -> None:
    result = answer(recommender, years_experience=4, goal="quick_credential", hours_per_week=1)
    api = route(result, "API")
    assert any(not e["access_ok"] for e in api["exam_schedule"])
    assert any("course access (12 months) ends" in w["text"] for w in api["warnings"])
    fast = answer(recommender, years_experience=4, goal="quick_credential", hours_per_week=8)
    assert all(e["access_ok"] for e in route(fast, "API")["exam_schedule"])


def test_every_route_has_a_dated_plan_for_its_remaining_exams(recommender: Recommender) -> None:
    result = answer(recommender, years_experience=4)
    for r in result["routes"]:
        assert [e["code"] for e in r["exam_schedule"]] == [
            c["code"] for c in r["remaining_courses"]
        ]
    assert result["profile"]["start_date"] == START


def test_the_start_date_defaults_to_today(recommender: Recommender) -> None:
    result = recommender.recommend(
        recommender.load_profile({"role": "agent", "lines": "personal", "years_experience": 3})
    )
    assert result["profile"]["start_date"] == date.today().isoformat()


def test_costs_without_discounts(recommender: Recommender) -> None:
    cost = estimate_cost(["API 29", "CPCU 555", "ETH 311"], recommender.catalog, ())
    assert cost["low"] == cost["high"] == 830  # two exams at $415, ethics free
    assert cost["currency"] == "USD"
    assert cost["verified"] is False  # the $415 fee comes from a weak source
    assert [i["amount"] for i in cost["items"]] == [415, 415, 0]


@pytest.mark.parametrize(
    ("discounts", "per_exam"),
    [
        (("early_purchase",), 335),
        (("student_teacher_regulator",), 207.5),
        # Never stacked (docs/policy.md, "Discounts and retakes"): the better one, 50% off.
        (("early_purchase", "student_teacher_regulator"), 207.5),
    ],
)
def test_costs_with_discounts(recommender: Recommender, discounts: tuple, per_exam: float) -> None:
    cost = estimate_cost(["API 29", "CPCU 555", "ETH 311"], recommender.catalog, discounts)
    assert cost["low"] == 2 * per_exam
    assert cost["items"][2]["amount"] == 0


def test_discounts_are_profile_inputs_checked_against_the_catalog(recommender: Recommender) -> None:
    result = answer(recommender, years_experience=4, discounts=["early_purchase"])
    assert route(result, "API")["estimated_cost"]["low"] == 3 * 335
    with pytest.raises(ProfileError) as caught:
        answer(recommender, years_experience=4, discounts=["friends_and_family"])
    assert "discounts" in caught.value.errors


def test_the_calendar_is_valid_icalendar_with_one_event_per_exam(recommender: Recommender) -> None:
    result = answer(recommender, years_experience=4)
    text = exam_calendar(result)
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    events = icalendar.Calendar.from_ical(text).walk("VEVENT")
    plan = route(result, result["recommended_route"])["exam_schedule"]
    assert len(events) == len(plan)
    for event, exam in zip(events, plan, strict=True):
        assert exam["code"] in str(event.get("summary"))
        assert event.decoded("dtstart") == date.fromisoformat(exam["window_start"])
        assert (event.decoded("dtend") - date.fromisoformat(exam["window_end"])).days == 1
    assert len({str(e.get("uid")) for e in events}) == len(events)


def test_no_route_gives_a_valid_calendar_that_says_why(recommender: Recommender) -> None:
    # RFC 5545 allows no calendar without a component: one dated note, and no event.
    result = answer(recommender, years_experience=12, designations=["API", "CPCU"])
    calendar = icalendar.Calendar.from_ical(exam_calendar(result))
    assert calendar.walk("VEVENT") == []
    (note,) = calendar.walk("VJOURNAL")
    assert "no route left to plan" in str(note.get("description"))
    api_done = answer(
        recommender, years_experience=12, designations=["CPCU"], completed_courses=["API 29"]
    )
    (note,) = icalendar.Calendar.from_ical(exam_calendar(api_done, "API")).walk("VJOURNAL")
    assert str(note.get("description")).startswith("The route Associate in Personal Insurance")


def test_the_calendar_endpoint_answers_text_calendar(client) -> None:
    profile = {"role": "agent", "lines": "personal", "years_experience": 4, "start_date": START}
    response = client.post("/api/v1/recommendations/calendar", json=profile)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    events = icalendar.Calendar.from_ical(response.get_data(as_text=True)).walk("VEVENT")
    answer = client.post("/api/v1/recommendations", json=profile).get_json()
    assert len(events) == len(route(answer, "API_THEN_CPCU")["exam_schedule"]) == 10
    api_only = client.post("/api/v1/recommendations/calendar?route=API", json=profile)
    assert len(icalendar.Calendar.from_ical(api_only.get_data()).walk("VEVENT")) == 4


def test_the_calendar_endpoint_rejects_bad_input_with_the_envelope(client) -> None:
    response = client.post("/api/v1/recommendations/calendar?route=NOPE", json={})
    assert response.status_code == 422 and "route" in response.get_json()["errors"]
    response = client.post("/api/v1/recommendations/calendar", json={"role": "agent"})
    assert response.status_code == 422 and "lines" in response.get_json()["errors"]


def test_responses_carry_the_rules_version(client, recommender: Recommender) -> None:
    version = recommender.rulebook.version
    profile = {"role": "agent", "lines": "personal", "years_experience": 4}
    assert (
        client.post("/api/v1/recommendations", json=profile).get_json()["rules_version"] == version
    )
    assert client.get("/api/v1/rules").get_json()["rules_version"] == version


def test_the_catalog_endpoint_lists_fees_discounts_and_exam_windows(client) -> None:
    catalog = client.get("/api/v1/catalog").get_json()
    assert catalog["exam_fee"] == {
        "amount": 415.0,
        "currency": "USD",
        "source": "fee-pages",
        "verified": False,
        "as_of": "2026-12",
    }
    assert [d["id"] for d in catalog["discounts"]] == [
        "early_purchase",
        "student_teacher_regulator",
    ]
    assert catalog["exams"]["windows"][0] == {"start": "01-15", "end": "03-15"}
    assert catalog["exams"]["max_per_window"] == 4 and catalog["exams"]["verified"] is True
    assert catalog["exams"]["retakes"]["same_window_amount_off"] == 80
    assert catalog["default_study_hours"]["verified"] is False


def test_a_warning_stating_an_unverified_fact_is_marked_to_confirm(
    recommender: Recommender,
) -> None:
    result = answer(recommender, role="agent", years_experience=1)
    warnings = {w["rule"]: w["verified"] for w in route(result, "CPCU")["warnings"]}
    # The 24-month rule comes from a weak source; the licence reminder from the NAIC.
    assert warnings == {"warn-cpcu-experience": False, "warn-designation-not-licence": True}
