"""Errors the recommender raises, each saying what a person must fix."""

from __future__ import annotations

from typing import Any


class CliError(Exception):
    """A mistake in what the user gave on the command line: printed as one line, exit status 2."""


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


class RosterError(Exception):
    """A team roster cannot be read as a whole: `field` says where, `kind` what went wrong."""

    def __init__(self, message: str, field: str = "roster", kind: str = "invalid"):
        self.message = message
        self.field = field
        self.kind = kind
        super().__init__(message)

    @property
    def errors(self) -> dict[str, list[str]]:
        """The error as a field -> messages map, the shape of ProfileError.errors."""
        return {self.field: [self.message]}


class RosterLimitError(RosterError):
    """A roster past one of its limits, `limit`: its size or its rows."""

    def __init__(self, limit: int, what: str, kind: str):
        self.limit = limit
        super().__init__(f"The roster {what}: split it into smaller files.", kind=kind)


class RosterTooLarge(RosterLimitError):
    """A roster is over the upload size limit (HTTP 413)."""

    def __init__(self, limit: int):
        super().__init__(limit, f"is larger than {readable_size(limit)}", "too_large")


class RosterTooManyRows(RosterLimitError):
    """A roster has more rows than the limit (HTTP 422)."""

    def __init__(self, limit: int):
        super().__init__(limit, f"has more than {limit:,} rows", "too_many_rows")


def readable_size(limit: int) -> str:
    """A size limit in words: '5 MiB', or '1,500 bytes' when it is no whole number of MiB."""
    mib = 1024 * 1024
    return f"{limit // mib} MiB" if limit % mib == 0 else f"{limit:,} bytes"


class UnmatchedEventError(EngineError):
    """No rule of the ruleset took an event that one must take."""


def field_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Flatten validation messages of any nesting to {field: [message]} ('members.0.role')."""
    if messages is None:
        return {}
    if isinstance(messages, dict):
        items = [(f"{prefix}.{k}" if prefix else str(k), v) for k, v in messages.items()]
    elif isinstance(messages, list | tuple):
        items = [(prefix, m) for m in messages]
    else:
        return {prefix or "_schema": [str(messages)]}
    out: dict[str, list[str]] = {}
    for name, value in items:
        for field, texts in field_errors(value, name).items():
            out.setdefault(field, []).extend(texts)
    return out
