import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def settings_import(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", "import gridgov.settings"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = settings_import(DJANGO_DEBUG="0")
    assert result.returncode != 0 and "SECRET_KEY is not set" in result.stderr


def test_production_refuses_to_start_with_the_development_key():
    result = settings_import(DJANGO_DEBUG="0", SECRET_KEY="gridgov-development-key-not-for-production")
    assert result.returncode != 0 and "development key" in result.stderr


def test_production_starts_with_a_key_of_its_own_and_development_without_one():
    assert settings_import(DJANGO_DEBUG="0", SECRET_KEY="a-real-secret-of-our-own").returncode == 0
    assert settings_import(DJANGO_DEBUG="1").returncode == 0


def test_the_openapi_schema_generates_without_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--fail-on-warn", "--file", os.devnull],
        cwd=ROOT,
        env={**os.environ, "DJANGO_DEBUG": "1"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
