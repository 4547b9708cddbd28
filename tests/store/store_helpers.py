"""Helpers for the store tests: users, a roster, logging in."""

from __future__ import annotations

from typing import Any

from recommender.store import queries

PASSWORD = "correct horse battery"


def add_user(email: str, role: str = "manager") -> Any:
    """A user with the test password."""
    return queries.create_user(email, role, PASSWORD)


ROSTER_CSV = (
    "name,role,lines,years_experience,completed_courses,start_date\n"
    "Ana Agent,agent,personal,2,,2025-01-06\n"
    "Carl Claims,claims,both,1,CPCU 500,2025-01-06\n"
    "Una Underwriter,underwriter,commercial,12,,2025-01-06\n"
)


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for an API token."""
    return {"Authorization": f"Bearer {token}"}


ROSTER_JSON = {
    "name": "Claims team",
    "members": [
        {
            "name": "Ana Agent",
            "role": "agent",
            "lines": "personal",
            "years_experience": 2,
            "start_date": "2025-01-06",
        },
        {
            "name": "Carl Claims",
            "role": "claims",
            "lines": "both",
            "years_experience": 1,
            "completed_courses": ["CPCU 500"],
            "start_date": "2025-01-06",
        },
    ],
}
