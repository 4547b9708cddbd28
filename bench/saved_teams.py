"""Saved teams through the real server, SQLite and PostgreSQL side by side (not a test).

Usage: .venv/bin/python bench/saved_teams.py [--sizes 10,1000,5000,50000] [--databases
sqlite,postgresql] [--rounds 15] [--viewers 8] [--seconds 20]

For each database it starts `bin/serve` (recommender/testing.py: granian, 2 workers x 4
threads, as deployed) on an empty database of its own (an SQLite file in a temporary instance
folder; a database made in the PostgreSQL that CAREER_PATH_TEST_POSTGRES_URL names, or, without
one, in a throwaway cluster: the script runs itself again under bin/with-postgres). It adds a
manager (`career-path users add`, `tokens create`) and saves one team of each size through
the API (a CSV roster: bench/team_plan.py's synthetic mix, with repeats and a few bad rows), so
every member's plan is kept as in use. Then, per size, each the median of --rounds requests
after one not counted:

- a progress write (`POST .../members/{id}/progress`, a scheduled exam, a new member each time),
- a member's private page (`/my/<link>`, the link made on the web page as a manager does),
- the team page's first screen (`/teams/<id>`, signed in) and its size,
- `GET /api/v1/teams/{id}` (the first page of members),
- both again right after a progress write (the median of a few): the team is summed anew then,
  as each worker keeps a team's sums only while its version is the same.

Then --viewers clients view the largest team for --seconds (each in turn the team page and the
API's first page, as fast as answered) while `/healthz` is asked every 50 ms; printed: the
health checks' median, p99 and slowest, the views' count and median, and each worker's
resident memory before the viewers, at its peak while they viewed, and 5 s after they stopped.

Targets (issue 16): progress write on 5,000 members <= 50 ms and within 2x of the same on 10;
private page <= 50 ms at any size; first screen and API first page <= 300 ms at 5,000 and
<= 1 s at 50,000; /healthz within 200 ms under the viewers; memory back within 50 MB.
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import os
import re
import signal
import statistics
import sys
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import ROOT, p99, rss_mb  # noqa: E402
from _saved_server import (  # noqa: E402
    EMAIL,
    PASSWORD,
    POSTGRES_ENV,
    Client,
    career_path,
    csrf,
    database,
    once,
    server,
    timed,
)
from _server import worker_pids  # noqa: E402
from team_plan import synthetic_roster  # noqa: E402

# --- one database -------------------------------------------------------------------------


def measure(kind: str, sizes: list[int], rounds: int, viewers: int, seconds: float) -> dict:
    """Every figure of one database."""
    figures: dict[str, Any] = {"sizes": {}}
    with database(kind) as url, server(url) as (base, env, pid):
        career_path(env, "users", "add", EMAIL, "--role", "manager", "--password-stdin",
                    stdin=PASSWORD + "\n")  # fmt: skip
        token = career_path(env, "tokens", "create", EMAIL).strip().splitlines()[-1]
        client = Client(base, token)
        client.log_in()
        teams = {}
        for size in sizes:
            start = time.perf_counter()
            status, body, _ = client.call(
                "POST",
                f"/api/v1/teams?name=Bench%20{size}",
                synthetic_roster(size).encode(),
                "text/csv",
                api=True,
            )
            assert status == 201, (status, body[:500])
            team = json.loads(body)
            teams[size] = team
            saved = time.perf_counter() - start
            print(f"  [{kind}] saved a team of {size:,} in {saved:.1f} s", flush=True)
            figures["sizes"][size] = {"save_s": saved, **per_size(client, team, rounds)}
        largest = teams[max(sizes)]["id"]
        figures["load"] = under_viewers(client, pid, largest, viewers, seconds)
    return figures


def per_size(client: Client, team: dict, rounds: int) -> dict[str, Any]:
    team_id = team["id"]
    members = [m for m in team["members"] if not m["errors"]]
    writes = itertools.cycle(members)
    later = (date.today() + timedelta(days=60)).isoformat()

    def write() -> tuple[int, bytes, Any]:
        member = next(writes)
        body = json.dumps({"course": "ETH 311", "status": "scheduled", "date": later})
        path = f"/api/v1/teams/{team_id}/members/{member['id']}/progress"
        return client.call("POST", path, body.encode(), "application/json", api=True)

    page_path = f"/teams/{team_id}"
    write_ms, _ = timed(write, 2 * rounds)  # the ratio of two small medians: more rounds
    page_ms, page_bytes = timed(lambda: client.call("GET", page_path), rounds)
    api_ms, api_bytes = timed(
        lambda: client.call("GET", f"/api/v1/teams/{team_id}", api=True), rounds
    )
    # Right after a change: the team is summed again (each worker keeps its own sums).
    changed_page, changed_api = [], []
    for _ in range(max(3, rounds // 3)):
        write()
        changed_page.append(once(lambda: client.call("GET", page_path)))
        write()
        changed_api.append(once(lambda: client.call("GET", f"/api/v1/teams/{team_id}", api=True)))
    # A private link, made on the team page as a manager makes one.
    member = members[len(members) // 2]
    page = client.call("GET", page_path)[1].decode()
    status, made, _ = client.form(
        f"/teams/{team_id}/members/{member['id']}/link", {"csrf_token": csrf(page)}
    )
    link = re.search(r'value="https?://[^/"]+(/my/[^"]+)"', made.decode())
    assert status == 200 and link, status
    private = Client(client.base, "")
    mine_ms, _ = timed(lambda: private.call("GET", link.group(1)), rounds)
    return {
        "write_ms": statistics.median(write_ms),
        "page_ms": statistics.median(page_ms),
        "page_kb": page_bytes / 1024,
        "api_ms": statistics.median(api_ms),
        "changed_page_ms": statistics.median(changed_page),
        "changed_api_ms": statistics.median(changed_api),
        "api_kb": api_bytes / 1024,
        "mine_ms": statistics.median(mine_ms),
    }


def view_loop(base: str, token: str, cookies: list[Any], team_id: int, turn: int, stop: Any,
              out: Any) -> None:  # fmt: skip
    """One viewer, a process of its own: the team page and the API's first page in turn."""
    own = Client(base, token)
    for cookie in cookies:  # signed in as the manager
        own.jar.set_cookie(cookie)
    paths = [(f"/teams/{team_id}", False), (f"/api/v1/teams/{team_id}", True)]
    times, failed = [], []
    while not stop.is_set():
        path, api = paths[turn % 2]
        turn += 1
        start = time.perf_counter()
        status, _, _ = own.call("GET", path, api=api)
        times.append((time.perf_counter() - start) * 1000)
        if status != 200:
            failed.append(status)
    out.put((times, failed))


