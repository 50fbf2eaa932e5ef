"""Lockout after repeated failed sign-ins (django-axes, accounts/lockout.py): per account and
per address, on the login page, the admin login and HTTP Basic; it ends after the cool-off."""

import base64
import datetime

import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests"


def _login(client: Client, username: str, password: str, path: str = "/login/"):
    return client.post(path, {"username": username, "password": password})


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_thirty_wrong_passwords_then_the_right_one_is_refused(clock):
    user = UserFactory(username="target")
    client = Client(headers={"accept-language": "zh-hans"})
    for _ in range(30):
        _login(client, user.username, "wrong-password")
    response = _login(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert not _signed_in(client)
    html = response.content.decode()
    assert "登录" in html and "15" in html  # the site's page, in Chinese, saying how long
    assert '<header class="topbar">' in html


def test_the_account_is_locked_after_five_failures_even_from_other_addresses(clock):
    user = UserFactory(username="target")
    for i in range(5):
        _login(Client(REMOTE_ADDR=f"10.0.0.{i + 1}"), user.username, "wrong")
    client = Client(REMOTE_ADDR="10.0.1.1")
    assert _login(client, user.username, PASSWORD).status_code == 429
    assert not _signed_in(client)


def test_four_failures_do_not_lock_and_a_success_clears_them(clock):
    user = UserFactory(username="target")
    client = Client()
    for _ in range(4):
        assert _login(client, user.username, "wrong").status_code == 200
    assert _login(client, user.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _login(client, user.username, "wrong")
    assert _login(client, user.username, PASSWORD).status_code == 302


def test_an_address_is_locked_after_thirty_failures_on_any_accounts(clock):
    victim = UserFactory(username="victim")
    client = Client(REMOTE_ADDR="10.0.2.2")
    for i in range(29):
        _login(client, f"guess{i}", "wrong")
    assert _login(client, victim.username, PASSWORD).status_code == 302  # 29 failures: still open
    client.logout()
    _login(client, "guess-last", "wrong")
    assert _login(client, victim.username, PASSWORD).status_code == 429
    # The same account from another address is not locked: its own failures are none.
    assert _login(Client(REMOTE_ADDR="10.0.2.3"), victim.username, PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cool_off(clock):
    user = UserFactory(username="target")
    client = Client()
    for _ in range(30):
        _login(client, user.username, "wrong")
    clock.shift(datetime.timedelta(minutes=14))
    assert _login(Client(REMOTE_ADDR="10.0.3.1"), user.username, PASSWORD).status_code == 429
    # That refused try was itself a failure during the lockout: the 15 minutes count from it.
    clock.shift(datetime.timedelta(minutes=15, seconds=1))
    response = _login(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert _signed_in(client)


def test_the_limits_and_the_cool_off_come_from_the_settings(clock, settings):
    settings.GRIDGOV_LOCKOUT_ACCOUNT_FAILURES = 2
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=1)
    user = UserFactory(username="target")
    client = Client()
    for _ in range(2):
        _login(client, user.username, "wrong")
    assert _login(client, user.username, PASSWORD).status_code == 429
    clock.shift(datetime.timedelta(minutes=1, seconds=1))
    assert _login(client, user.username, PASSWORD).status_code == 302


def test_the_admin_login_is_locked_too(clock):
    user = UserFactory(username="boss", is_staff=True, is_superuser=True)
    client = Client()
    for _ in range(5):
        _login(client, user.username, "wrong", "/admin/login/")
    response = _login(client, user.username, PASSWORD, "/admin/login/")
    assert response.status_code == 429
    assert not _signed_in(client)


def _basic(username: str, password: str) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


def test_wrong_basic_auth_passwords_lock_the_account_with_a_429(clock, settings):
    settings.GRIDGOV_API_BASIC_AUTH = True
    user = UserFactory(username="script")
    client = Client(headers={"accept-language": "zh-hans"})
    for _ in range(4):
        assert client.get("/api/me/", **_basic(user.username, "wrong")).status_code in (401, 403)
    assert client.get("/api/me/", **_basic(user.username, "wrong")).status_code == 429  # the fifth locks
    response = client.get("/api/me/", **_basic(user.username, PASSWORD))
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"
    assert "锁定" in response.json()["detail"]
    # 230 tries: every one after the fifth is a 429, none gets in.
    statuses = {client.get("/api/me/", **_basic(user.username, "wrong")).status_code for _ in range(20)}
    assert statuses == {429}


def test_the_test_clients_login_still_works():
    # Django's Client.login() authenticates without a request, which axes alone refuses.
    user = UserFactory(username="plain")
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    assert _signed_in(client)
