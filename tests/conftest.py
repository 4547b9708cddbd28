"""Shared fixtures: the shipped rules, a recommender on them, and a copy of rules/ to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

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
