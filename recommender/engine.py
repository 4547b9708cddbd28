"""The one module that touches durable_rules: a safe, thread-safe rule engine per rulebook.

durable_rules 2.0.28 has traps, each handled here:
- its C engine is not thread-safe: every call goes through one process-wide lock;
- a ruleset holds at most 1024 live sessions: each evaluation uses a fresh session id and
  deletes it in `finally`;
- `durable.lang` is a process-global host: we use our own `durable.engine.Host` subclass,
  one per engine, whose `_run` starts none of the background timer threads;
- an unmatched message raises MessageNotHandledException, and deleting the session it
  leaves behind crashes the process (measured: a segfault on `delete_state`), so every
  ruleset gets a lowest-priority catch-all rule: no message is ever unmatched, and an event
  that only the catch-all took is reported as EngineError;
- exceptions inside actions are swallowed into the session state: surfaced as EngineError;
- `Ruleset` deletes `run` from the definition it is given: it gets a deep copy;
- there is no "which rules fired" API: each action appends its rule id to the session state.
"""

from __future__ import annotations

import copy
import threading
import uuid
import weakref
from collections.abc import Callable, Iterable
from typing import Any

import durable_rules_engine
from durable import engine as durable_engine

from .errors import EngineError, UnmatchedEventError

# One lock for the whole process: durable_rules' C engine keeps global state, so two
# engines in one process must not run at once either.
_ENGINE_LOCK = threading.Lock()


# The message attribute that numbers the events of one batch, so each firing names its event.
_EVENT_NUMBER = "event_number"


def _recorder(rule_id: str) -> Callable[[Any], None]:
    def record(c: Any) -> None:
        # A fact carries no number: its firings are recorded under -1.
        number = c.m[_EVENT_NUMBER]
        number = -1 if number is None else number
        c.s.fired = [*(c.s.fired or []), [number, rule_id]]

    return record


class _Host(durable_engine.Host):
    """A durable_rules host with our actions and no background threads."""

    def __init__(self, definitions: dict[str, Any], actions: dict[str, Callable[[Any], None]]):
        self._actions = actions
        super().__init__(definitions)

    def _run(self) -> None:
        # The stock host starts two timer threads that call into the engine without our
        # lock; our actions are all synchronous and we use no timers, so start none.
        return None

    def get_action(self, action_name: str) -> Callable[[Any], None]:
        try:
            return self._actions[action_name]
        except KeyError:
            raise EngineError(f"no action named {action_name!r}") from None


# The catch-all rule: matches any message with a `kind`, after every other rule.
CATCH_ALL = "__unmatched__"
_CATCH_ALL_RULE = {"pri": 1_000_000_000, "all": [{"m": {"$ex": {"kind": 1}}}], "run": CATCH_ALL}


class RuleEngine:
    """Evaluate facts against one compiled ruleset; safe to share between threads."""

    def __init__(self, name: str, definition: dict[str, Any], actions: Iterable[str]):
        if CATCH_ALL in definition:
            raise EngineError(f"{CATCH_ALL!r} is reserved")
        self.name = name
        recorders = {action: _recorder(action) for action in (*actions, CATCH_ALL)}
        ruleset = {**copy.deepcopy(definition), CATCH_ALL: copy.deepcopy(_CATCH_ALL_RULE)}
        with _ENGINE_LOCK:
            try:
                self._host = _Host({name: ruleset}, recorders)
            except durable_rules_engine.error as exc:
                raise EngineError(f"durable_rules refused the ruleset: {exc}") from None
            handle = self._host.get_ruleset(name)._handle
        # The C engine keeps every ruleset (about 250 KB each) until told: free it with us.
        self._finalizer = weakref.finalize(self, _delete_ruleset, handle)

    def close(self) -> None:
        """Free the ruleset in durable_rules' C engine now (it is freed at exit otherwise)."""
        self._finalizer()

    def evaluate(self, event: dict[str, Any], fact: dict[str, Any] | None = None) -> list[str]:
        """Post `event`, then assert `fact` if given, in a fresh session; return fired rule ids.

        Both need a `kind`. The event must be taken by a rule of the ruleset (else
        EngineError); a fact that no rule matches is fine (no advice applies).
        """
        events_fired, fact_fired = self.evaluate_batch([event], fact)
        return [*events_fired[0], *fact_fired]

    def evaluate_batch(
        self, events: list[dict[str, Any]], fact: dict[str, Any] | None = None
    ) -> tuple[list[list[str]], list[str]]:
        """Post `events` as one batch, then assert `fact` if given, in one fresh session.

        Returns the rule ids fired by each event, in order, and those fired by the fact.
        Every message needs a `kind`; every event must be taken by a rule of the ruleset
        (else EngineError). Each event is taken by its own rule: a ruleset whose rules each
        match one message, as ours do, answers an event in a batch as it would alone.
        """
        if not events or any("kind" not in m for m in events) or (fact and "kind" not in fact):
            raise EngineError("every message needs a 'kind', and a batch at least one event")
        if not self._finalizer.alive:
            raise EngineError("this engine is closed")
        sid = uuid.uuid4().hex
        batch = [{**event, "sid": sid, _EVENT_NUMBER: n} for n, event in enumerate(events)]
        with _ENGINE_LOCK:
            _free_pending()
            try:
                state = self._host.post_batch(self.name, batch)
                _raise_action_error(state)
                fired = _by_event(state, len(events))
                if fact is not None:
                    state = self._host.assert_fact(self.name, {**fact, "sid": sid})
                    _raise_action_error(state)
            except durable_rules_engine.error as exc:
                raise EngineError(f"durable_rules failed: {exc}") from None
            finally:
                try:
                    self._host.delete_state(self.name, sid)
                except durable_rules_engine.error:
                    # Never hide the error that brought us here behind a clean-up failure.
                    pass
        for event, rule_ids in zip(events, fired, strict=True):
            if not rule_ids or rule_ids[-1] == CATCH_ALL:
                raise UnmatchedEventError(f"no rule matches this {event['kind']!r} event")
        fact_fired = [r for n, r in state.get("fired") or [] if n == -1] if fact else []
        return [[r for r in ids if r != CATCH_ALL] for ids in fired], [
            r for r in fact_fired if r != CATCH_ALL
        ]


def _by_event(state: dict[str, Any], count: int) -> list[list[str]]:
    """The rule ids each numbered event fired, from a session state's firing records."""
    fired: list[list[str]] = [[] for _ in range(count)]
    for number, rule_id in state.get("fired") or []:
        if number >= 0:
            fired[number].append(rule_id)
    return fired


# Rulesets whose engine is gone, waiting for the lock to be freed (see _delete_ruleset).
_PENDING_DELETES: list[int] = []


def _delete_ruleset(handle: int) -> None:
    # A finalizer runs wherever the garbage collector does, possibly inside an engine call on
    # this very thread, with the lock held: waiting for it there would deadlock. So free the
    # ruleset now only if the lock is free, else leave it to the next engine call.
    if _ENGINE_LOCK.acquire(blocking=False):
        try:
            _PENDING_DELETES.append(handle)
            _free_pending()
        finally:
            _ENGINE_LOCK.release()
    else:
        _PENDING_DELETES.append(handle)  # list.append is atomic


def _free_pending() -> None:
    """Free the rulesets left to free; the caller holds the engine lock."""
    while _PENDING_DELETES:
        durable_rules_engine.delete_ruleset(_PENDING_DELETES.pop())


def _raise_action_error(state: dict[str, Any]) -> None:
    if state and state.get("exception"):
        raise EngineError(f"a rule action failed: {state['exception']}")
