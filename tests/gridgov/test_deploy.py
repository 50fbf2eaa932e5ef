"""The deployable path: static files collect with the manifest storage, `make run`'s demo mode
is safe and refused by `check --deploy`, and the embedded broker logs no kombu warning."""

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from kombu import Connection

from gridgov.checks import file_serving_mode_is_known

ROOT = Path(__file__).resolve().parents[2]
SOURCE_MAP = re.compile(r"[#@]\s*sourceMappingURL=(\S+?)\s*(?:\*/)?\s*$", re.MULTILINE)


def run(args, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_DEBUG", "GRIDGOV_DEMO"}}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=300
    )


def test_every_source_map_a_vendored_file_names_is_in_the_repository():
    # collectstatic's manifest storage stops on a reference to a missing file, and with DEBUG
    # off every page then fails with "Missing staticfiles manifest entry".
    vendored = [p for p in (ROOT / "static").rglob("*") if p.suffix in {".js", ".css"}]
    assert vendored
    for path in vendored:
        for target in SOURCE_MAP.findall(path.read_text(encoding="utf-8", errors="replace")):
            assert (path.parent / target).is_file(), f"{path.relative_to(ROOT)} names {target}, which is missing"


def test_collectstatic_with_the_manifest_storage_succeeds_with_debug_off(tmp_path):
    result = run(
        ["manage.py", "collectstatic", "--noinput", "--verbosity", "1"],
        DJANGO_DEBUG="0",
        SECRET_KEY="a-real-secret-of-our-own",
        GRIDGOV_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    manifest = (tmp_path / "staticfiles" / "staticfiles.json").read_text()
    assert "vendor/leaflet.markercluster/leaflet.markercluster.js" in manifest
    assert "gridgov/site.css" in manifest


def test_the_demo_generates_its_secret_key_once_and_keeps_it(tmp_path):
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECRET_KEY, s.ALLOWED_HOSTS, s.SESSION_COOKIE_SECURE, s.GRIDGOV_DEVELOPMENT_KEYS)"
    )
    env = {"DJANGO_DEBUG": "0", "GRIDGOV_DEMO": "1", "GRIDGOV_VAR_DIR": str(tmp_path)}
    first = run(["-c", script], DJANGO_SETTINGS_MODULE="gridgov.settings", **env)
    second = run(["-c", script], DJANGO_SETTINGS_MODULE="gridgov.settings", **env)
    assert first.returncode == 0, first.stderr[-2000:]
    key, rest = first.stdout.split(" ", 1)
    assert second.stdout.split(" ", 1)[0] == key == (tmp_path / "secret_key").read_text().strip()
    assert key != settings.DEVELOPMENT_SECRET_KEY and len(key) >= 50
    assert "127.0.0.1" in rest and rest.strip().endswith("False True")  # plain-http cookies, demo data keys
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_without_the_demo_debug_off_still_refuses_to_start_without_a_key(tmp_path):
    result = run(["-c", "import gridgov.settings"], DJANGO_DEBUG="0", GRIDGOV_VAR_DIR=str(tmp_path))
    assert result.returncode != 0 and "SECRET_KEY is not set" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_check_deploy_refuses_the_demo_mode(tmp_path):
    demo = run(["manage.py", "check", "--deploy"], DJANGO_DEBUG="0", GRIDGOV_DEMO="1", GRIDGOV_VAR_DIR=str(tmp_path))
    assert demo.returncode != 0 and "gridgov.E001" in demo.stderr
    production = run(
        ["manage.py", "check", "--deploy"], DJANGO_DEBUG="0", SECRET_KEY="s" * 60, GRIDGOV_VAR_DIR=str(tmp_path)
    )
    assert "gridgov.E001" not in production.stderr + production.stdout


def test_an_unknown_file_serving_mode_is_a_check_error(settings):
    settings.GRIDGOV_FILES_SENDFILE = "x-accel"
    assert [e.id for e in file_serving_mode_is_known(None)] == ["gridgov.E002"]
    settings.GRIDGOV_FILES_SENDFILE = "x-accel-redirect"
    settings.GRIDGOV_FILES_INTERNAL_URL = "protected"
    assert [e.id for e in file_serving_mode_is_known(None)] == ["gridgov.E003"]
    settings.GRIDGOV_FILES_INTERNAL_URL = "/protected-media/"
    assert file_serving_mode_is_known(None) == []


def test_the_embedded_broker_connects_without_kombus_no_hostname_warning(caplog):
    # Seeding and every command enqueue after commit; with a bare "filesystem://" kombu logged
    # "No hostname was supplied. Reverting to default 'localhost'" on each connection.
    warning = "No hostname was supplied. Reverting to default 'localhost'"
    with caplog.at_level(logging.WARNING, logger="kombu"):
        Connection("filesystem://localhost/")._info()
    assert warning not in caplog.text
    with caplog.at_level(logging.WARNING, logger="kombu"):
        Connection("filesystem://")._info()  # the URL it had: the warning this test guards against
    assert warning in caplog.text


def test_the_settings_broker_url_names_a_host():
    if not settings.REDIS_URL:
        assert settings.CELERY_BROKER_URL == "filesystem://localhost/"
    assert Connection(settings.CELERY_BROKER_URL).hostname