def under_viewers(client: Client, pid: int, team_id: int, viewers: int, seconds: float) -> dict:
    """/healthz and the workers' memory while `viewers` clients view team `team_id`.

    Each viewer is a process of its own, so that the health checks (from this one) wait for
    the server only, not for the viewers' share of a Python interpreter.
    """
    workers = worker_pids(pid)
    before = {w: rss_mb(w) for w in workers}
    peak = dict(before)
    cookies = list(client.jar)
    stop, out = multiprocessing.Event(), multiprocessing.Queue()
    processes = [
        multiprocessing.Process(
            target=view_loop, args=(client.base, client.token, cookies, team_id, n, stop, out)
        )
        for n in range(viewers)
    ]
    for process in processes:
        process.start()
    time.sleep(1)  # every viewer under way
    health: list[float] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        start = time.perf_counter()
        with urllib.request.urlopen(client.base + "/healthz", timeout=60) as answer:
            assert answer.status == 200
        health.append((time.perf_counter() - start) * 1000)
        for w in workers:
            peak[w] = max(peak[w], rss_mb(w))
        time.sleep(0.05)
    stop.set()
    views: list[float] = []
    failures: list[int] = []
    for _ in processes:
        times, failed = out.get()
        views += times
        failures += failed
    for process in processes:
        process.join()
    time.sleep(5)
    after = {w: rss_mb(w) for w in workers}
    return {
        "health_median": statistics.median(health),
        "health_p99": p99(health),
        "health_max": max(health),
        "health_n": len(health),
        "views": len(views),
        "view_median": statistics.median(views) if views else 0.0,
        "failures": sorted(set(failures)),
        "rss": [(before[w], peak[w], after[w]) for w in workers],
    }


