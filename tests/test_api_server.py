"""The service as `career-path serve` runs it (granian, worker processes x threads) under load."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from recommender.cli import build_parser, main
from recommender.config import DEFAULT_RULES_DIR
from recommender.http.serve import granian_argv
from recommender.recommendation import Recommender
from recommender.schemas import RecommendationSchema
from recommender.testing import Served, career_path_serve, serving

PROFILES: list[dict[str, Any]] = [
    {"role": "agent", "lines": "personal", "years_experience": 4, "goal": "advance_to_leadership"},
    {"role": "underwriter", "lines": "commercial", "years_experience": 12},
    {"role": "claims", "lines": "both", "years_experience": 1, "completed_courses": ["CPCU 500"]},
    {"role": "broker", "lines": "personal", "years_experience": 0.5, "goal": "quick_credential"},
    {
        "role": "customer_service",
        "lines": "personal",
        "years_experience": 2,
        "designations": ["AINS"],
    },
    {"role": "agent", "lines": "both", "years_experience": 20, "designations": ["API", "CPCU"]},
    {"role": "underwriter", "lines": "personal", "years_experience": 9, "hours_per_week": 10},
    {"role": "claims", "lines": "commercial", "years_experience": 3, "designations": ["CPCU"]},
]
URL = "/api/v1/recommendations"
CLIENT_THREADS = 16
CONCURRENT_REQUESTS = 2_000
SEQUENTIAL_REQUESTS = 5_000  # well past durable_rules' 1,024 live sessions per ruleset


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One granian worker process with 8 app threads, started with `career-path serve`."""
    log = tmp_path_factory.mktemp("serve") / "server.log"
    with serving(career_path_serve(DEFAULT_RULES_DIR), workers=1, threads=8, log=log) as served:
        yield served


@pytest.fixture(scope="module")
def expected(recommender: Recommender) -> list[dict[str, Any]]:
    """The answer for each profile, computed in this process."""
    schema = RecommendationSchema()
    return [schema.dump(recommender.recommend(recommender.load_profile(p))) for p in PROFILES]


def report(label: str, count: int, seconds: float) -> None:
    print(f"\n{label}: {count} requests in {seconds:.2f} s, {count / seconds:.0f} requests/s")


@pytest.mark.slow
def test_the_live_server_answers_with_request_ids_and_security_headers(server: Served) -> None:
    response = requests.post(
        server.url + URL, json=PROFILES[0], headers={"X-Request-ID": "live-1"}, timeout=5
    )
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "live-1"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    missing = requests.get(server.url + "/api/v1/nowhere", timeout=5)
    assert missing.status_code == 404
    assert missing.json()["code"] == 404


@pytest.mark.slow
def test_2000_concurrent_requests_from_16_threads_all_get_the_right_answer(
    server: Served, expected: list[dict[str, Any]]
) -> None:
    per_thread = CONCURRENT_REQUESTS // CLIENT_THREADS

    def client(thread: int) -> list[tuple[int, int, bytes]]:
        with requests.Session() as session:
            out = []
            for n in range(per_thread):
                index = (thread + n) % len(PROFILES)
                response = session.post(server.url + URL, json=PROFILES[index], timeout=30)
                out.append((index, response.status_code, response.content))
            return out

    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        results = [r for batch in pool.map(client, range(CLIENT_THREADS)) for r in batch]
    report("concurrent (16 client threads)", len(results), time.perf_counter() - started)

    assert len(results) == CONCURRENT_REQUESTS
    assert {status for _, status, _ in results} == {200}
    bodies: dict[int, set[bytes]] = {}
    for index, _, body in results:
        bodies.setdefault(index, set()).add(body)
    assert all(len(seen) == 1 for seen in bodies.values()), "one profile, different answers"
    for index, seen in bodies.items():
        assert json.loads(next(iter(seen))) == expected[index]


@pytest.mark.slow
def test_one_server_process_answers_5000_requests_in_a_row(
    server: Served, expected: list[dict[str, Any]]
) -> None:
    statuses: dict[int, int] = {}
    bodies: dict[int, set[bytes]] = {}
    started = time.perf_counter()
    with requests.Session() as session:  # keep-alive: one connection
        for n in range(SEQUENTIAL_REQUESTS):
            index = n % len(PROFILES)
            response = session.post(server.url + URL, json=PROFILES[index], timeout=30)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            bodies.setdefault(index, set()).add(response.content)
    report("sequential (keep-alive)", SEQUENTIAL_REQUESTS, time.perf_counter() - started)

    assert statuses == {200: SEQUENTIAL_REQUESTS}
    assert all(len(seen) == 1 for seen in bodies.values())
    for index, seen in bodies.items():
        assert json.loads(next(iter(seen))) == expected[index]
    log = server.log.read_text(errors="replace")
    assert log.count("Spawning worker") == 1, "the worker was restarted"
    assert "Traceback" not in log


def test_serve_runs_granian_with_the_app_behind_the_buffering_layer() -> None:
    argv = granian_argv("127.0.0.1", 9000, workers=3)
    assert argv[-1] == "recommender.rsgi:create_rsgi_app"
    joined = " ".join(argv)
    for part in ("--interface rsgi", "--factory", "--port 9000", "--workers 3"):
        assert part in joined
    assert "--host ::1" in " ".join(granian_argv("::1", 9000, workers=1))


def test_serve_refuses_broken_rules_before_starting(
    rules_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (rules_copy / "advice.yaml").write_text("rules: [unclosed\n", encoding="utf-8")
    assert main(["--rules-dir", str(rules_copy), "serve"]) == 1
    assert "advice.yaml: not valid YAML" in capsys.readouterr().err


@pytest.mark.parametrize("flag", [["--port", "0"], ["--port", "http"], ["--threads", "0"]])
def test_serve_rejects_bad_flags(flag: list[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["serve", *flag])
    assert caught.value.code == 2


def test_serve_takes_its_defaults_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOST", "build-box.example")  # a bare HOST is not ours: ignored
    monkeypatch.delenv("CAREER_PATH_HOST", raising=False)
    monkeypatch.setenv("PORT", "9100")
    monkeypatch.setenv("CAREER_PATH_THREADS", "7")
    monkeypatch.setenv("CAREER_PATH_WORKERS", "5")
    args = build_parser().parse_args(["serve", "--threads", "3"])
    assert (args.host, args.port, args.threads, args.workers) == ("127.0.0.1", 9100, 3, 5)
    monkeypatch.setenv("CAREER_PATH_PORT", "9200")
    assert build_parser().parse_args(["serve"]).port == 9200


@pytest.mark.parametrize("flags", [["--port", "http"], ["--workers", "0"], ["--color"]])
def test_bin_serve_rejects_bad_flags_before_setting_anything_up(flags: list[str]) -> None:
    script = Path(__file__).resolve().parent.parent / "bin" / "serve"
    result = subprocess.run([str(script), *flags], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert result.stderr.startswith("serve: ")
