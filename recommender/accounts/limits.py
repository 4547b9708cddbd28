"""Rate limits: at most so many requests per key (an address, an account) in a window.

The counts are rows in the database (store/limits.py), so every app server counts the same
ones. A fixed window: simple, and at worst twice the limit across a window's edge.
"""

from __future__ import annotations

from datetime import timedelta

from ..store import limits as rows
from ..store.db import utcnow


def allow(limits: dict[str, int], window: timedelta) -> bool:
    """Count this request against each key; whether each is still within its limit."""
    now = utcnow()
    counts = {key: rows.count_request(key, now, now - window) for key in limits}
    return all(counts[key] <= limit for key, limit in limits.items())
