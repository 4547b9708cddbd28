"""The overview: every team a user may see with its counts and next exams, and the exam budget
by fiscal year summed across them; the same as CSV, xlsx and over the API."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient

from recommender.accounts.tokens import create_token

MORE = [  # after the conftest's Ana and Carl: a senior underwriter, and one who is done
    {
        "name": "Una Underwriter",
        "role": "underwriter",
        "lines": "commercial",
        "years_experience": 12,
    },
    {
        "name": "Done Dana",
        "role": "agent",
        "lines": "personal",
        "years_experience": 2,
        "completed_courses": ["API 29", "CPCU 555", "CPCU 556", "ETH 311"],
    },
]


@pytest.fixture
def members(roster_json: dict[str, Any]) -> list[dict[str, Any]]:
    """Four members: Ana, Carl, Una, and Dana who has passed every course of her route."""
    found: list[dict[str, Any]] = [*roster_json["members"], *MORE]
    return found


@pytest.fixture
def api(
    store_app: Flask,
    add_user: Callable[..., Any],
    bearer: Callable[[str], dict[str, str]],
    members: list[dict[str, Any]],
) -> tuple[FlaskClient, dict[str, dict[str, str]], dict[str, int]]:
    """Ann's team and Bob's (shared with Ann as a viewer), Cleo's (not shared); Ada an admin."""
    client = store_app.test_client()
    h = {
        name: bearer(create_token(add_user(f"{name}@example.com", role)))
        for name, role in (
            ("ann", "manager"),
            ("bob", "adviser"),
            ("cleo", "manager"),
            ("ada", "admin"),
        )
    }
    ids = {}
    for name, size in (("ann", 4), ("bob", 2), ("cleo", 1)):
        body = {"name": f"{name.title()}'s team", "members": members[:size]}
        made = client.post("/api/v1/teams", json=body, headers=h[name])
        assert made.status_code == 201, made.json
        ids[name] = made.json["id"]
    shared = client.post(
        f"/api/v1/teams/{ids['bob']}/colleagues",
        json={"email": "ann@example.com", "role": "viewer"},
        headers=h["bob"],
    )
    assert shared.status_code == 201
    return client, h, ids


def _whole(client: FlaskClient, headers: dict[str, str], team_id: int) -> dict[str, Any]:
    answer = client.get(f"/api/v1/teams/{team_id}?per_page=100", headers=headers)
    assert answer.status_code == 200
    body: dict[str, Any] = answer.json
    return body


def test_the_overview_sums_every_team_the_user_may_see_as_each_team_shows_it(api: Any) -> None:
    client, h, ids = api
    answer = client.get("/api/v1/overview", headers=h["ann"])
    assert answer.status_code == 200
    overview = answer.json
    assert overview["today"] == date.today().isoformat()
    assert [(t["id"], t["role"]) for t in overview["teams"]] == [
        (ids["bob"], "viewer"),  # most recently changed first
        (ids["ann"], "owner"),
    ]
    fiscal: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    first_windows = []
    for line in overview["teams"]:
        team = _whole(client, h["ann"], line["id"])
        statuses = Counter(m["status"] for m in team["members"])
        assert line["people"] == team["summary"]["people"] == len(team["members"])
        assert line["on_track"] == statuses["on_track"]
        assert line["behind"] == statuses["behind"]
        assert line["earned"] == statuses["completed"]
        assert line["not_planned"] == team["summary"]["with_errors"]
        for key in ("people", "on_track", "behind", "earned", "not_planned"):
            totals[key] += line[key]
        for year in team["budget"]["by_fiscal_year"]:
            fiscal[year["fiscal_year"]] += round(year["fees"] * 100)
        upcoming = [w for w in team["schedule"] if w["window_end"] >= overview["today"]]
        if upcoming:
            first = upcoming[0]
            exams = sum(c["people"] for c in first["cohorts"])
            assert line["next_window"] == {
                "window_start": first["window_start"],
                "window_end": first["window_end"],
                "buy_by": next(
                    w["buy_by"]
                    for w in team["budget"]["by_window"]
                    if w["window_start"] == first["window_start"]
                ),
                "exams": exams,
                "fees": first["fees"],
            }
            first_windows.append((first["window_start"], exams))
        else:
            assert line["next_window"] is None
    assert overview["totals"] == dict(totals)
    assert totals["earned"] >= 1  # Dana has passed every course of her route
    assert {
        y["fiscal_year"]: round(y["fees"] * 100) for y in overview["budget"]["by_fiscal_year"]
    } == dict(fiscal)
    assert round(overview["budget"]["total"] * 100) == sum(fiscal.values())
    soonest = min(start for start, _ in first_windows)
    assert overview["next_window"]["window_start"] == soonest
    assert overview["next_window"]["exams"] == sum(n for s, n in first_windows if s == soonest)

    # Fiscal years from April: the same fees, other years.
    april = client.get("/api/v1/overview?fiscal_year_start=4", headers=h["ann"]).json["budget"]
    assert april["fiscal_year_start"] == 4 and april["total"] == overview["budget"]["total"]
    assert all(y["starts"][5:] == "04-01" for y in april["by_fiscal_year"])
    bad = client.get("/api/v1/overview?fiscal_year_start=13", headers=h["ann"])
    assert bad.status_code == 422 and "fiscal_year_start" in str(bad.json["errors"])

    # Cleo sees her own team only; the admin sees all three; no token, no overview.
    cleo = client.get("/api/v1/overview", headers=h["cleo"]).json
    assert [t["id"] for t in cleo["teams"]] == [ids["cleo"]]
    ada = client.get("/api/v1/overview", headers=h["ada"]).json
    assert sorted(t["id"] for t in ada["teams"]) == sorted(ids.values())
    assert {t["role"] for t in ada["teams"]} == {"admin"}
    assert client.get("/api/v1/overview").status_code == 401


