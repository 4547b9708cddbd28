"""Shared fixtures: the shipped rules, a recommender on them, a copy of rules/ to break, an app."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from recommender import create_app
from recommender.config import DEFAULT_RULES_DIR
from recommender.recommendation import Recommender


@pytest.fixture(scope="session")
def recommender() -> Recommender:
    return Recommender.from_dir(DEFAULT_RULES_DIR)


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped rules directory (without scenarios)."""
    target = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, target, ignore=shutil.ignore_patterns("scenarios"))
    return target


@pytest.fixture
def app() -> Flask:
    """A fresh app on the shipped rules, in testing mode."""
    return create_app({"TESTING": True, "RULES_DIR": DEFAULT_RULES_DIR})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
