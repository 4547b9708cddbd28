"""Resident memory of one server process over 100,000 recommendation requests (not a test).

Run from a clean clone: bin/setup && .venv/bin/python bench/soak.py [REQUESTS]

Starts bin/serve with 1 worker (4 app threads) on a free loopback port, so the one
worker's VmRSS (/proc/<worker>/status; the worker is the granian master's child) is the
measure; stops it at the end, whatever happens. The load comes from 3 separate client
processes, each with one keep-alive connection, posting a rotating mix of 1,000 profiles
(bench/_common) to /api/v1/recommendations; every answer must be a 200. Memory is read after
0 requests (the app loaded, /healthz answered), after REQUESTS/2 and after REQUESTS
(default 100,000). Target: growth at most 10 MB over the run.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import time

from _common import mixed_profiles, rss_mb
from _server import worker_pids

from recommender.testing import serving

TARGET_GROWTH_MB = 10.0
CLIENTS = 3
PATH = "/api/v1/recommendations"


def client(port: int, count: int, offset: int) -> None:
    """Post `count` recommendations over one keep-alive connection; exit 1 on any non-200."""
    bodies = [json.dumps(p).encode() for p in mixed_profiles(1000)]
    headers = {"Content-Type": "application/json"}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    failures = 0
    for n in range(count):
        connection.request("POST", PATH, bodies[(offset + n) % len(bodies)], headers)
        response = connection.getresponse()
        response.read()
        failures += response.status != 200
    connection.close()
    sys.exit(1 if failures else 0)


def drive(port: int, total: int) -> float:
    """Send `total` requests from CLIENTS separate processes; return the seconds it took."""
    start = time.perf_counter()
    share = -(-total // CLIENTS)
    clients = [
        subprocess.Popen(
            [sys.executable, __file__, "--client", str(port), str(count), str(n * 337)]
        )
        for n, count in enumerate(min(share, total - i * share) for i in range(CLIENTS))
    ]
    if any(c.wait() != 0 for c in clients):
        raise SystemExit("a client saw an answer other than 200")
    return time.perf_counter() - start


def main(argv: list[str]) -> None:
    if argv[:1] == ["--client"]:
        client(*map(int, argv[1:4]))
        return
    total = int(argv[0]) if argv else 100_000
    with serving(workers=1, threads=4) as server:
        (worker,) = worker_pids(server.pid)
        readings = [(0, rss_mb(worker), 0.0)]
        for done in (total // 2, total):
            seconds = drive(server.port, done - readings[-1][0])
            readings.append((done, rss_mb(worker), seconds))
    print("bin/serve --workers 1 --threads 4; worker VmRSS after N recommendation requests")
    previous = 0
    for done, rss, seconds in readings:
        rate = f"   ({(done - previous) / seconds:,.0f} requests/s)" if seconds else ""
        print(f"  {done:>7,} requests: {rss:6.1f} MB{rate}")
        previous = done
    growth = readings[-1][1] - readings[0][1]
    late = readings[-1][1] - readings[1][1]
    verdict = "met" if growth <= TARGET_GROWTH_MB else "MISSED"
    print(
        f"growth over {total:,} requests: {growth:+.1f} MB (target <= {TARGET_GROWTH_MB:.0f} MB: "
        f"{verdict}); over the second half: {late:+.1f} MB"
    )
    sys.exit(0 if growth <= TARGET_GROWTH_MB else 1)


if __name__ == "__main__":
    main(sys.argv[1:])
