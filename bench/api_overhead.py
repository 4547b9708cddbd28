"""What a warm recommendation costs over /healthz in the app itself, through Flask's test client.

Run from a clean clone: bin/setup && .venv/bin/python bench/api_overhead.py [REQUESTS]

No server and no network: both endpoints go through the same app (request hooks, access log
line written to a file, security headers), so the difference is the recommendation's own
per-request cost: parsing and checking the profile, working out (or reusing) the answer,
and encoding it. Prints, side by side, the median and p99 microseconds of `GET /healthz` and
of `POST /api/v1/recommendations` (one profile sent again and again, then 1,000 mixed
profiles in turn), and the ratio of their rates (the /healthz median over the
recommendation's). Target: recommendations at >= 0.70 of the /healthz rate.
"""

from __future__ import annotations

import json
import logging
import os
import statistics
import sys

from _common import microseconds, mixed_profiles, p99

from recommender import create_app

TARGET_RATIO = 0.70
ONE = {"role": "agent", "lines": "personal", "years_experience": 4, "goal": "advance_to_leadership"}


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    app = create_app({"TESTING": False})
    # The access log line as a server writes it: to a file, not a terminal.
    with open(os.devnull, "w", encoding="utf-8") as sink:
        app.logger.handlers[:] = [logging.StreamHandler(sink)]
        client = app.test_client()
        one = json.dumps(ONE).encode()
        mixed = [json.dumps(p).encode() for p in mixed_profiles(1000)]

        def healthz(_: int) -> object:
            return client.get("/healthz")

        def recommend(body: bytes) -> object:
            response = client.post(
                "/api/v1/recommendations", data=body, content_type="application/json"
            )
            assert response.status_code == 200, response.get_data(as_text=True)
            return response

        for n in range(len(mixed)):  # warm-up: imports, caches
            healthz(n), recommend(one), recommend(mixed[n])
        figures = [
            ("GET /healthz", microseconds(healthz, range(count))),
            (
                "POST recommendations, one profile",
                microseconds(lambda _: recommend(one), range(count)),
            ),
            (
                "POST recommendations, 1,000 profiles",
                microseconds(lambda n: recommend(mixed[n % len(mixed)]), range(count)),
            ),
        ]
    health = statistics.median(figures[0][1])
    print(f"{count:,} requests each through Flask's test client, microseconds per request")
    print(f"{'':38} {'median':>8} {'p99':>8} {'rate vs /healthz':>17}")
    for name, samples in figures:
        median = statistics.median(samples)
        print(f"{name:38} {median:>8.0f} {p99(samples):>8.0f} {health / median:>17.2f}")
    ratio = health / statistics.median(figures[1][1])
    verdict = "met" if ratio >= TARGET_RATIO else "MISSED"
    print(
        f"recommendations at {ratio:.2f} of the /healthz rate (target >= {TARGET_RATIO}: {verdict})"
    )


if __name__ == "__main__":
    main()
