"""/healthz while eight 1 MB rosters are planned through `bin/serve` (not a test)."""

# Usage: .venv/bin/python bench/team_plan_load.py [ROSTERS]
#
# Starts bin/serve (granian, 2 workers x 4 threads) on a free loopback port, posts
# ROSTERS (default 8) different 1 MB CSV rosters at once to POST /api/v1/team-plans, and asks
# GET /healthz every 50 ms until the last roster is answered. Printed: each roster's status
# (200, or 503 with Retry-After when every planning slot of its worker was taken) and time,
# and the health checks' count, median, p99 and slowest time. Planning is bounded to
# TEAM_PLAN_CONCURRENCY (default 2) plans per worker, below its 4 threads.

from __future__ import annotations

import sys
import threading
import time
import urllib.error
import urllib.request

from recommender.testing import serving

MEGABYTE = 1024 * 1024


def roster(seed: int) -> bytes:
    """A 1 MB CSV roster of varied people."""
    roles, lines_of = ("agent", "claims", "underwriter"), ("personal", "both", "commercial")
    rows = ["name,role,lines,years_experience,hours_per_week"]
    size = n = 0
    while size < MEGABYTE:
        n += 1
        rows.append(f"P{seed}-{n},{roles[n % 3]},{lines_of[n % 5 % 3]},{n % 25},{2 + n % 7}")
        size += len(rows[-1]) + 1
    return ("\n".join(rows) + "\n").encode()


def post(base: str, data: bytes, results: list[tuple[int, float, str]]) -> None:
    request = urllib.request.Request(
        base + "/api/v1/team-plans", data=data, headers={"Content-Type": "text/csv"}
    )
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            while response.read(MEGABYTE):
                pass
            status, retry = response.status, ""
    except urllib.error.HTTPError as error:
        status, retry = error.code, error.headers.get("Retry-After", "")
    results.append((status, time.perf_counter() - start, retry))


def main(argv: list[str]) -> None:
    count = int(argv[0]) if argv else 8
    rosters = [roster(seed) for seed in range(count)]
    with serving(workers=2) as server:
        base = server.url
        results: list[tuple[int, float, str]] = []
        threads = [threading.Thread(target=post, args=(base, r, results)) for r in rosters]
        for thread in threads:
            thread.start()
        waits = []
        while any(thread.is_alive() for thread in threads):
            start = time.perf_counter()
            with urllib.request.urlopen(base + "/healthz", timeout=30) as response:
                assert response.status == 200
            waits.append(time.perf_counter() - start)
            time.sleep(0.05)
        for thread in threads:
            thread.join()
    print(f"{count} rosters of {len(rosters[0]) / MEGABYTE:.1f} MB posted at once:")
    for status, seconds, retry in sorted(results):
        extra = f" (Retry-After: {retry})" if retry else ""
        print(f"  {status} in {seconds:6.2f} s{extra}")
    waits.sort()
    print(
        f"/healthz meanwhile: {len(waits)} checks, median {waits[len(waits) // 2] * 1000:.0f} ms, "
        f"p99 {waits[int(len(waits) * 0.99)] * 1000:.0f} ms, slowest {waits[-1] * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
