"""The app factory: configuration layers, one recommender per app, broken rules stop start-up."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from recommender import create_app
from recommender.config import DEFAULT_RULES_DIR
from recommender.errors import RulesError
from recommender.extensions import EXTENSION
from recommender.recommendation import Recommender


def test_the_defaults_apply_without_any_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAREER_PATH_RULES_DIR", raising=False)
    monkeypatch.delenv("CAREER_PATH_MAX_CONTENT_LENGTH", raising=False)
    app = create_app()
    assert app.config["RULES_DIR"] == DEFAULT_RULES_DIR
    assert app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024
    assert isinstance(app.extensions[EXTENSION], Recommender)


def test_environment_variables_override_the_defaults(
    monkeypatch: pytest.MonkeyPatch, rules_copy: Path
) -> None:
    monkeypatch.setenv("CAREER_PATH_MAX_CONTENT_LENGTH", "2048")
    monkeypatch.setenv("CAREER_PATH_RULES_DIR", str(rules_copy))
    app = create_app()
    assert app.config["MAX_CONTENT_LENGTH"] == 2048
    assert app.config["RULES_DIR"] == str(rules_copy)


def test_the_config_argument_overrides_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREER_PATH_MAX_CONTENT_LENGTH", "2048")
    app = create_app({"MAX_CONTENT_LENGTH": 4096, "TESTING": True})
    assert app.config["MAX_CONTENT_LENGTH"] == 4096
    assert app.testing


def test_each_app_has_its_own_recommender_on_its_own_rules(rules_copy: Path) -> None:
    catalog = rules_copy / "catalog.yaml"
    catalog.write_text(
        catalog.read_text(encoding="utf-8").replace('version: "', 'version: "copy-'),
        encoding="utf-8",
    )
    shipped = create_app({"RULES_DIR": DEFAULT_RULES_DIR})
    copied = create_app({"RULES_DIR": rules_copy})
    assert shipped.extensions[EXTENSION] is not copied.extensions[EXTENSION]
    versions = [
        app.test_client().get("/api/v1/rules").get_json()["rules_version"]
        for app in (shipped, copied)
    ]
    assert not versions[0].startswith("copy-")
    assert versions[1].startswith("copy-")


def test_many_apps_can_be_created_in_one_process() -> None:
    apps: list[Flask] = [create_app({"TESTING": True}) for _ in range(5)]
    for app in apps:
        assert app.test_client().get("/healthz").status_code == 200


def test_a_broken_rule_stops_create_app_naming_the_file_and_rule(rules_copy: Path) -> None:
    decision = rules_copy / "decision.yaml"
    text = decision.read_text(encoding="utf-8")
    decision.write_text(
        text.replace("{fit: not_suitable, reason: You already hold the API.}", "{fit: maybe}", 1),
        encoding="utf-8",
    )
    with pytest.raises(RulesError) as caught:
        create_app({"RULES_DIR": rules_copy})
    assert caught.value.file == "decision.yaml"
    assert caught.value.rule_id == "holds-api-and-cpcu"
    assert "Must be one of" in str(caught.value)


def test_a_missing_rules_directory_stops_create_app(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="rules directory not found"):
        create_app({"RULES_DIR": tmp_path / "nowhere"})
