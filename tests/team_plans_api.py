"""POST /api/v1/team-plans as the team API tests send it (test_team_api.py,
test_team_api_rosters.py): the members and rows they send, a roster's bytes, the three ways in (a
CSV body, an upload, JSON), and the answer read back: a plan, or the API's error envelope."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from team_helpers import HEADER
from werkzeug.test import TestResponse

URL = "/api/v1/team-plans"
ANA = "Ana,agent,personal,2,,,undecided,4"
BEN = "Ben,underwriter,commercial,12,AINS,CPCU 500;CPCU 520,advance_to_leadership,6"
CAI = "Cai,claims,both,1,,,quick_credential,"
MEMBERS = [
    {"name": "Ana", "role": "agent", "lines": "personal", "years_experience": 2},
    {"name": "Ben", "role": "underwriter", "lines": "commercial", "years_experience": 12},
]


def roster(*rows: str, header: str = HEADER, newline: str = "\n") -> bytes:
    return newline.join([header, *rows]).encode("utf-8") + newline.encode()


def post_csv(client: FlaskClient, data: bytes, url: str = URL, **kwargs: Any) -> TestResponse:
    return client.post(url, data=data, content_type="text/csv", **kwargs)


def multipart(data: bytes, filename: str, field: str = "file") -> tuple[bytes, str]:
    """A multipart/form-data body holding one file, and its content type."""
    # Built by hand: werkzeug's test client spools a large upload to a temporary file that it
    # never closes, a ResourceWarning that filterwarnings=error turns into a failure.
    boundary = "----roster-boundary-7d1f"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
        f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'
    )
    body = head.encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def upload(client: FlaskClient, data: bytes, filename: str = "team.csv") -> TestResponse:
    body, content_type = multipart(data, filename)
    return client.post(URL, data=body, content_type=content_type)


def plan_of(response: TestResponse) -> dict[str, Any]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.content_type == "application/json"
    body: dict[str, Any] = response.get_json()
    return body


def envelope(response: TestResponse, status: int) -> dict[str, Any]:
    """Check that `response` is the API's error envelope for `status`; return its body."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.content_type == "application/json"
    body: dict[str, Any] = response.get_json()
    assert set(body) == {"code", "status", "message", "errors"}
    assert body["code"] == status and body["message"]
    return body
