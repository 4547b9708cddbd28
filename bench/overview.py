"""The overview's cost: GET /api/v1/overview for 10, 1,000 and 50,000 members spread over
teams (not a test).

Usage: .venv/bin/python bench/overview.py [--sizes 10,1000,50000] [--team-size 1000]
[--rounds 9] [--database-url URL]

In process, on an SQLite file of its own (or the database --database-url names, which it
migrates and fills: use an empty one): for each size, a manager's members are saved as teams of
at most --team-size (bench/team_plan.py's synthetic roster, so every member's plan is kept, as
in use). Then GET /api/v1/overview through the app (the JSON answer, the CSV and the xlsx)
is timed, the median of --rounds after one not counted. Every plan is fresh: what is measured
is the overview's sums in SQL and their shaping, not re-planning (which showing the teams
would do for stale members in the same way).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from team_plan import synthetic_roster  # noqa: E402

from recommender import create_app, saved_teams  # noqa: E402
from recommender.accounts.tokens import create_token  # noqa: E402
from recommender.accounts.users import create_user  # noqa: E402
from recommender.config import DEFAULT_RULES_DIR  # noqa: E402
from recommender.extensions import current_recommender, db  # noqa: E402
from recommender.team import parse_roster  # noqa: E402


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,1000,50000")
    parser.add_argument("--team-size", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    import flask_migrate

    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.db"
        app = create_app(
            {
                "RULES_DIR": DEFAULT_RULES_DIR,
                "DATABASE_URL": url,
                "INSTANCE_PATH": folder,
                "LOG_LEVEL": "WARNING",
            }
        )
        with app.app_context():
            flask_migrate.upgrade()
        client = app.test_client()
        print(f"database: {url.split(':')[0]}; teams of at most {args.team_size:,}")
        print(
            f"{'members':>8} {'teams':>6} {'save s':>8} {'json ms':>8} {'csv ms':>8} {'xlsx ms':>8}"
        )
        for number, size in enumerate(sizes):
            with app.app_context():
                user = create_user(f"manager{number}@example.com", "manager")
                headers = {"Authorization": f"Bearer {create_token(user)}"}
                started = time.perf_counter()
                teams = 0
                for first in range(0, size, args.team_size):
                    count = min(args.team_size, size - first)
                    roster = parse_roster(synthetic_roster(count, seed=first + 1))
                    saved_teams.create_from_roster(
                        current_recommender(), user, f"Team {teams + 1}", roster
                    )
                    teams += 1
                saved = time.perf_counter() - started
                db.session.remove()
            times = {}
            for label, query in (("json", ""), ("csv", "?format=csv"), ("xlsx", "?format=xlsx")):
                spent = []
                for _ in range(args.rounds + 1):
                    began = time.perf_counter()
                    answer = client.get(f"/api/v1/overview{query}", headers=headers)
                    answer.get_data()
                    spent.append(time.perf_counter() - began)
                    assert answer.status_code == 200, answer.status_code
                times[label] = statistics.median(spent[1:]) * 1000
            people = client.get("/api/v1/overview", headers=headers).json["totals"]["people"]
            assert people == size, (people, size)
            print(
                f"{size:>8,} {teams:>6} {saved:>8.1f} {times['json']:>8.1f} "
                f"{times['csv']:>8.1f} {times['xlsx']:>8.1f}"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
