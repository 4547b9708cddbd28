"""Rosters for the team-plan tests (test_team.py, test_team_reading.py): the full header, a CSV
roster's text from its rows, its plan, and its members by row."""

from __future__ import annotations

from recommender.team import parse_roster, plan_team

HEADER = "name,role,lines,years_experience,designations,completed_courses,goal,hours_per_week"


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def plan(recommender, text, **limits):
    return plan_team(recommender, parse_roster(text, **limits))


def by_row(result):
    return {m["row"]: m for m in result["members"]}