# --- the report ---------------------------------------------------------------------------


def report(results: dict[str, dict], sizes: list[int], viewers: int) -> None:
    kinds = list(results)
    print()
    columns = [
        ("save", "save_s"),
        ("progress write", "write_ms"),
        ("private page", "mine_ms"),
        ("first screen", "page_ms"),
        ("API first page", "api_ms"),
        ("first screen after a change", "changed_page_ms"),
        ("API first page after a change", "changed_api_ms"),
    ]
    head = "| members | " + " | ".join(f"{what} ({kind})" for what, _ in columns for kind in kinds)
    print(head + " |")
    print("|" + "---|" * (1 + len(columns) * len(kinds)))
    for size in sizes:
        cells = [f"{size:,}"]
        for _, key in columns:
            unit = key.rsplit("_", 1)[1]
            for kind in kinds:
                value = results[kind]["sizes"][size][key]
                cells.append(f"{value:.1f} s" if unit == "s" else f"{value:.0f} ms")
        print("| " + " | ".join(cells) + " |")
    print()
    for kind in kinds:
        figures = results[kind]["sizes"]
        small, large = min(sizes), max(sizes, key=lambda s: (s <= 5000, s))
        ratio = figures[large]["write_ms"] / figures[small]["write_ms"]
        sized = ", ".join(
            f"{s:,}: {figures[s]['page_kb']:.0f} KB / {figures[s]['api_kb']:.0f} KB" for s in sizes
        )
        print(
            f"{kind}: progress write {large:,} vs {small:,} members: {ratio:.2f}x; "
            f"first screen / API first page sizes: {sized}"
        )
        load = results[kind]["load"]
        rss = "; ".join(
            f"worker {n + 1}: {b:.0f} -> peak {p:.0f} -> {a:.0f} MB ({a - b:+.0f})"
            for n, (b, p, a) in enumerate(load["rss"])
        )
        print(
            f"{kind}: /healthz under {viewers} viewers of {max(sizes):,} members: median "
            f"{load['health_median']:.0f} ms, p99 {load['health_p99']:.0f} ms, slowest "
            f"{load['health_max']:.0f} ms ({load['health_n']} checks); {load['views']} views, "
            f"median {load['view_median']:.0f} ms"
            + (f", failed: {load['failures']}" if load["failures"] else "")
        )
        print(f"{kind}: resident memory: {rss}")


def main() -> None:
    # Stopped with Ctrl-C or a kill, the servers and databases made so far are cleaned up too
    # (a background job's SIGINT may be ignored: SIGTERM is made to do what Ctrl-C does).
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10,1000,5000,50000")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--viewers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    kinds = args.databases.split(",")
    if "postgresql" in kinds and not os.environ.get(POSTGRES_ENV):
        # A throwaway cluster for the run (bin/with-postgres), this script again inside it.
        with_postgres = ROOT / "bin" / "with-postgres"
        os.execv(str(with_postgres), [str(with_postgres), sys.executable, *sys.argv])
    sizes = sorted(int(s) for s in args.sizes.split(","))
    results = {}
    for kind in kinds:
        print(f"{kind}: saving teams of {', '.join(f'{s:,}' for s in sizes)} ...", flush=True)
        results[kind] = measure(kind, sizes, args.rounds, args.viewers, args.seconds)
    report(results, sizes, args.viewers)


if __name__ == "__main__":
    main()
