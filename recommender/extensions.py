"""The app's one Recommender: built by create_app, found by views through current_recommender."""

from __future__ import annotations

from flask import Flask, current_app

from .recommendation import Recommender

EXTENSION = "career_path"


def init_recommender(app: Flask) -> None:
    """Load the rules in RULES_DIR (RulesError if broken) and keep the recommender on `app`."""
    app.extensions[EXTENSION] = Recommender.from_dir(app.config["RULES_DIR"])


def current_recommender() -> Recommender:
    """The recommender of the app handling this request."""
    recommender: Recommender = current_app.extensions[EXTENSION]
    return recommender
