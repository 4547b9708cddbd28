"""Defaults for the app and the CLI; environment variables prefixed CAREER_PATH_ override them."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_RULES_DIR = Path(__file__).resolve().parent.parent / "rules"


def rules_dir_from_env() -> Path:
    """The rules directory: $CAREER_PATH_RULES_DIR, else the rules/ shipped with the code."""
    return Path(os.environ.get("CAREER_PATH_RULES_DIR") or DEFAULT_RULES_DIR)