def test_the_overview_downloads_hold_the_same_figures(api: Any) -> None:
    client, h, ids = api
    overview = client.get("/api/v1/overview", headers=h["ann"]).json
    as_csv = client.get("/api/v1/overview?format=csv", headers=h["ann"])
    assert as_csv.status_code == 200 and as_csv.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(as_csv.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Teams"]
    header = rows[1]
    teams = rows[2 : 2 + len(overview["teams"])]
    for row, line in zip(teams, overview["teams"], strict=True):
        cells = dict(zip(header, row, strict=True))
        assert cells["Team"] == line["name"] and cells["Your role"] == line["role"]
        assert int(cells["People"]) == line["people"] and int(cells["Behind"]) == line["behind"]
    budget_at = rows.index(["Budget"])
    years = rows[budget_at + 2 :]
    assert [r[0] for r in years] == [y["fiscal_year"] for y in overview["budget"]["by_fiscal_year"]]
    assert [float(r[3]) for r in years] == [y["fees"] for y in overview["budget"]["by_fiscal_year"]]

    as_xlsx = client.get(
        "/api/v1/overview",
        headers={
            **h["ann"],
            "Accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        },
    )
    assert as_xlsx.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(as_xlsx.data))
    assert book.sheetnames == ["Teams", "Budget"]
    sheet = [list(r) for r in book["Teams"].iter_rows(values_only=True)]
    assert [r[0] for r in sheet[1:]] == [t["name"] for t in overview["teams"]]
    assert [r[3] for r in sheet[1:]] == [t["people"] for t in overview["teams"]]
    fees = [r[3] for r in book["Budget"].iter_rows(min_row=2, values_only=True)]
    assert fees == [y["fees"] for y in overview["budget"]["by_fiscal_year"]]


def test_the_overview_page_and_its_files_on_the_web(
    web: FlaskClient,
    log_in: Callable[..., Any],
    bearer: Callable[[str], dict[str, str]],
    members: list[dict[str, Any]],
) -> None:
    app = web.application
    with app.app_context():
        from recommender.store import accounts

        ann = accounts.user_by_email("ann@example.com")
        bob = accounts.user_by_email("bob@example.com")
        assert ann is not None and bob is not None
        tokens = {"ann": bearer(create_token(ann)), "bob": bearer(create_token(bob))}
    for name in ("ann", "bob"):
        body = {"name": f"{name.title()}'s team", "members": members[:3]}
        assert web.post("/api/v1/teams", json=body, headers=tokens[name]).status_code == 201
    assert web.get("/overview").status_code == 302  # sign in first
    log_in(web, "ann@example.com")
    teams = web.get("/teams").get_data(as_text=True)
    assert 'href="/overview"' in teams
    page = web.get("/overview")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Ann&#39;s team" in text and "Bob&#39;s team" not in text
    overview = web.get("/api/v1/overview", headers=tokens["ann"]).json
    people = overview["totals"]["people"]
    assert f"1 team you can see, {people} people" in text
    assert f"{overview['totals']['behind']} behind" in text
    for year in overview["budget"]["by_fiscal_year"]:
        assert f'<th scope="row">{year["fiscal_year"]}</th>' in text
    april = web.get("/overview?fiscal_year_start=4").get_data(as_text=True)
    assert '<option value="4" selected>April</option>' in april
    download = web.get("/overview.csv?fiscal_year_start=4")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    written = download.get_data()  # streamed: read before the next request
    same = web.get("/api/v1/overview?format=csv&fiscal_year_start=4", headers=tokens["ann"])
    assert written == same.get_data()
    xlsx = web.get("/overview.xlsx")
    assert xlsx.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(xlsx.data)).sheetnames == ["Teams", "Budget"]


def test_the_overview_sets_planned_fees_against_the_teams_budgets_summed(
    api: Any, store_app: Flask
) -> None:
    from recommender.store import budgets

    client, h, ids = api
    years = client.get("/api/v1/overview", headers=h["ann"]).json["budget"]["by_fiscal_year"]
    assert years and all(y["budget"] is None for y in years)  # none set yet
    first = years[0]["fiscal_year"]
    with store_app.app_context():
        budgets.set_budget(ids["ann"], first, 100_000)
        budgets.set_budget(ids["bob"], first, 2_550)
        budgets.set_budget(ids["cleo"], first, 999_999)  # not Ann's to see
    answer = client.get("/api/v1/overview", headers=h["ann"]).json["budget"]["by_fiscal_year"]
    assert {y["fiscal_year"]: y["budget"] for y in answer} == {
        y["fiscal_year"]: (1_025.50 if y["fiscal_year"] == first else None) for y in years
    }
    rows = list(
        csv.reader(
            io.StringIO(
                client.get("/api/v1/overview?format=csv", headers=h["ann"])
                .get_data(as_text=True)
                .lstrip("\ufeff")
            )
        )
    )
    budget_rows = rows[rows.index(["Budget"]) + 1 :]
    assert budget_rows[0][-1] == "Budget" and float(budget_rows[1][-1]) == 1_025.50
