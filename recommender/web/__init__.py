"""The web pages: the profile form and result page, and the team page for managers."""

from __future__ import annotations

from flask import Flask

from .team import team
from .views import bp


def init_web(app: Flask) -> None:
    """Register the web pages on `app`."""
    app.register_blueprint(bp)
    app.register_blueprint(team)
