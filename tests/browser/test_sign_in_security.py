"""Sign-in security as a user meets it, in Chinese: the login page, enrolling an authenticator
(QR code drawn by the server), the code step, the account page with a new API token, the
password-change page refusing a weak password, and the lockout page. Screenshots
test-output/auth-*.png."""

import base64

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from accounts.twofactor import totp_enrol_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code_from_key(key: str) -> str:
    secret = base64.b32decode(key + "=" * (-len(key) % 8))
    return f"{TOTP(secret).token():06d}"


def test_signing_in_with_a_second_step_and_the_account_pages(page, live_server, people, settings, screenshot, login):
    settings.GRIDGOV_2FA_ROLES = [Role.ADMIN, Role.COMMAND_CENTER, Role.SUPERVISION, Role.AUDITOR]
    page.goto(f"{live_server.url}/login/")
    screenshot("auth-login")

    login("center")
    assert "/account/two-factor/" in page.url
    assert page.locator(".qr svg").count() == 1
    screenshot("auth-2fa-setup")
    page.fill("input[name=code]", _code_from_key(page.inner_text(".secret")))
    page.click("form:has(input[name=code]) button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/account/two-factor/" not in page.url

    page.goto(f"{live_server.url}/account/")
    page.fill("input[name=name]", "夜间导出脚本")
    page.fill("input[name=days]", "90")
    page.click("form.token-form button[type=submit]")
    assert page.inner_text("#new-token").startswith("ggt_")
    screenshot("auth-account-token")

    page.goto(f"{live_server.url}/account/password/")
    page.fill("input[name=old_password]", "pw-for-tests")
    page.fill("input[name=new_password1]", "abcdefghij")
    page.fill("input[name=new_password2]", "abcdefghij")
    page.click("form:has(input[name=old_password]) button[type=submit]")
    assert "至少" in page.inner_text("main")
    screenshot("auth-password-change")

    # Next sign-in: the code step. A wrong code first, then the right one.
    page.click("header form button.link")  # log out
    login("center")
    assert "/account/two-factor/verify/" in page.url
    page.fill("input[name=code]", "000000")
    page.click("form:has(input[name=code]) button[type=submit]")
    screenshot("auth-2fa-verify")
    # A fresh device, so that a code of the current 30 s step is not one already used.
    device = totp_enrol_for(actor=None, user=people.center)
    assert TOTPDevice.objects.filter(user=people.center).count() == 1
    page.fill("input[name=code]", f"{TOTP(device.bin_key).token():06d}")
    page.click("form:has(input[name=code]) button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/account/two-factor/" not in page.url and "/login/" not in page.url


def test_the_lockout_page(page, live_server, people, screenshot, login):
    for _ in range(5):
        login("manager", "wrong-password")
    login("manager")
    assert "登录已锁定" in page.inner_text("main")
    screenshot("auth-lockout")
