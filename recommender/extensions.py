"""The app's one Recommender, built by create_app, and the JSON profiles it has checked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

from .answers import BoundedCache
from .planner import Profile
from .recommendation import Recommender

EXTENSION = "career_path"
PROFILES = "career_path_profiles"
# Profiles kept by the JSON body that gave them: about 0.6 KB each with a typical body
# (measured with tracemalloc), bodies of 2 KB at most.
PROFILES_CACHE_SIZE = 1024
PROFILE_BODY_MAX = 2048


def init_recommender(app: Flask) -> None:
    """Load the rules in RULES_DIR (RulesError if broken) and keep the recommender on `app`."""
    app.extensions[EXTENSION] = Recommender.from_dir(app.config["RULES_DIR"])
    app.extensions[PROFILES] = BoundedCache(PROFILES_CACHE_SIZE)


def current_recommender() -> Recommender:
    """The recommender of the app handling this request."""
    recommender: Recommender = current_app.extensions[EXTENSION]
    return recommender


def profile_from_json(body: bytes, parse: Callable[[bytes], Any]) -> Profile:
    """The profile in a JSON body, checked once per distinct body (ProfileError if invalid).

    `parse` reads the body as JSON. A profile is a pure function of its body: a client that
    sends the same body again skips the parsing and the marshmallow load.
    """
    kept: BoundedCache[bytes, Profile] = current_app.extensions[PROFILES]
    profile = kept.get(body)
    if profile is None:
        profile = current_recommender().load_json_profile(parse(body))
        if len(body) <= PROFILE_BODY_MAX:
            kept.put(body, profile)
    return profile
