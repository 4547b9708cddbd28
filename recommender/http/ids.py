"""Ids in URLs: `<int:...>` matches only what a database id can be, so a larger one is a 404.

Werkzeug's `int` converter takes any number of digits; handed to the database, an id past
PostgreSQL's integer (2**31 - 1) or SQLite's (2**63 - 1) fails there, as a 500. Every id of
the app is a row's integer primary key: the app's `int` matches 1 to 2**31 - 1, written
without leading zeros, and nothing else. It is bounded by its pattern, not by a check after
matching: werkzeug answers a path whose converter refuses it with 405 when another method's
route has the same path, and a 404 is the answer for an id that cannot exist.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL's integer, the smaller of the two databases' ids


def numbers_up_to(limit: int) -> str:
    """A regular expression of the decimal numbers 1 to `limit`, without leading zeros."""
    digits = str(limit)
    shorter = [f"[1-9][0-9]{{0,{len(digits) - 2}}}"] if len(digits) > 1 else []
    same_length = []
    for i, digit in enumerate(digits):
        low = "1" if i == 0 else "0"
        rest = len(digits) - i - 1
        if int(digit) > int(low):
            below = f"[{low}-{int(digit) - 1}]"
            same_length.append(digits[:i] + below + (f"[0-9]{{{rest}}}" if rest else ""))
    same_length.append(digits)
    return "(?:" + "|".join([*shorter, *same_length]) + ")"


class IdConverter(IntegerConverter):
    """A row id: 1 to MAX_ID (werkzeug's `int`, its pattern bounded)."""

    regex = numbers_up_to(MAX_ID)


def init_ids(app: Flask) -> None:
    """Make `<int:...>` in every route of `app` an id (before any blueprint adds its routes)."""
    app.url_map.converters["int"] = IdConverter
