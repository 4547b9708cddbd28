"""A saved team in pages, on both databases: the API's pages (total, Link headers, search, the
behind filter, a page past the last), the web page's, and the whole plan as /team's files."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient

from recommender import saved_teams
from recommender.accounts.tokens import create_token
from recommender.extensions import current_recommender
from recommender.store import accounts
from recommender.team import parse_json_roster

NAMES = ["Ana Agent", "ANNA Banks", "Bob Broker", "Cy 50%_off", "Dee Dana", "Eve", "Fay"]


def _people(names: list[str], start: str = "2027-01-06") -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "role": ("agent", "claims", "underwriter", "broker")[n % 4],
            "lines": ("personal", "both", "commercial")[n % 3],
            "years_experience": n % 9,
            "start_date": start,
        }
        for n, name in enumerate(names)
    ]


@pytest.fixture
def api(
    store_app: Flask, add_user: Callable[..., Any], bearer: Callable[[str], dict[str, str]]
) -> tuple[FlaskClient, dict[str, str]]:
    """A client, and Ann's API headers."""
    return store_app.test_client(), bearer(create_token(add_user("ann@example.com")))


def _links(response: Any) -> dict[str, dict[str, str]]:
    """The Link header's pages by relation, each as its query parameters."""
    found = {}
    for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers.get("Link", "")):
        assert url.startswith("http://localhost/api/v1/teams/")
        found[rel] = dict(re.findall(r"[?&](\w+)=([^&]*)", url))
    return found


def test_the_api_lists_members_in_pages_with_a_total_and_links(api: Any) -> None:
    client, ann = api
    team = client.post(
        "/api/v1/teams", json={"name": "Seven", "members": _people(NAMES)}, headers=ann
    ).json
    url = f"/api/v1/teams/{team['id']}"
    pages = [client.get(f"{url}?per_page=3&page={n}", headers=ann) for n in (1, 2, 3, 4)]
    assert all(page.status_code == 200 for page in pages)
    bodies = [page.json for page in pages]
    assert [[m["name"] for m in b["members"]] for b in bodies] == [
        NAMES[0:3],
        NAMES[3:6],
        NAMES[6:],
        [],  # past the last page: none, and a link back
    ]
    assert {(b["total"], b["per_page"]) for b in bodies} == {(7, 3)}
    assert [b["page"] for b in bodies] == [1, 2, 3, 4]
    assert [m["row"] for m in bodies[1]["members"]] == [4, 5, 6]
    first, middle, last, past = (_links(page) for page in pages)
    assert set(first) == {"first", "next", "last"} and first["next"]["page"] == "2"
    assert {rel: q["page"] for rel, q in middle.items()} == {
        "first": "1",
        "prev": "1",
        "next": "3",
        "last": "3",
    }
    assert set(last) == {"first", "prev", "last"} and last["prev"]["page"] == "2"
    assert past["prev"]["page"] == "3" and "next" not in past
    assert all(q["per_page"] == "3" for q in middle.values())
    # The team's sums cover everyone on every page; a cohort names this page's people only.
    for rest in bodies[1:]:
        for key in ("summary", "budget", "group_sessions", "notices"):
            assert rest[key] == bodies[0][key]
        assert [
            [(c["code"], c["people"], c["fees"]) for c in w["cohorts"]] for w in rest["schedule"]
        ] == [
            [(c["code"], c["people"], c["fees"]) for c in w["cohorts"]]
            for w in bodies[0]["schedule"]
        ]
    assert bodies[0]["summary"]["people"] == 7
    exams = sum(len(m["exam_schedule"]) for b in bodies for m in b["members"])
    cohorts = [c for w in bodies[0]["schedule"] for c in w["cohorts"]]
    assert sum(c["people"] for c in cohorts) == exams > 0
    for body in bodies:
        seats = {
            (w["window_start"], c["code"], name)
            for w in body["schedule"]
            for c in w["cohorts"]
            for name in c["members"]
        }
        assert seats == {
            (e["window_start"], e["code"], m["name"])
            for m in body["members"]
            for e in m["exam_schedule"]
        }


def test_paging_refuses_numbers_out_of_range_naming_the_field(api: Any) -> None:
    client, ann = api
    team = client.post(
        "/api/v1/teams", json={"name": "T", "members": _people(NAMES[:2])}, headers=ann
    ).json
    url = f"/api/v1/teams/{team['id']}"
    for query, field in [
        ("per_page=501", "per_page"),
        ("per_page=0", "per_page"),
        ("page=0", "page"),
        ("page=x", "page"),
        ("behind=maybe", "behind"),
        ("format=pdf", "format"),
    ]:
        answer = client.get(f"{url}?{query}", headers=ann)
        assert answer.status_code == 422, query
        assert field in answer.json["errors"], (query, answer.json)
    default = client.get(url, headers=ann).json
    assert (default["page"], default["per_page"], default["total"]) == (1, 50, 2)
    assert client.get(f"{url}?per_page=500", headers=ann).status_code == 200


