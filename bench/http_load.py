"""Requests/s and latency of POST /api/v1/recommendations next to GET /healthz (not a test).

Run from a clean clone: bin/setup && .venv/bin/python bench/http_load.py [--rounds 5]
(Not bench/http.py: a script's folder comes first on sys.path, and an http.py there would hide
the standard library's http package from every script in bench/.)

Starts the production command, bin/serve (granian, 2 workers x 4 app threads unless
--workers/--threads), on a free loopback port and stops it at the end, whatever happens.
The load comes from wrk in a separate process (installed with apt-get if missing and root):
16 connections, 2 wrk threads, a warm-up of 3 s per endpoint, then --seconds per endpoint,
/healthz and the recommendations in turn, --rounds (default 5) times; the figures are each
endpoint's best round. Best, not median: the server's workers race to accept wrk's connections,
and in a round where one worker took them all the endpoint gets one core of two (each round
is shown with how the work fell between the workers); the machine's other load only ever
lowers a round. The recommendations rotate through --profiles (default 64) mixed profiles
(bench/_common): each worker soon keeps their encoded answers (and engine answers, exam dates
and changes), as it would for the common profiles of real traffic; --profiles 1000 shows the
cost when most are not kept (the encoded answers' cache holds 160 profiles, the engine's 1,024
facts). Also shown: the workers' CPU time per request, steadier than requests/s here.
Target: recommendation throughput at least 70% of /healthz's.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from typing import Any

from _common import mixed_profiles
from _server import cpu_seconds_of, run_wrk, worker_pids, wrk_path

from recommender.testing import serving

TARGET_RATIO = 0.7  # issue 13: recommendations at 70% of the same server's /healthz
PATHS = {"healthz": "/healthz", "recommendations": "/api/v1/recommendations"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=10, help="per endpoint and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--profiles", type=int, default=64, help="mixed profiles to rotate")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    wrk_path()  # fail (or install) before starting anything
    bodies = {
        "healthz": None,
        "recommendations": [json.dumps(p) for p in mixed_profiles(args.profiles)],
    }
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in PATHS}
    with serving(workers=args.workers, threads=args.threads) as server:
        base, workers = server.url, worker_pids(server.pid)
        for name, path in PATHS.items():
            run_wrk(base + path, bodies[name], seconds=3, connections=args.connections)
        for _ in range(args.rounds):
            for name, path in PATHS.items():
                cpu = [cpu_seconds_of(pid) for pid in workers]
                result = run_wrk(
                    base + path, bodies[name], seconds=args.seconds, connections=args.connections
                )
                used = [
                    cpu_seconds_of(pid) - before for pid, before in zip(workers, cpu, strict=True)
                ]
                result["cpu_ms"] = sum(used) / result["requests"] * 1000
                result["split"] = "/".join(f"{u / (sum(used) or 1):.0%}" for u in used)
                results[name].append(result)
    print(
        f"bin/serve: granian, {args.workers} workers x {args.threads} threads; wrk: "
        f"{args.connections} connections, {args.seconds:g} s x {args.rounds} round(s) each; "
        f"{args.profiles:,} profiles"
    )
    print(
        f"{'':28} {'requests/s':>10} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} "
        f"{'CPU ms/req':>10}  rounds (requests/s, share of the work per worker)"
    )
    best = {}
    for name, rounds in results.items():
        chosen = max(rounds, key=lambda r: r["rps"])
        best[name] = chosen["rps"]
        each = ", ".join(f"{r['rps']:,.0f} ({r['split']})" for r in rounds)
        print(
            f"{PATHS[name]:28} {chosen['rps']:>10,.0f} {chosen['p50_ms']:>7.2f} "
            f"{chosen['p99_ms']:>7.2f} {sum(r['errors'] for r in rounds):>6,} "
            f"{chosen['cpu_ms']:>10.2f}  {each}"
        )
    ratio = best["recommendations"] / best["healthz"]
    verdict = "met" if ratio >= TARGET_RATIO else "MISSED"
    print(f"recommendations / healthz: {ratio:.0%} (target >= {TARGET_RATIO:.0%}: {verdict})")
    # The CPU a request costs moves less with the machine's other load than the rates do.
    cpu = {name: statistics.median(r["cpu_ms"] for r in rounds) for name, rounds in results.items()}
    by_cpu = cpu["healthz"] / cpu["recommendations"]
    print(
        f"CPU ms per request, median round: /healthz {cpu['healthz']:.2f}, recommendations "
        f"{cpu['recommendations']:.2f} (recommendations at {by_cpu:.0%} of /healthz by CPU)"
    )
    errors = sum(r["errors"] for rounds in results.values() for r in rounds)
    sys.exit(0 if ratio >= TARGET_RATIO and not errors else 1)


if __name__ == "__main__":
    main()
