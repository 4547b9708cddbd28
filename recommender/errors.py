"""Errors the recommender raises, each saying what a person must fix."""

from __future__ import annotations


class RulesError(Exception):
    """A file in the rules directory is broken: names the file and, where known, the rule."""

    def __init__(self, file: str, message: str, rule_id: str | None = None):
        self.file = file
        self.rule_id = rule_id
        self.message = message
        where = f"{file}: rule {rule_id!r}" if rule_id else file
        super().__init__(f"{where}: {message}")


class ProfileError(Exception):
    """A profile is invalid: `errors` maps each field to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        field, messages = next(iter(errors.items()))
        super().__init__(f"{field}: {messages[0]}")


class EngineError(Exception):
    """The rule engine failed or the rules left a profile undecided: never a partial answer."""
