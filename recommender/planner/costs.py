"""Exam fees: the best discount that applies to each exam, the fee range, the other costs."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from ..catalog import Catalog, Discount, Hours


def discount_options(catalog: Catalog, chosen: tuple[str, ...]) -> list[tuple[Discount, ...]]:
    """The ways the chosen discounts may apply to one exam: each alone, and together only
    where the catalog says they combine (each lists the others in `combines_with`)."""
    discounts = [catalog.discounts[d] for d in dict.fromkeys(chosen)]
    options: list[tuple[Discount, ...]] = []
    for size in range(1, len(discounts) + 1):
        for group in itertools.combinations(discounts, size):
            if all(
                b.id in a.combines_with or a.id in b.combines_with
                for a, b in itertools.combinations(group, 2)
            ):
                # A percentage comes off before a fixed amount.
                options.append(tuple(sorted(group, key=lambda d: -d.percent_off)))
    return options


def best_discount(fee: float, options: list[tuple[Discount, ...]]) -> tuple[float, str | None]:
    """The lowest amount for `fee` over the options, and the discount applied ('a+b' for a
    combination the catalog allows; None when no option lowers the fee)."""
    amount, option = best_option(fee, options)
    return amount, "+".join(d.id for d in option) or None


def best_option(
    fee: float, options: list[tuple[Discount, ...]]
) -> tuple[float, tuple[Discount, ...]]:
    """The lowest amount for `fee` over the options, and the option giving it (() for none)."""
    amount: float = fee
    best: tuple[Discount, ...] = ()
    for option in options:
        value = _discounted(fee, option)
        if value < amount:  # on a tie the earlier (simpler) option stays
            amount, best = value, option
    return amount, best


def open_windows_at(schedule: list[dict[str, Any]], start: date) -> set[str]:
    """The codes whose exam is planned in a window already open on `start`: too late to buy
    them before their window opens."""
    return {e["code"] for e in schedule if date.fromisoformat(e["window_start"]) <= start}


def before_window_only(options: list[tuple[Discount, ...]]) -> list[tuple[Discount, ...]]:
    """The options without a discount for an exam bought before its window opens."""
    return [o for o in options if not any(d.only_before_window for d in o)]


OPEN_WINDOW_NOTE = (
    "No {names} discount: its testing window is already open on the start date, and that "
    "discount is for an exam bought before its window opens."
)


def estimate_cost(
    codes: list[str],
    catalog: Catalog,
    discounts: tuple[str, ...],
    schedule: list[dict[str, Any]] | None = None,
    start: date | None = None,
) -> dict[str, Any]:
    """Exam fees for `codes`, each after the single best of the chosen discounts (never
    stacked unless the catalog says they combine), with items and the other costs.

    Given the dated plan (`schedule`, `start`), a discount for an exam bought before its
    window opens is not given to an exam in a window already open on `start`, and its item
    says why (`note`). `low` and `high` are the planning figure's total (every sum uses it);
    `range` is the total over the fee the sources give (`fee_range`), with the same discounts.
    """
    options = discount_options(catalog, discounts)
    late = open_windows_at(schedule, start) if schedule and start else set()
    lost = [
        catalog.discounts[d].name.lower()
        for d in dict.fromkeys(discounts)
        if catalog.discounts[d].only_before_window
    ]
    items: list[dict[str, Any]] = []
    low = high = 0.0
    for code in codes:
        course = catalog.courses[code]
        allowed = before_window_only(options) if code in late else options
        amount, option = best_option(course.exam_fee, allowed)
        band = course.fee_range or Hours(course.exam_fee, course.exam_fee)
        low += _discounted(band.low, option)
        high += _discounted(band.high, option)
        items.append(
            {
                "code": code,
                "fee": course.exam_fee,
                "amount": round(amount, 2),
                "discount": "+".join(d.id for d in option) or None,
                "verified": course.fee_verified,
                "fee_range": {"low": band.low, "high": band.high},
                "note": OPEN_WINDOW_NOTE.format(names=" or ".join(lost))
                if code in late and lost and course.exam_fee
                else None,
            }
        )
    # Start from 0.0: with no exam left the total is still a float, as CostSchema says.
    total = round(sum((item["amount"] for item in items), 0.0), 2)
    return {
        "low": total,
        "high": total,
        "currency": catalog.currency,
        "verified": all(item["verified"] for item in items),
        "discounts": list(discounts),
        "items": items,
        "range": {"low": round(low, 2), "high": round(high, 2)},
        "other_costs": [
            {
                "id": cost.id,
                "name": cost.name,
                "amount": cost.amount,
                "per": cost.per,
                "included": False,
                "description": cost.description,
                "verified": cost.verified,
            }
            for cost in catalog.other_costs
        ],
    }


def _discounted(fee: float, discounts: tuple[Discount, ...]) -> float:
    for discount in discounts:
        fee = discount.apply(fee)
    return fee


def copy_cost(cost: dict[str, Any]) -> dict[str, Any]:
    """A copy of a kept estimate_cost answer, lists and dicts and all: each answer is its
    caller's."""
    return {
        **cost,
        "discounts": list(cost["discounts"]),
        "items": [{**item, "fee_range": dict(item["fee_range"])} for item in cost["items"]],
        "range": dict(cost["range"]),
        "other_costs": [dict(other) for other in cost["other_costs"]],
    }
