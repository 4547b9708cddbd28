"""Helpers for the store tests: users, a roster, logging in."""

from __future__ import annotations

from typing import Any

from recommender.accounts.users import create_user

PASSWORD = "correct horse battery"


def add_user(email: str, role: str = "manager") -> Any:
    """A user with the test password."""
    return create_user(email, role, PASSWORD)


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


def csrf_token(page: str) -> str:
    """The CSRF token in a page's first form."""
    import re

    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "no CSRF token in the page"
    return found.group(1)


def log_in(client: Any, email: str, password: str = PASSWORD) -> Any:
    """Log in through the login form, as a browser does."""
    token = csrf_token(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})
