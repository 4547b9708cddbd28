"""The web pages for advisers and employees: the profile form and the result page."""

from __future__ import annotations

from flask import Flask

from .views import bp


def init_web(app: Flask) -> None:
    """Register the web pages on `app`."""
    app.register_blueprint(bp)
