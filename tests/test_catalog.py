"""The catalog: facts as of the 2026-12 review, their sources and dates, and aliases."""

from __future__ import annotations

from pathlib import Path

import pytest

from recommender.catalog import Catalog, load_catalog
from recommender.errors import ProfileError, RulesError
from recommender.recommendation import Recommender


@pytest.fixture(scope="module")
def catalog(recommender: Recommender) -> Catalog:
    return recommender.catalog


def fact(catalog: Catalog, fact_id: str):
    return next(f for f in catalog.facts if f.id == fact_id)


def test_the_api_paths_are_not_verified(catalog: Catalog) -> None:
    assert [p.verified for p in catalog.api_paths] == [False, False]
    assert fact(catalog, "api-paths").verified is False


def test_the_exam_format_is_the_current_one_with_its_source(catalog: Catalog) -> None:
    exam = fact(catalog, "exam-format")
    assert "50 multiple-choice questions in 65 minutes" in exam.text
    assert "virtual proctoring" in exam.text and "any time" in exam.text
    assert "2 hours" not in exam.text
    assert exam.verified and catalog.sources[exam.source].startswith("[O]")


def test_windows_limit_access_and_retakes_are_verified_with_their_sources(
    catalog: Catalog,
) -> None:
    exams = catalog.exams
    assert exams.windows == (
        ((1, 15), (3, 15)),
        ((4, 15), (6, 15)),
        ((7, 15), (9, 15)),
        ((10, 15), (12, 15)),
    )
    assert (exams.max_per_window, exams.access_months) == (4, 12)
    retakes = exams.retakes
    assert (retakes.per_window, retakes.same_window_amount_off) == (1, 80)
    assert retakes.count_toward_limit is False
    for entry in (exams, retakes):
        assert entry.verified and catalog.sources[entry.source].startswith("[O]")
    for fact_id in ("exam-windows", "exam-limit", "exam-retakes", "course-access"):
        assert fact(catalog, fact_id).verified


def test_the_eligibility_discount_includes_active_duty_military(catalog: Catalog) -> None:
    discount = catalog.discounts["student_teacher_regulator"]
    assert discount.percent_off == 50 and discount.verified
    assert "active-duty military" in discount.description
    assert discount.combines_with == ()


def test_the_early_purchase_discount_and_the_fees_are_to_confirm(catalog: Catalog) -> None:
    assert catalog.discounts["early_purchase"].verified is False
    assert catalog.default_fee.verified is False
    text = fact(catalog, "exam-cost").text
    assert "$415" in text and "$425 to $455" in text
    assert catalog.courses["ETH 311"].fee_verified is False  # "free" is not confirmed now


def test_the_current_ains_courses_and_the_legacy_ones(catalog: Catalog) -> None:
    current = {c: catalog.courses[c] for c in ("AINS 101", "AINS 102", "AINS 103")}
    assert [c.title for c in current.values()] == [
        "Increasing Your Insurance IQ",
        "Understanding Personal Insurance",
        "Exploring Commercial Insurance",
    ]
    assert all(c.counts_toward == ("AINS",) and not c.legacy for c in current.values())
    # The older codes stay their own courses: they are API Path 1 courses, the new ones not.
    for code in ("AINS 21", "AINS 22"):
        assert catalog.courses[code].legacy and "API" in catalog.courses[code].counts_toward
        assert catalog.normalise_code(code) == code
    assert catalog.credits["AINS"] == ("AINS 21", "AINS 22")


def test_ethics_has_its_current_title(catalog: Catalog) -> None:
    ethics = catalog.courses["ETH 311"]
    assert ethics.title == "ETHICS-311: Ethical Decision Making in Risk and Insurance"


@pytest.mark.parametrize("written", ["ETH 311", "eth311", "Ethics 311", "ETHICS-311", "ethics 311"])
def test_ethics_is_found_however_people_write_it(catalog: Catalog, written: str) -> None:
    assert catalog.normalise_code(written) == "ETH 311"


def test_a_designation_alias_is_its_code(catalog: Catalog) -> None:
    assert catalog.normalise_designation("au-m") == "AU"
    assert catalog.normalise_designation(" cpcu ") == "CPCU"
    assert catalog.normalise_designation("CPCX") is None


def test_every_entry_has_a_known_source_and_a_date(catalog: Catalog) -> None:
    entries = [
        *catalog.designations.values(),
        *catalog.courses.values(),
        *catalog.api_paths,
        *catalog.facts,
        *catalog.discounts.values(),
        catalog.cpcu,
        catalog.exams,
        catalog.exams.retakes,
        catalog.default_fee,
    ]
    for entry in entries:
        assert entry.source in catalog.sources
        assert entry.as_of == "2026-12"


def test_a_profile_shows_aliases_as_current_codes(recommender: Recommender) -> None:
    profile = recommender.load_profile(
        {
            "role": "claims",
            "lines": "personal",
            "years_experience": 4,
            "designations": ["au-m"],
            "completed_courses": ["Ethics 311", "ETHICS-311"],
        }
    )
    assert profile.designations == ("AU",)
    assert profile.completed_courses == ("ETH 311",)
    with pytest.raises(ProfileError) as caught:
        recommender.load_profile(
            {"role": "claims", "lines": "personal", "years_experience": 4, "designations": ["AUX"]}
        )
    assert "AUX" in caught.value.errors["designations"][0]


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "aliases: [ETHICS-311]",
            "aliases: [CPCU-500]",
            "course ETH 311: 'CPCU-500' is already the code or an alias of CPCU 500",
        ),
        (
            "aliases: [AU-M]",
            "aliases: [AU-M, au m]",
            "designation AU: alias 'au m' repeats its code or an alias",
        ),
        ("aliases: [AU-M]", "aliases: [AAI]", "'AAI' is already the code or an alias of AU"),
        ("aliases: [AU-M]", "aliases: ['--']", "alias '--' has no letters or digits"),
    ],
)
def test_aliases_are_unique_and_never_collide_with_codes(
    rules_copy: Path, old: str, new: str, message: str
) -> None:
    _replace(rules_copy / "catalog.yaml", old, new)
    with pytest.raises(RulesError, match=message):
        load_catalog(rules_copy)


def test_an_entry_without_a_date_is_refused(rules_copy: Path) -> None:
    _replace(
        rules_copy / "catalog.yaml",
        '    verified: true\n    as_of: "2026-12"\n',
        "    verified: true\n",
    )
    with pytest.raises(RulesError, match="as_of: Missing data"):
        load_catalog(rules_copy)


def test_a_roster_accepts_aliases_and_plans_with_current_codes(client) -> None:
    roster = "name,role,lines,years_experience,designations,completed_courses\n"
    roster += "Ana,underwriter,commercial,5,AU-M,Ethics 311;ETHICS-311\n"
    response = client.post("/api/v1/team-plans", data=roster, content_type="text/csv")
    assert response.status_code == 200
    (member,) = response.get_json()["members"]
    assert not member.get("errors")
    assert "ETH 311" not in member["remaining_courses"]
    assert member["remaining_courses"][0] == "CPCU 500"
