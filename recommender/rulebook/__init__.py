"""The rule files in rules/: loaded, validated and compiled to a durable_rules ruleset.

Pipeline: parse (YAML) -> validate (marshmallow, unknown keys rejected) -> check references
(routes, designations, vocabulary) -> compile (durable_rules JSON). `model` holds the rules as
data, `files` the reading and checking, `ruleset` the compiling and the fact a profile gives.
Import from here: `from recommender.rulebook import load_rulebook`.
"""

from .files import load_rulebook, placeholders, rule_files
from .model import (
    ADVISE,
    DECIDE,
    PLAN_PLACEHOLDERS,
    RULE_KINDS,
    RULESET_NAME,
    Condition,
    Rule,
    Rulebook,
    Verdict,
)
from .ruleset import (
    compile_condition,
    compile_ruleset,
    holds_attribute,
    profile_fact,
    years_value,
)

__all__ = [
    "ADVISE",
    "DECIDE",
    "PLAN_PLACEHOLDERS",
    "RULESET_NAME",
    "RULE_KINDS",
    "Condition",
    "Rule",
    "Rulebook",
    "Verdict",
    "compile_condition",
    "compile_ruleset",
    "holds_attribute",
    "load_rulebook",
    "placeholders",
    "profile_fact",
    "rule_files",
    "years_value",
]
