"""Two-step sign-in (TOTP, accounts/twofactor.py): required for the roles of GRIDGOV_2FA_ROLES
(production: admin, command center, supervision bureau, auditors), optional for others;
enrolment, the code step after the password, and an administrator's reset.

The suite runs with GRIDGOV_2FA_ROLES empty (pyproject.toml); these tests set the production list."""

import datetime
import logging

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from accounts.tokens import api_token_create
from accounts.twofactor import totp_enrol_for, totp_reset
from gridgov.errors import NotAllowed

pytestmark = pytest.mark.django_db

PRODUCTION_ROLES = [Role.ADMIN, Role.COMMAND_CENTER, Role.SUPERVISION, Role.AUDITOR]


@pytest.fixture
def required(settings):
    settings.GRIDGOV_2FA_ROLES = list(PRODUCTION_ROLES)


def code_for(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def sign_in(username: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": "pw-for-tests"})
    assert response.status_code == 302
    return client


def test_the_privileged_roles_must_enrol_before_anything_else(required, people, clock):
    for user in (people.center, people.bureau, people.auditor, people.admin):
        client = sign_in(user.username)
        response = client.get("/notifications/")
        assert response.status_code == 302
        assert response["Location"] == "/account/two-factor/?next=%2Fnotifications%2F"
        api = client.get("/api/me/")
        assert api.status_code == 403 and api.json()["code"] == "two_factor_required"
        assert client.get("/admin/").status_code == 302


def test_other_roles_are_not_asked(required, people, clock):
    client = sign_in(people.grid_manager.username)
    assert client.get("/notifications/").status_code == 200
    assert client.get("/api/me/").status_code == 200


def test_superusers_and_staff_count_as_admins(required, people, clock):
    people.nobody.is_staff = True
    people.nobody.save(update_fields=["is_staff"])
    assert sign_in("nobody").get("/notifications/").status_code == 302


def test_enrolment_shows_a_qr_code_and_the_key_and_a_right_code_confirms_it(required, people, clock):
    client = sign_in("center")
    page = client.get("/account/two-factor/?next=/notifications/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "otpauth" not in html.split("<svg", 1)[0][-200:]
    assert page.context["secret"] in html
    device = TOTPDevice.objects.get(user=people.center, confirmed=False)
    wrong = client.post("/account/two-factor/", {"code": "000000", "next": "/notifications/"})
    assert wrong.status_code == 400
    response = client.post("/account/two-factor/", {"code": code_for(device), "next": "/notifications/"})
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    assert client.get("/notifications/").status_code == 200
    assert client.get("/api/me/").status_code == 200
    assert TOTPDevice.objects.get(user=people.center).confirmed


def test_after_enrolment_each_sign_in_asks_for_the_code(required, people, clock):
    device = totp_enrol_for(actor=people.admin, user=people.center)
    client = sign_in("center")
    response = client.get("/notifications/")
    assert response["Location"] == "/account/two-factor/verify/?next=%2Fnotifications%2F"
    assert client.post("/account/two-factor/verify/", {"code": "123456", "next": "/notifications/"}).status_code == 400
    clock.shift(datetime.timedelta(seconds=1))
    response = client.post("/account/two-factor/verify/", {"code": code_for(device), "next": "/notifications/"})
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    assert client.get("/notifications/").status_code == 200


def test_a_code_is_accepted_once(required, people, clock):
    device = totp_enrol_for(actor=None, user=people.center)
    code = code_for(device)
    first, second = sign_in("center"), sign_in("center")
    assert first.post("/account/two-factor/verify/", {"code": code}).status_code == 302
    assert second.post("/account/two-factor/verify/", {"code": code}).status_code == 400


def test_codes_with_spaces_or_full_width_digits_are_read(required, people, clock):
    device = totp_enrol_for(actor=None, user=people.center)
    code = code_for(device)
    typed = "".join(chr(ord(c) + 0xFEE0) for c in code[:3]) + " " + code[3:]
    assert sign_in("center").post("/account/two-factor/verify/", {"code": typed}).status_code == 302


def test_others_may_enrol_and_are_then_asked_too(required, people, clock):
    client = sign_in("manager")
    client.get("/account/two-factor/")
    device = TOTPDevice.objects.get(user=people.grid_manager)
    assert client.post("/account/two-factor/", {"code": code_for(device)}).status_code == 302
    again = sign_in("manager")
    assert again.get("/notifications/").status_code == 302


def test_an_admin_resets_a_lost_device_and_it_is_logged(required, people, clock, caplog):
    totp_enrol_for(actor=None, user=people.center)
    with pytest.raises(NotAllowed):
        totp_reset(actor=people.bureau, user=people.center)
    with caplog.at_level(logging.WARNING, logger="accounts.security"):
        assert totp_reset(actor=people.admin, user=people.center) == 1
    assert f"2FA reset: user={people.center.pk} actor={people.admin.pk}" in caplog.text
    assert not TOTPDevice.objects.filter(user=people.center).exists()
    # Back to enrolment at the next sign-in.
    assert sign_in("center").get("/notifications/")["Location"].startswith("/account/two-factor/?")


def test_the_management_command_enrols_and_resets(people, capsys):
    call_command("two_factor", "enrol", "center", "--commit")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    device = TOTPDevice.objects.get(user=people.center, confirmed=True)
    import base64

    assert base64.b32decode(key + "=" * (-len(key) % 8)).hex() == device.key
    call_command("two_factor", "reset", "center", "--commit")
    assert not TOTPDevice.objects.filter(user=people.center).exists()


def test_an_api_token_is_not_asked_for_a_code(required, people, clock):
    _token, plaintext = api_token_create(actor=None, owner=people.center, name="script")
    assert Client().get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {plaintext}").status_code == 200


def test_the_suite_default_asks_nobody(people):
    from django.conf import settings

    assert settings.GRIDGOV_2FA_ROLES == []
    assert sign_in("center").get("/notifications/").status_code == 200


def test_the_admin_resets_through_the_users_page(required, people, clock):
    totp_enrol_for(actor=None, user=people.center)
    people.admin.is_staff = True
    people.admin.is_superuser = True
    people.admin.save(update_fields=["is_staff", "is_superuser"])
    device = totp_enrol_for(actor=None, user=people.admin)
    client = Client()
    client.post("/login/", {"username": "admin", "password": "pw-for-tests"})
    client.post("/account/two-factor/verify/", {"code": code_for(device)})
    response = client.post(
        "/admin/accounts/user/", {"action": "reset_two_factor", "_selected_action": [people.center.pk]}
    )
    assert response.status_code == 302
    people.center.refresh_from_db()
    assert not people.center.two_factor_enabled
    assert not TOTPDevice.objects.filter(user=people.center).exists()
