"""Planning is bounded: a full house answers 503 with Retry-After, and /healthz keeps answering."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator

import pytest
import requests
from werkzeug.serving import make_server

from recommender import create_app
from recommender.config import DEFAULT_RULES_DIR
from recommender.team_http import planning_slot

URL = "/api/v1/team-plans"
ROSTER = "name,role,lines,years_experience\nAna,agent,personal,2\n"


def one_megabyte_roster(seed: int) -> bytes:
    lines = ["name,role,lines,years_experience,hours_per_week"]
    roles, lines_of = ("agent", "claims", "underwriter"), ("personal", "both", "commercial")
    n = 0
    while sum(len(line) + 1 for line in lines) < 1024 * 1024:
        n += 1
        lines.append(f"P{seed}-{n},{roles[n % 3]},{lines_of[n % 5 % 3]},{n % 25},{2 + n % 7}")
    return ("\n".join(lines) + "\n").encode()


def test_with_every_slot_taken_a_roster_is_answered_503_and_healthz_200():
    app = create_app({"RULES_DIR": DEFAULT_RULES_DIR, "TEAM_PLAN_CONCURRENCY": 1})
    app.config["TEAM_PLAN_WAIT"] = 0.05
    client = app.test_client()
    with app.test_request_context(), planning_slot():  # this test holds the only slot
        busy = client.post(URL, data=ROSTER, content_type="text/csv")
        page = client.post("/team", data={"file": (io.BytesIO(ROSTER.encode()), "t.csv")})
        health = client.get("/healthz")
    assert busy.status_code == 503
    assert busy.headers["Retry-After"] == "5"
    body = busy.get_json()
    assert body["code"] == 503 and "try again" in body["message"]
    assert page.status_code == 503 and page.headers["Retry-After"] == "5"
    assert "try again" in page.get_data(as_text=True)
    assert health.status_code == 200
    assert client.post(URL, data=ROSTER, content_type="text/csv").status_code == 200  # freed


@pytest.fixture
def server() -> Iterator[str]:
    app = create_app({"RULES_DIR": DEFAULT_RULES_DIR})
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def test_healthz_answers_while_eight_large_rosters_are_planned(server: str):
    rosters = [one_megabyte_roster(seed) for seed in range(8)]
    statuses: list[int] = []

    def post(data: bytes) -> None:
        response = requests.post(
            server + URL, data=data, headers={"Content-Type": "text/csv"}, timeout=120
        )
        statuses.append(response.status_code)
        if response.status_code == 503:
            assert response.headers["Retry-After"]

    posts = [threading.Thread(target=post, args=(data,)) for data in rosters]
    for thread in posts:
        thread.start()
    waits = []
    while any(thread.is_alive() for thread in posts):
        start = time.perf_counter()
        assert requests.get(server + "/healthz", timeout=10).status_code == 200
        waits.append(time.perf_counter() - start)
        time.sleep(0.05)
    for thread in posts:
        thread.join()
    assert sorted(set(statuses)) in ([200], [200, 503])
    assert len(statuses) == 8 and statuses.count(200) >= 2
    assert waits and max(waits) < 2.0, f"slowest /healthz {max(waits):.2f} s of {len(waits)}"
