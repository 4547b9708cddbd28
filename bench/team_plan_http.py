"""Time team plans through the API (POST /api/v1/team-plans, Flask's test client) (not a test)."""

# Usage: .venv/bin/python bench/team_plan_http.py [SIZE ...]
#
# The rosters are bench/team_plan.py's synthetic 1k, 10k and 50k-row CSVs. Each size runs in a
# fresh subprocess so its peak RSS is its own; a small roster is planned first so that the
# figures leave out the first request's one-off costs. Reported per size: seconds for the
# JSON answer, for the CSV answer (?format=csv) and for a multipart upload answered as JSON,
# each the whole request (reading the body, parsing, planning, serialising); the JSON answer's
# size; the process's peak RSS. The target is 10,000 rows under 3 seconds.

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import size_table  # noqa: E402
from team_plan import SIZES, synthetic_roster  # noqa: E402

from recommender import create_app  # noqa: E402

URL = "/api/v1/team-plans"


def timed(send: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    response = send()
    seconds = time.perf_counter() - start
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return seconds, response


def measure(size: int) -> dict[str, float]:
    """Measure one size in this process."""
    app = create_app({"LOG_LEVEL": "WARNING"})
    client = app.test_client()
    data = synthetic_roster(size).encode("utf-8")
    client.post(URL, data=synthetic_roster(50).encode(), content_type="text/csv")  # warm up
    as_json, response = timed(lambda: client.post(URL, data=data, content_type="text/csv"))
    rows = len(response.get_json()["members"])
    json_bytes = len(response.get_data())
    as_csv, _ = timed(lambda: client.post(URL + "?format=csv", data=data, content_type="text/csv"))
    boundary = "----bench-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="team.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    as_upload, _ = timed(
        lambda: client.post(
            URL, data=body, content_type=f"multipart/form-data; boundary={boundary}"
        )
    )
    return {
        "rows": rows,
        "bytes": len(data),
        "json_seconds": as_json,
        "csv_seconds": as_csv,
        "upload_seconds": as_upload,
        "json_bytes": json_bytes,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


HEAD = (
    f"{'rows':>7} {'MiB in':>6} {'json s':>7} {'csv s':>6} {'upload s':>8} "
    f"{'MiB out':>7} {'peak RSS':>9}"
)


def _row(r: dict) -> str:
    return (
        f"{r['rows']:>7,} {r['bytes'] / 2**20:>6.2f} {r['json_seconds']:>7.2f} "
        f"{r['csv_seconds']:>6.2f} {r['upload_seconds']:>8.2f} "
        f"{r['json_bytes'] / 2**20:>7.2f} {r['peak_rss_mib']:>6.0f} MiB"
    )


def main(argv: list[str]) -> None:
    size_table(__file__, argv, SIZES, HEAD, _row, measure)


if __name__ == "__main__":
    main(sys.argv[1:])
