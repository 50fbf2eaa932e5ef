"""Idle session timeout (accounts.middleware.IdleSessionTimeoutMiddleware): a session unused
for GRIDGOV_SESSION_IDLE_MINUTES ends; use keeps it alive. Off in the rest of the suite."""

import datetime

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def idle(settings):
    settings.GRIDGOV_SESSION_IDLE_MINUTES = 30


def test_a_session_idle_for_more_than_30_minutes_ends(idle, people, client_for, clock):
    client = client_for(people.grid_manager)
    assert client.get("/notifications/").status_code == 200
    clock.shift(datetime.timedelta(minutes=30, seconds=1))
    response = client.get("/notifications/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert "_auth_user_id" not in client.session
    assert client.get("/api/me/").status_code == 403


def test_activity_keeps_the_session_alive(idle, people, client_for, clock):
    client = client_for(people.grid_manager)
    for _ in range(6):
        assert client.get("/notifications/").status_code == 200
        clock.shift(datetime.timedelta(minutes=20))
    assert client.get("/notifications/").status_code == 200


def test_the_login_page_says_why(idle, people, client_for, clock):
    client = client_for(people.grid_manager, language="zh-hans")
    client.get("/notifications/")
    clock.shift(datetime.timedelta(minutes=31))
    page = client.get("/notifications/", follow=True)
    assert "30 分钟" in page.content.decode()


def test_the_timeout_is_configurable(settings, people, client_for, clock):
    settings.GRIDGOV_SESSION_IDLE_MINUTES = 5
    client = client_for(people.grid_manager)
    client.get("/notifications/")
    clock.shift(datetime.timedelta(minutes=6))
    assert client.get("/notifications/").status_code == 302


def test_production_defaults_are_30_minutes_idle_and_12_hours_at_most():
    import os
    import subprocess
    import sys

    names = ("SESSION_IDLE_MINUTES", "SESSION_MAX_HOURS", "2FA_ROLES", "PASSWORD_MAX_AGE_DAYS")
    env = {k: v for k, v in os.environ.items() if k not in {f"GRIDGOV_{n}" for n in names}}
    code = (
        "from gridgov import settings as s; print(s.GRIDGOV_SESSION_IDLE_MINUTES, s.SESSION_COOKIE_AGE, "
        "','.join(s.GRIDGOV_2FA_ROLES), s.GRIDGOV_PASSWORD_MAX_AGE_DAYS)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**env, "DJANGO_DEBUG": "0", "GRIDGOV_DEMO": "0", "SECRET_KEY": "a-production-key-" + "x" * 40},
    ).stdout.split()
    assert out == ["30", str(12 * 3600), "admin,command_center,supervision,auditor", "90"]