def test_search_finds_names_containing_it_in_any_case(api: Any) -> None:
    client, ann = api
    team = client.post(
        "/api/v1/teams", json={"name": "T", "members": _people(NAMES)}, headers=ann
    ).json
    url = f"/api/v1/teams/{team['id']}"

    def found(search: str) -> list[str]:
        answer = client.get(url, query_string={"search": search}, headers=ann)
        assert answer.status_code == 200
        assert answer.json["total"] == len(answer.json["members"])
        return [m["name"] for m in answer.json["members"]]

    assert found("an") == ["Ana Agent", "ANNA Banks", "Dee Dana"]
    assert found("ANA") == ["Ana Agent", "Dee Dana"]
    assert found("%") == ["Cy 50%_off"]  # a literal, not a wildcard
    assert found("_") == ["Cy 50%_off"]
    assert found("zzz") == []
    answer = client.get(url, query_string={"search": "a", "per_page": 2}, headers=ann)
    assert answer.json["total"] == 4 and len(answer.json["members"]) == 2
    assert _links(answer)["next"] == {"page": "2", "per_page": "2", "search": "a"}


def test_the_behind_filter_lists_those_behind(api: Any) -> None:
    client, ann = api
    late = _people(["Late One", "Late Two"], start="2023-01-09")  # first exams long past
    team = client.post(
        "/api/v1/teams",
        json={"name": "T", "members": [*_people(NAMES[:3]), *late]},
        headers=ann,
    ).json
    url = f"/api/v1/teams/{team['id']}"
    everyone = client.get(url, headers=ann).json["members"]
    behind = [m["name"] for m in everyone if m["status"] == "behind"]
    assert behind == ["Late One", "Late Two"]
    answer = client.get(f"{url}?behind=true", headers=ann)
    assert [m["name"] for m in answer.json["members"]] == behind
    assert answer.json["total"] == 2 and answer.json["summary"]["people"] == 5
    assert _links(answer)["first"]["behind"] == "true"
    assert client.get(f"{url}?behind=true&search=two", headers=ann).json["total"] == 1


# --- the whole plan as /team's files ------------------------------------------------------------


def _without_stamps(calendar: bytes) -> bytes:
    return re.sub(rb"DTSTAMP:[^\r\n]*\r\n", b"", calendar)


def _cells(workbook: bytes) -> dict[str, list[tuple[Any, ...]]]:
    book = openpyxl.load_workbook(io.BytesIO(workbook), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def test_a_saved_teams_files_are_team_plans_files_for_the_same_roster(api: Any) -> None:
    client, ann = api
    people = [*_people(NAMES), {**_people(["Zed"])[0], "role": "pilot"}]  # one to fix
    team = client.post("/api/v1/teams", json={"name": "T", "members": people}, headers=ann).json
    url = f"/api/v1/teams/{team['id']}"
    for format_ in ("csv", "xlsx", "ics"):
        saved = client.get(f"{url}?format={format_}", headers=ann)
        anonymous = client.post(f"/api/v1/team-plans?format={format_}", json={"members": people})
        assert saved.status_code == anonymous.status_code == 200
        assert saved.mimetype == anonymous.mimetype
        assert saved.headers["ETag"] == '"1"'
        if format_ == "csv":
            assert saved.data == anonymous.data
            assert "Zed" in saved.get_data(as_text=True)
        elif format_ == "xlsx":
            assert _cells(saved.data) == _cells(anonymous.data)
        else:
            assert _without_stamps(saved.data) == _without_stamps(anonymous.data)
    accepted = client.get(url, headers={**ann, "Accept": "text/csv"})
    assert accepted.mimetype == "text/csv"
    assert accepted.data == client.get(f"{url}?format=csv", headers=ann).data


# --- the web page -----------------------------------------------------------------------------


def test_the_team_page_shows_a_page_of_members_with_links_and_a_filter(
    web: FlaskClient, log_in: Callable[..., Any], csrf_token: Callable[[str], str]
) -> None:
    log_in(web, "ann@example.com")
    names = [f"Person {n:02d}" for n in range(1, 56)]
    with web.application.app_context():
        owner = accounts.user_by_email("ann@example.com")
        roster = parse_json_roster({"members": _people(names)})
        team = saved_teams.create_from_roster(current_recommender(), owner, "Big", roster)
        team_id, ids = team.id, [m.id for m in team.members]
    first = web.get(f"/teams/{team_id}").get_data(as_text=True)
    assert "Members 1 to 25 of 55" in first and "Page 1 of 3" in first
    assert "Person 25" in first and "Person 26" not in first  # the first screen: a page
    assert f'href="/teams/{team_id}?page=2" rel="next"' in first
    assert f'href="/teams/{team_id}?page=3" rel="last"' in first
    assert f'href="/teams/{team_id}/plan.csv"' in first
    last = web.get(f"/teams/{team_id}?page=3").get_data(as_text=True)
    assert "Members 51 to 55 of 55" in last and "Person 51" in last
    assert "Person 01" not in last and "Person 50" not in last
    small = web.get(f"/teams/{team_id}?per_page=10&search=person+0").get_data(as_text=True)
    assert "Members 1 to 9 of 9" in small and "Person 09" in small and "Person 10" not in small
    behind = web.get(f"/teams/{team_id}?behind=true").get_data(as_text=True)
    assert "No member here (0 in all)" in behind
    # Progress for someone on the last page: back to that page, at them.
    action = f"/teams/{team_id}/members/{ids[52]}/progress"
    token = csrf_token(last)
    done = web.post(
        action,
        data={"csrf_token": token, "course": "API 29", "status": "passed", "date": "2025-05-01"},
    )
    assert done.status_code == 303
    assert done.headers["Location"].endswith(f"/teams/{team_id}?page=3#member-{ids[52]}")
    csv = web.get(f"/teams/{team_id}/plan.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert all(name in csv.get_data(as_text=True) for name in names)
