"""Resident memory over 100,000 evaluations in one process (no leak of engine sessions).

Each evaluation has years of experience of its own, and the recommender forgets its kept
answers before each (the engine's answers are kept per years band, so distinct years alone
would not reach the engine): durable_rules runs a session for every one, and the figures
printed say how many sessions and events it ran.

Run: .venv/bin/python bench/memory.py [EVALUATIONS]
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace

from _common import ROOT, mixed_profiles, rss_mb

from recommender.recommendation import Recommender


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    recommender = Recommender.from_dir(ROOT / "rules")
    profiles = [recommender.load_profile(p) for p in mixed_profiles(1000)]
    runs = [0, 0]
    evaluate_batch = recommender.engine.evaluate_batch

    def counted(events, fact=None):
        runs[0] += 1
        runs[1] += len(events)
        return evaluate_batch(events, fact)

    recommender.engine.evaluate_batch = counted
    for profile in profiles:  # warm-up: first allocations, caches, the allocator's arenas
        recommender.recommend(profile)
    baseline = rss_mb()
    print(f"after warm-up (1,000 evaluations): {baseline:.1f} MB resident")
    start = time.perf_counter()
    step = total // 10
    runs[:] = [0, 0]
    for done in range(1, total + 1):
        # A year count of its own (0.001 apart), within 0-60: no two facts alike in a row.
        years = (done * 7919 % 60_000) / 1000
        recommender.clear_cache()
        recommender.recommend(replace(profiles[done % len(profiles)], years_experience=years))
        if done % step == 0:
            print(f"  {done:>7,} evaluations: {rss_mb():.1f} MB resident")
    elapsed = time.perf_counter() - start
    growth = rss_mb() - baseline
    print(f"{total:,} evaluations in {elapsed:.1f} s ({elapsed / total * 1e6:.0f} us each)")
    print(f"durable_rules ran {runs[0]:,} sessions of {runs[1]:,} events in all")
    print(f"resident memory growth: {growth:+.1f} MB (target: under 10 MB)")
    sys.exit(0 if growth < 10 else 1)


if __name__ == "__main__":
    main()
