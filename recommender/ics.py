"""The exam plan as an iCalendar file (RFC 5545): one all-day event per exam window."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from icalendar import Calendar, Event

from .vocabulary import ROUTE_TITLES

PRODID = "-//career-path//exam plan//EN"


class NoExamsError(ValueError):
    """The plan has no exam to put in a calendar (RFC 5545 allows no empty calendar)."""


def exam_calendar(answer: dict[str, Any], route: str | None = None) -> str:
    """The exam windows of `route` (default: the recommended one) as an .ics document."""
    route = route or answer["recommended_route"]
    if route is None:
        raise NoExamsError(
            "This profile has no route left to plan, so there are no exam dates for a calendar."
        )
    chosen = next((r for r in answer["routes"] if r["route"] == route), None)
    exams = chosen["exam_schedule"] if chosen else []
    if chosen is None or not exams:
        raise NoExamsError(
            f"{ROUTE_TITLES[route]} route has no exams left to plan, so there are no exam "
            "dates for a calendar."
        )
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Exam plan: {ROUTE_TITLES[route]}")
    stamp = datetime.now(UTC).replace(microsecond=0)
    titles = {c["code"]: c["title"] for c in chosen["remaining_courses"]}
    for exam in exams:
        calendar.add_component(_exam_event(exam, titles[exam["code"]], route, stamp))
    return calendar.to_ical().decode("utf-8")


def _exam_event(exam: dict[str, Any], title: str, route: str, stamp: datetime) -> Event:
    start = date.fromisoformat(exam["window_start"])
    event = Event()
    event.add("uid", f"{exam['code'].replace(' ', '-')}-{start:%Y%m%d}-{route}@career-path")
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    # DTEND is exclusive: the day after the window's last day.
    event.add("dtend", date.fromisoformat(exam["window_end"]) + timedelta(days=1))
    event.add("summary", f"Exam window: {exam['code']} {title}")
    event.add(
        "description",
        f"Sit the {exam['code']} exam in this testing window; your study should be done by "
        f"{exam['ready']}. Course access ends {exam['access_ends']}. "
        "Dates to confirm with The Institutes.",
    )
    event.add("transp", "TRANSPARENT")
    return event
