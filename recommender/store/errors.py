"""The store's own errors: the HTTP layer's error handlers turn them into 403, 404, 412 and 422."""

from __future__ import annotations


class StoreError(Exception):
    """Something the store refused; `message` says what, in words a person reads."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(StoreError):
    """No such row, or not the caller's: the same answer either way (HTTP 404)."""


class TeamNotFound(NotFound):
    """A team that does not exist or is not the caller's."""

    def __init__(self) -> None:
        super().__init__("No such team.")


class MemberNotFound(NotFound):
    """A member that is not one of the team's."""

    def __init__(self) -> None:
        super().__init__("No such member in this team.")


class ProgressNotFound(NotFound):
    """A progress entry that is not one of the member's."""

    def __init__(self) -> None:
        super().__init__("No such progress entry for this member.")


class Invalid(StoreError):
    """A change refused because of its input: `errors` names each field (HTTP 422)."""

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.errors = errors or {}


class StaleVersion(StoreError):
    """The team changed since the caller read it: its version is no longer theirs (HTTP 412)."""

    def __init__(self, current: int):
        super().__init__(f"the team is at version {current}")
        self.current = current


class Forbidden(StoreError):
    """A team the caller may see but not change this way (a viewer's write; an editor's share,
    hand-over or delete): HTTP 403, saying what they may do instead."""
