"""Helpers shared by the bench scripts: a mixed set of profiles and resident memory."""

from __future__ import annotations

import itertools
import json
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from recommender.vocabulary import GOALS, LINES, ROLES

ROOT = Path(__file__).resolve().parent.parent


def in_fresh_processes(script: str, sizes: list[int]) -> Iterator[dict]:
    """Run `script --one SIZE` for each size in a process of its own; yield its JSON figures.

    A fresh process per size, so that each peak of resident memory is that size's own.
    """
    for size in sizes:
        out = subprocess.run(
            [sys.executable, script, "--one", str(size)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        yield json.loads(out)


def rss_mb() -> float:
    """Resident memory of this process in MB, from /proc (Linux)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def mixed_profiles(count: int, seed: int = 7) -> list[dict]:
    """A reproducible mix of profiles over every role, lines, goal and typical holdings."""
    rng = random.Random(seed)
    held = [[], [], [], ["API"], ["CPCU"], ["AINS"], ["API", "CPCU"], ["CISR"], ["AIC"]]
    courses = [[], [], ["CPCU 500"], ["AINS 21", "AINS 22"], ["cpcu555", "CPCU 556"]]
    combos = list(itertools.product(ROLES, LINES, GOALS))
    return [
        {
            "role": role,
            "lines": lines,
            "goal": goal,
            "years_experience": rng.choice([0, 0.5, 1, 2, 3, 5, 9.5, 10, 15, 30]),
            "designations": rng.choice(held),
            "completed_courses": rng.choice(courses),
            "hours_per_week": rng.choice([2, 4, 6, 10]),
        }
        for role, lines, goal in (rng.choice(combos) for _ in range(count))
    ]


def p99(samples: list[float]) -> float:
    """The 99th percentile (nearest rank)."""
    ordered = sorted(samples)
    return ordered[max(0, round(len(ordered) * 0.99) - 1)]
