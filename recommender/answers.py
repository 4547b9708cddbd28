"""The engine's answers per rule fact and years band, kept in a bounded cache, asked in batches.

The rules compare years of experience only with their thresholds, so the thresholds split
years into bands, and every fact in one band fires the same rules: an answer is kept per band
(the fact with the band's lowest years). durable_rules still decides every distinct band.
"""

from __future__ import annotations

import bisect
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from typing import Any, Generic, TypeVar

from .engine import RuleEngine
from .errors import EngineError, UnmatchedEventError
from .planner import Profile
from .rulebook import ADVISE, DECIDE, Rulebook, profile_fact, years_value

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

FactKey = tuple[tuple[str, Any], ...]


class BoundedCache(Generic[K, V]):
    """A least-recently-used map of at most `size` entries, safe to share between threads."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: K) -> V | None:
        """The value kept for `key` (now the most recently used), or None."""
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        """Keep `value` for `key`, forgetting the least recently used entry past the size."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._items.clear()


class EngineAnswers:
    """Which rules fire for a profile: decided by the engine once per band, then kept."""

    def __init__(self, engine: RuleEngine, rulebook: Rulebook, size: int):
        self.engine = engine
        self.catalog = rulebook.catalog
        self.thresholds = rulebook.thresholds()
        self._limits = [years_value(t) for t in self.thresholds]
        # The decision rule each band's decide event fired, and the advice its fact fired.
        self._decisions: BoundedCache[FactKey, tuple[str, ...]] = BoundedCache(size)
        self._advice: BoundedCache[FactKey, tuple[str, ...]] = BoundedCache(size)

    def band_years(self, years: float) -> float:
        """The lowest years of the band that `years` falls in (0 below every threshold)."""
        band = bisect.bisect_right(self._limits, years_value(years))
        return self.thresholds[band - 1] if band else 0.0

    def key(self, profile: Profile) -> FactKey:
        """The rule fact of a profile, with the years of its band: what the answer depends on."""
        fact = profile_fact(profile, self.catalog)
        band = bisect.bisect_right(self._limits, fact["years"])
        fact["years"] = self._limits[band - 1] if band else 0
        return tuple(fact.items())

    def decisions(self, profiles: Iterable[Profile]) -> list[tuple[str, ...]]:
        """The decision rules fired for each profile; the missing ones in one engine session."""
        keys = [self.key(p) for p in profiles]
        decided, _ = self._answer(keys, None)
        return [decided[k] for k in keys]

    def fired(self, profile: Profile, also: Iterable[Profile] = ()) -> tuple[str, ...]:
        """Every rule fired for a profile (decision, then advice).

        The decisions for the profiles `also` (ones the caller will ask for next) are worked
        out in the same engine session when they are missing.
        """
        key = self.key(profile)
        decided, advice = self._answer([key, *(self.key(p) for p in also)], key)
        return decided[key] + advice

    def clear(self) -> None:
        """Forget every kept answer."""
        self._decisions.clear()
        self._advice.clear()

    def _answer(
        self, keys: list[FactKey], advise: FactKey | None
    ) -> tuple[dict[FactKey, tuple[str, ...]], tuple[str, ...]]:
        """The decisions for `keys` and the advice for `advise`: kept, or from one session."""
        decided: dict[FactKey, tuple[str, ...]] = {}
        missing: list[FactKey] = []
        for key in keys:
            if key not in decided:
                kept = self._decisions.get(key)
                if kept is None:
                    missing.append(key)
                else:
                    decided[key] = kept
        advice = self._advice.get(advise) if advise is not None else ()
        if not missing and advice is not None:
            return decided, advice
        missing = list(dict.fromkeys(missing))
        if advise is not None and advise not in missing:
            missing.insert(0, advise)  # a fact comes after at least one event
        events = [{**dict(k), "kind": DECIDE} for k in missing]
        fact = {**dict(advise), "kind": ADVISE} if advice is None and advise else None
        try:
            fired, fact_fired = self.engine.evaluate_batch(events, fact)
        except UnmatchedEventError:
            raise EngineError(
                "no decision rule matches this profile: the rules have a gap"
            ) from None
        for key, rule_ids in zip(missing, fired, strict=True):
            decided[key] = tuple(rule_ids)
            self._decisions.put(key, decided[key])
        if advice is None and advise is not None:
            advice = tuple(fact_fired)
            self._advice.put(advise, advice)
        return decided, advice or ()
