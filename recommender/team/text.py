"""The team plan as plain text for a terminal: each person, the schedule, the budget."""

from __future__ import annotations

from typing import Any

from .exports import errors_text
from .planning import NO_ROUTE


def format_table(plan: dict[str, Any]) -> str:
    """The team plan as plain text: a row per person, the schedule, the budget, the summary."""
    summary = plan["summary"]
    members = plan["members"]
    width = min(30, max([4, *(len(m["name"]) for m in members)]))
    # A spreadsheet's line where there is one (what the messages name), else the row.
    by_line = all(m["line"] is not None for m in members)
    number = "line" if by_line else "row"
    out = [
        f"Team plan: {_people(summary['people'])}, {summary['planned']:,} planned, "
        f"{summary['with_errors']:,} with errors (rules {plan['rules_version']})",
        "",
        f"{number.capitalize():>5}  {'Name':<{width}}  {'Route':<13}  {'Courses':>7}  "
        f"{'Months':<7}  Plan",
    ]
    for member in members:
        name = _clip(member["name"], width)
        if member["errors"]:
            out.append(
                f"{member[number]:>5}  {name:<{width}}  {'(error)':<13}  {'':>7}  {'':<7}  "
                + errors_text(member)
            )
            continue
        band = "{low}-{high}".format(**member["estimated_months"])
        courses = member["remaining_courses"]
        out.append(
            f"{member[number]:>5}  {name:<{width}}  {member['recommended_route'] or NO_ROUTE:<13}  "
            f"{len(courses):>7}  {band:<7}  {', '.join(courses) or '-'}"
        )
    return "\n".join(
        out
        + [""]
        + _summary_lines(summary)
        + _schedule_lines(plan)
        + _budget_lines(plan["budget"])
        + _notice_lines(plan["notices"])
    )


def _summary_lines(summary: dict[str, Any]) -> list[str]:
    out = ["People per route:"]
    out += [f"  {route:<15} {count:>6,}" for route, count in summary["routes"].items()]
    out += [f"  {'with errors':<15} {summary['with_errors']:>6,}", ""]
    out.append("Course demand (most shared first):")
    for number, item in enumerate(summary["course_demand"], start=1):
        out.append(
            f"  {number:>2}. {item['code']:<9} {_clip(item['title'], 50):<50} "
            f"{_people(item['members'])}"
        )
    if not summary["course_demand"]:
        out.append("  (no courses needed)")
    hours = summary["total_study_hours"]
    out += ["", f"Total study hours: {hours['low']:,} to {hours['high']:,}"]
    return out


def _schedule_lines(plan: dict[str, Any]) -> list[str]:
    out = ["", "Schedule (who sits which exam in which testing window):"]
    for window in plan["schedule"]:
        out.append(f"  {window['window_start']} to {window['window_end']}:")
        for cohort in window["cohorts"]:
            group = ", group session" if cohort["group_session"] else ""
            out.append(
                f"    {cohort['code']:<9} {_people(len(cohort['members']))}{group}: "
                + _clip(", ".join(cohort["members"]), 70)
            )
    if not plan["schedule"]:
        out.append("  (no exams to sit)")
    alignment = plan.get("alignment")
    if alignment:
        out.append(
            f"  Aligned: {alignment['cohorts_before']:,} cohorts became "
            f"{alignment['cohorts_after']:,}; "
            f"{len(alignment['moved']):,} exams moved a window later."
        )
    return out


def _budget_lines(budget: dict[str, Any]) -> list[str]:
    currency = budget["currency"]
    out = ["", f"Budget ({currency}, total {budget['total']:,.2f}):", "  By quarter:"]
    out += [
        f"    {q['quarter']:<9} {q['fees']:>12,.2f}  (buy by {q['buy_by']} for early purchase)"
        for q in budget["by_quarter"]
    ]
    out.append("  By fiscal year:")
    out += [
        f"    {y['fiscal_year']:<9} {y['fees']:>12,.2f}  (from {y['starts']})"
        for y in budget["by_fiscal_year"]
    ]
    return out


def _notice_lines(notices: list[str]) -> list[str]:
    return ["", "Notices:", *(f"  - {n}" for n in notices)] if notices else []


def _people(n: int) -> str:
    return f"{n:,} {'person' if n == 1 else 'people'}"


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())  # a quoted cell may hold line breaks: keep one line a row
    return text if len(text) <= width else text[: width - 3] + "..."
