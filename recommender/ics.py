"""iCalendar files (RFC 5545): a person's exam plan and a team's cohorts, one writer for both.

Every event is an all-day one (DTEND is exclusive: the day after the last), marked transparent
so that it never shows anyone as busy. RFC 5545 allows no calendar without a component, and a
client that asked for a calendar should get one it can import: a plan with no exam left is a
calendar holding one dated note (VJOURNAL) that says why, which calendar programs import
without adding anything to anyone's days.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from icalendar import Alarm, Calendar, Event, Journal

from .vocabulary import ROUTE_TITLES

ICS_TYPE = "text/calendar"
PRODID = "-//career-path//exam plan//EN"
TEAM_PRODID = "-//career-path//team exam plan//EN"
ALARM_BEFORE = timedelta(days=14)  # a team's time to book the exams and finish studying
CONFIRM = "Dates to confirm with The Institutes."


def _calendar(prodid: str, name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", prodid)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def _all_day(uid: str, stamp: datetime, first: date, last: date, summary: str) -> Event:
    """An all-day event from `first` to `last` inclusive, that shows no one as busy."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", first)
    event.add("dtend", last + timedelta(days=1))  # DTEND is exclusive
    event.add("summary", summary)
    return event


def _stamp() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


# --- a person's exam plan ---------------------------------------------------------------------


def exam_calendar(answer: dict[str, Any], route: str | None = None) -> str:
    """The exam windows of `route` (default: the recommended one) as an .ics document."""
    route = route or answer["recommended_route"]
    chosen = next((r for r in answer["routes"] if r["route"] == route), None)
    exams = chosen["exam_schedule"] if chosen else []
    title = ROUTE_TITLES[route] if route else "no route"
    calendar = _calendar(PRODID, f"Exam plan: {title}")
    stamp = _stamp()
    if chosen is None or not exams:
        calendar.add_component(_nothing_to_plan(route, stamp))
    else:
        titles = {c["code"]: c["title"] for c in chosen["remaining_courses"]}
        for exam in exams:
            calendar.add_component(_exam_event(exam, titles[exam["code"]], route, stamp))
    return calendar.to_ical().decode("utf-8")


def _nothing_to_plan(route: str | None, stamp: datetime) -> Journal:
    if route is None:
        text = "This profile has no route left to plan, so there are no exam dates."
    else:
        name = ROUTE_TITLES[route].removeprefix("The ")
        text = f"The route {name} has no exams left to plan, so there are no exam dates."
    note = Journal()
    note.add("uid", f"no-exams-{route or 'none'}-{stamp:%Y%m%dT%H%M%S}@career-path")
    note.add("dtstamp", stamp)
    note.add("dtstart", stamp.date())
    note.add("summary", "No exams to plan")
    note.add("description", text)
    return note


def _exam_event(exam: dict[str, Any], title: str, route: str, stamp: datetime) -> Event:
    start = date.fromisoformat(exam["window_start"])
    event = _all_day(
        f"{exam['code'].replace(' ', '-')}-{start:%Y%m%d}-{route}@career-path",
        stamp,
        start,
        date.fromisoformat(exam["window_end"]),
        f"Exam window: {exam['code']} {title}",
    )
    event.add(
        "description",
        f"Sit the {exam['code']} exam in this testing window; your study should be done by "
        f"{exam['ready']}. Course access ends {exam['access_ends']}. {CONFIRM}",
    )
    event.add("transp", "TRANSPARENT")
    return event


# --- a team's cohorts -------------------------------------------------------------------------


def team_calendar(plan: dict[str, Any]) -> bytes:
    """One all-day event per cohort naming its members, with an alarm before the window."""
    calendar = _calendar(TEAM_PRODID, "Team exam plan")
    stamp = _stamp()
    for window in plan["schedule"]:
        start = date.fromisoformat(window["window_start"])
        end = date.fromisoformat(window["window_end"])
        for cohort in window["cohorts"]:
            calendar.add_component(_cohort_event(cohort, start, end, stamp))
    return calendar.to_ical()


def _cohort_event(cohort: dict[str, Any], start: date, end: date, stamp: datetime) -> Event:
    people = len(cohort["members"])
    event = _all_day(
        f"{cohort['code'].replace(' ', '-')}-{start:%Y%m%d}-team@career-path",
        stamp,
        start,
        end,
        f"{cohort['code']} exams: {people} {'person' if people == 1 else 'people'}",
    )
    session = (
        f"A group study session can start on {cohort['study_starts']}."
        if cohort["group_session"]
        else "Studied on one's own."
    )
    event.add(
        "description",
        f"{cohort['code']} {cohort['title']}: sat in this testing window by "
        f"{'; '.join(cohort['members'])}. {session} Exam fees: {cohort['fees']:,.2f}. {CONFIRM}",
    )
    event.add("transp", "TRANSPARENT")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"{cohort['code']} testing window opens in two weeks: book the exams.")
    alarm.add("trigger", -ALARM_BEFORE)
    event.add_component(alarm)
    return event
