"""JSON request bodies, read one way by every API view: 415, then a 400 that says what is wrong.

A profile is a pure function of its body, so the profiles checked are kept by body: a client
that sends the same body again skips the parsing and the marshmallow load.
"""

from __future__ import annotations

import json
from typing import Any

from flask import abort, current_app, request

from ..answers import BoundedCache
from ..extensions import current_recommender
from ..planner import Profile

PROFILES = "career_path_profiles"
# Profiles kept by the JSON body that gave them: about 0.6 KB each with a typical body
# (measured with tracemalloc), bodies of 2 KB at most.
PROFILES_CACHE_SIZE = 1024
PROFILE_BODY_MAX = 2048


def json_bytes(what: str = "the body") -> bytes:
    """The raw body of a JSON request: 415 unless declared JSON, 413 past MAX_CONTENT_LENGTH."""
    if not request.is_json:
        abort(415, f"Send {what} as JSON, with Content-Type: application/json.")
    return request.get_data()


def json_body(what: str = "the body") -> Any:
    """The request's JSON body, parsed: 415 unless declared JSON, 400 unless it parses."""
    return parse_json(json_bytes(what))


def parse_json(data: bytes) -> Any:
    """Parse a JSON body; abort with a 400 that says, in words, what is wrong with it."""
    try:
        return json.loads(data, parse_constant=_no_constant)
    except _NotJsonNumber as exc:
        abort(400, f"The body is not valid JSON: {exc} is not a JSON number.")
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        abort(400, f"The body is not valid JSON: {exc.msg} at {where}.")
    except UnicodeDecodeError:
        abort(400, "The body is not valid JSON: it is not UTF-8 text.")
    except RecursionError:
        abort(400, "The body is not valid JSON that we accept: it is nested too deeply.")
    except ValueError:
        # Python refuses integers of more than 4,300 digits.
        abort(400, "The body is not valid JSON that we accept: a number in it has too many digits.")


class _NotJsonNumber(ValueError):
    pass


def _no_constant(name: str) -> Any:
    # Python's json reads NaN and Infinity, which JSON (RFC 8259) does not have.
    raise _NotJsonNumber(name)


def json_profile() -> Profile:
    """The profile in the JSON body: 415 and 400 as for any body, ProfileError if invalid."""
    body = json_bytes()
    kept: BoundedCache[bytes, Profile] | None = current_app.extensions.get(PROFILES)
    if kept is None:
        kept = current_app.extensions.setdefault(PROFILES, BoundedCache(PROFILES_CACHE_SIZE))
    profile = kept.get(body)
    if profile is None:
        profile = current_recommender().load_json_profile(parse_json(body))
        if len(body) <= PROFILE_BODY_MAX:
            kept.put(body, profile)
    return profile
