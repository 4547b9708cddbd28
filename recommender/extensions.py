"""Every extension object of the app, made here and bound to an app by create_app.

The objects are made without an app (Flask's application-factory pattern): the database
(`db`, its naming convention and `migrate`), sign-in sessions (`login_manager`), CSRF checks of
form posts (`csrf`), the app's one Recommender (`recommender`) and outgoing mail (`mailman`,
Flask-Mailman; recommender/mail/ composes, stores and sends). Nothing here imports the domain
or the HTTP layers when this module is imported: the Recommender's rules are loaded by
`init_app`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask, current_app
from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

if TYPE_CHECKING:
    from .recommendation import Recommender

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
EXTENSION = "career_path"

# Named constraints, so that migrations can drop and alter them on every database.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class RecommenderExtension:
    """The app's one Recommender: the rules loaded once per app (RulesError if broken)."""

    def init_app(self, app: Flask) -> None:
        """Load the rules in RULES_DIR and keep the recommender on `app`."""
        from .recommendation import Recommender  # the domain, loaded only when an app is made

        app.extensions[EXTENSION] = Recommender.from_dir(app.config["RULES_DIR"])

    @staticmethod
    def current() -> Recommender:
        """The recommender of the app handling this request."""
        found: Recommender = current_app.extensions[EXTENSION]
        return found


db = SQLAlchemy(model_class=Base)
migrate = Migrate(directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Log in to see your teams."
csrf = CSRFProtect()
recommender = RecommenderExtension()
mailman = Mail()  # not "mail": that is the package recommender.mail


def current_recommender() -> Recommender:
    """The recommender of the app handling this request."""
    return recommender.current()
