"""Helpers shared by the bench scripts: a mixed set of profiles, resident memory, a p99."""

from __future__ import annotations

import itertools
import json
import random
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from recommender.vocabulary import GOALS, LINES, ROLES

ROOT = Path(__file__).resolve().parent.parent


def microseconds(
    call: Callable[[Any], object], args: Iterable[Any], before: Callable[[], object] = lambda: None
) -> list[float]:
    """Microseconds of `call(arg)` for each of `args`; `before()` runs ahead of each, not timed."""
    clock = time.perf_counter_ns
    samples = []
    for arg in args:
        before()
        start = clock()
        call(arg)
        samples.append((clock() - start) / 1000)
    return samples


def size_table(
    script: str,
    argv: list[str],
    sizes: Iterable[int],
    head: str,
    row: Callable[[dict], str],
    measure: Callable[[int], dict],
) -> bool:
    """Print `head`, then a `row` of figures per size (argv's sizes, else `sizes`), each size
    measured by `script --one SIZE` in a fresh process; True once the table is printed.

    Given `--one SIZE`, print measure(SIZE) as JSON instead (that fresh process), and False.
    """
    if argv[:1] == ["--one"]:
        print(json.dumps(measure(int(argv[1]))))
        return False
    print(head)
    for figures in in_fresh_processes(script, [int(a) for a in argv] or list(sizes)):
        print(row(figures))
    return True


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


def rss_mb(pid: int | str = "self") -> float:
    """Resident memory of process `pid` (default: this one) in MB, from /proc (Linux)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS in /proc/{pid}/status")


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
