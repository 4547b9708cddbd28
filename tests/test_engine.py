"""The durable_rules engine: sessions cleaned up, errors surfaced, threads safe."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from recommender import engine as engine_module
from recommender.config import DEFAULT_RULES_DIR
from recommender.engine import RuleEngine
from recommender.errors import EngineError
from recommender.planner import Profile
from recommender.recommendation import Recommender
from recommender.rulebook import DECIDE, profile_fact

DEFINITION = {
    "first": {
        "pri": 1,
        "all": [{"m": {"$and": [{"kind": "e"}, {"$lt": {"x": 10}}]}}],
        "run": "first",
    },
    "second": {
        "pri": 2,
        "all": [{"m": {"$and": [{"kind": "e"}, {"$lt": {"x": 20}}]}}],
        "run": "second",
    },
    "advice": {
        "pri": 3,
        "all": [{"m": {"$and": [{"kind": "f"}, {"$lt": {"x": 5}}]}}],
        "run": "advice",
    },
}


def make_engine(name: str = "t") -> RuleEngine:
    return RuleEngine(name, DEFINITION, ["first", "second", "advice"])


def test_the_event_is_consumed_by_the_first_matching_rule_by_priority() -> None:
    engine = make_engine()
    assert engine.evaluate({"kind": "e", "x": 1}, {"kind": "f", "x": 1}) == ["first", "advice"]
    assert engine.evaluate({"kind": "e", "x": 15}, {"kind": "f", "x": 15}) == ["second"]


def test_each_event_of_a_batch_is_answered_as_it_would_be_alone() -> None:
    engine = make_engine()
    xs = [1, 15, 3, 12, 9, 19, 0]
    events = [{"kind": "e", "x": x} for x in xs]
    fired, advice = engine.evaluate_batch(events, {"kind": "f", "x": 2})
    assert fired == [engine.evaluate(event) for event in events]
    assert advice == ["advice"]
    assert engine.evaluate_batch(events[:1]) == ([["first"]], [])


def test_a_batch_with_an_unhandled_event_is_an_engine_error() -> None:
    with pytest.raises(EngineError, match="no rule matches this 'e' event"):
        make_engine().evaluate_batch([{"kind": "e", "x": 1}, {"kind": "e", "x": 99}])


def test_a_batch_of_every_profile_of_a_grid_is_answered_as_each_alone() -> None:
    recommender = Recommender.from_dir(DEFAULT_RULES_DIR)
    roles = ("agent", "claims", "underwriter")
    goals = ("undecided", "advance_to_leadership", "quick_credential", "master_personal_lines")
    facts = [
        {
            **profile_fact(Profile(r, lines, years, held, goal=g), recommender.catalog),
            "kind": DECIDE,
        }
        for r in roles
        for lines in ("personal", "commercial", "both")
        for g in goals
        for years in (0, 2, 3, 10)
        for held in ((), ("API",), ("CPCU",), ("API", "CPCU"))
    ]
    fired, _ = recommender.engine.evaluate_batch(facts)
    assert fired == [recommender.engine.evaluate(f) for f in facts]


def test_an_unhandled_event_is_an_engine_error_not_an_empty_answer() -> None:
    with pytest.raises(EngineError, match="no rule matches this 'e' event"):
        make_engine().evaluate({"kind": "e", "x": 99}, {"kind": "f", "x": 99})


def test_the_definition_passed_in_is_left_intact() -> None:
    make_engine()
    assert all("run" in rule for rule in DEFINITION.values())


def test_sessions_are_deleted_well_past_the_1024_session_limit() -> None:
    engine = make_engine()
    for _ in range(3000):
        assert engine.evaluate({"kind": "e", "x": 1}, {"kind": "f", "x": 9}) == ["first"]


def test_facts_no_rule_matches_are_fine_and_leave_no_session_behind() -> None:
    engine = make_engine()
    for _ in range(3000):
        assert engine.evaluate({"kind": "e", "x": 15}, {"kind": "f", "x": 99}) == ["second"]


def test_sessions_are_deleted_after_an_unhandled_event_too() -> None:
    engine = make_engine()
    for _ in range(1500):
        with pytest.raises(EngineError):
            engine.evaluate({"kind": "e", "x": 99}, {"kind": "f", "x": 99})
    assert engine.evaluate({"kind": "e", "x": 1}, {"kind": "f", "x": 1}) == ["first", "advice"]


def test_an_exception_inside_an_action_is_surfaced(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(rule_id: str):
        def action(c):
            raise RuntimeError(f"boom in {rule_id}")

        return action

    monkeypatch.setattr(engine_module, "_recorder", broken)
    with pytest.raises(EngineError, match="boom in first"):
        make_engine().evaluate({"kind": "e", "x": 1}, {"kind": "f", "x": 1})


def test_two_engines_with_the_same_ruleset_name_live_side_by_side() -> None:
    one, two = make_engine("same"), make_engine("same")
    assert one.evaluate({"kind": "e", "x": 1}, {"kind": "f", "x": 9}) == ["first"]
    assert two.evaluate({"kind": "e", "x": 15}, {"kind": "f", "x": 1}) == ["second", "advice"]


def test_the_host_starts_no_background_threads() -> None:
    before = threading.active_count()
    make_engine()
    assert threading.active_count() == before


def test_sixteen_threads_get_the_same_answers_as_serial() -> None:
    # The recommender keeps engine answers per rule fact and years band: each call forgets
    # them first, so that the threads run the engine itself (and clear the caches at once).
    roles = ("agent", "claims", "customer_service", "underwriter", "broker")
    lines = ("personal", "commercial", "both")
    goals = ("undecided", "advance_to_leadership", "quick_credential", "master_personal_lines")
    held = ((), ("API",), ("CPCU",), ("API", "CPCU"), ("CISR",), ("AINS",))
    profiles = [
        Profile(
            role=roles[i % 5],
            lines=lines[i % 3],
            years_experience=round((i * 7919 % 6000) / 100, 2),
            designations=held[i % 6],
            goal=goals[i % 4],
        )
        for i in range(4000)
    ]
    reference = Recommender.from_dir(DEFAULT_RULES_DIR)
    serial = [reference.fired_rules(p) for p in profiles]
    shared = Recommender.from_dir(DEFAULT_RULES_DIR)
    calls = []
    evaluate_batch = shared.engine.evaluate_batch

    def counting(events, fact=None):
        calls.append(1)
        return evaluate_batch(events, fact)

    def afresh(profile: Profile) -> list[str]:
        shared.clear_cache()
        return shared.fired_rules(profile)

    shared.engine.evaluate_batch = counting  # type: ignore[method-assign]
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(afresh, profiles))
    assert answers == serial
    assert len(calls) >= 3000, "the threads must reach durable_rules, not only the cache"
    full = [shared.recommend(p) for p in profiles[:50]]
    with ThreadPoolExecutor(max_workers=16) as pool:
        assert list(pool.map(shared.recommend, profiles[:50])) == full


def test_a_closed_engine_frees_its_ruleset_and_refuses_work() -> None:
    engine = make_engine()
    engine.close()
    engine.close()  # twice is fine
    with pytest.raises(EngineError, match="closed"):
        engine.evaluate({"kind": "e", "x": 1})


def test_engines_are_freed_when_dropped() -> None:
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(2000):  # about 250 KB each if the C engine kept them: 500 MB
        make_engine().evaluate({"kind": "e", "x": 1})
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100


def test_an_engine_freed_by_the_garbage_collector_inside_an_engine_call_does_not_deadlock() -> None:
    import gc

    class Cycle:
        """Freed only by the garbage collector, like an app in a reference cycle."""

        def __init__(self) -> None:
            self.me = self
            self.engine = make_engine()

    dropped = Cycle()
    del dropped  # now garbage, waiting for a collection
    engine = make_engine()
    evaluate = engine._host.post

    def post_with_a_collection(*args, **kwargs):
        gc.collect()  # the collector runs here, with the engine lock held by this thread
        return evaluate(*args, **kwargs)

    engine._host.post = post_with_a_collection
    done = threading.Event()
    worker = threading.Thread(
        target=lambda: (engine.evaluate({"kind": "e", "x": 1}), done.set()), daemon=True
    )
    worker.start()
    worker.join(timeout=10)
    assert done.is_set(), "deadlocked: a finalizer waited for the lock its own thread held"
    assert engine.evaluate({"kind": "e", "x": 1}) == ["first"]  # and the queue is drained
