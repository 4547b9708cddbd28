"""Planning slots: how many team plans a process works out at once (503 past them)."""

# Planning a large roster holds a server thread for seconds. At most TEAM_PLAN_CONCURRENCY
# plans run at once in a process (default 2, below the server's 4 threads), so the other
# threads are left for /healthz and one-person answers; a request that finds every slot
# taken is answered 503 with Retry-After at once (or after TEAM_PLAN_WAIT seconds, if set).

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app

DEFAULT_CONCURRENCY = 2
DEFAULT_WAIT = 0.0  # seconds; a thread that waits is a thread /healthz cannot have
RETRY_AFTER = "5"


class PlanningBusy(Exception):
    """Every planning slot of this process is taken: try again shortly (HTTP 503)."""

    message = "The service is planning other large rosters right now: try again in a few seconds."


@contextmanager
def planning_slot() -> Iterator[None]:
    """Hold one of the process's planning slots while planning (PlanningBusy if none frees)."""
    config = current_app.config
    slots = current_app.extensions.setdefault(
        "team_planning_slots",
        threading.BoundedSemaphore(config.get("TEAM_PLAN_CONCURRENCY", DEFAULT_CONCURRENCY)),
    )
    wait = float(config.get("TEAM_PLAN_WAIT", DEFAULT_WAIT))
    if not (slots.acquire(timeout=wait) if wait > 0 else slots.acquire(blocking=False)):
        raise PlanningBusy()
    try:
        yield
    finally:
        slots.release()
