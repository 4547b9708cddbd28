"""Rate counts' rows: requests per key in a fixed window (policy: accounts/limits.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from ..extensions import db
from .models import RateCount


def count_request(key: str, now: datetime, window_start_after: datetime) -> int:
    """Count one request for `key` and commit; how many in its window, this one included (a
    window that began before `window_start_after` is over: a new one begins now)."""
    for _ in range(2):  # two first requests at once: one inserts, the other counts again
        row = db.session.get(RateCount, key, populate_existing=True, with_for_update=True)
        if row is None:
            row = RateCount(key=key, window_start=now, count=1)
            db.session.add(row)
        elif row.window_start <= window_start_after:
            row.window_start, row.count = now, 1
        else:
            row.count += 1
        count = row.count
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            continue
        return count
    raise RuntimeError(f"could not count a request for {key}")
