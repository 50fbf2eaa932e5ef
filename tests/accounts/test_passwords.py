"""The password-change page and the password rules (accounts/passwords.py): length, three of
four character classes, not like the username, not a recent one; rotation after N days."""

import datetime

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from accounts.passwords import password_change
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OLD = "pw-for-tests"


def _change(client, new: str, old: str = OLD, again: str | None = None):
    return client.post("/account/password/", {"old_password": old, "new_password1": new, "new_password2": again or new})


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Ab1!", "password_too_short"),
        ("abcdefghij", "password_too_simple"),  # one class
        ("abcdefgh12", "password_too_simple"),  # two classes
        ("12345678901", "password_entirely_numeric"),
        ("Password123", "password_too_common"),
    ],
)
def test_weak_passwords_are_refused(password, code):
    user = UserFactory(username="wanghong")
    with pytest.raises(ValidationError) as error:
        validate_password(password, user)
    assert code in {e.code for e in error.value.error_list}


def test_a_password_like_the_username_is_refused():
    user = UserFactory(username="wanghong2026")
    with pytest.raises(ValidationError) as error:
        validate_password("Wanghong2026!", user)
    assert "password_too_similar" in {e.code for e in error.value.error_list}


def test_three_of_four_classes_of_eight_characters_pass():
    user = UserFactory(username="wanghong")
    for password in ("Grid-gov7", "gridgov7#x", "GRIDGOV7#X", "Gridgovx#"):
        validate_password(password, user)


def test_every_user_changes_their_password_on_the_page(people, client_for, clock):
    client = client_for(people.grid_manager)
    page = client.get("/account/password/")
    assert page.status_code == 200
    response = _change(client, "Xin-mima-2026")
    assert response.status_code == 302
    people.grid_manager.refresh_from_db()
    assert people.grid_manager.check_password("Xin-mima-2026")
    assert people.grid_manager.password_changed_at == clock.now
    # Still signed in after the change.
    assert client.get("/notifications/").status_code == 200


def test_the_page_shows_why_a_password_is_refused(people, client_for):
    client = client_for(people.grid_manager, language="zh-hans")
    response = _change(client, "abcdefghij")
    assert response.status_code == 200
    assert "至少" in response.content.decode()
    assert _change(client, "Xin-mima-2026", old="wrong").status_code == 200
    people.grid_manager.refresh_from_db()
    assert people.grid_manager.check_password(OLD)


def test_the_last_passwords_may_not_be_chosen_again(people, client_for, settings):
    settings.GRIDGOV_PASSWORD_HISTORY = 3
    user = people.grid_manager
    for new in ("First-pass-1", "Second-pass-2", "Third-pass-3"):
        password_change(actor=user, user=user, new_password=new)
    client = client_for(user)
    for reused in ("First-pass-1", "Second-pass-2"):
        assert _change(client, reused, old="Third-pass-3").status_code == 200
    assert _change(client, "Fourth-pass-4", old="Third-pass-3").status_code == 302
    assert user.password_history.count() == 3


def test_an_old_password_must_be_changed_first(people, client_for, clock, settings):
    settings.GRIDGOV_PASSWORD_MAX_AGE_DAYS = 90
    user = people.grid_manager
    client = client_for(user)
    # The password's age, not the session's: moving the clock 90 days would end the session.
    user.password_changed_at = clock.now - datetime.timedelta(days=89, hours=23)
    user.save(update_fields=["password_changed_at"])
    assert client.get("/notifications/").status_code == 200
    user.password_changed_at = clock.now - datetime.timedelta(days=90)
    user.save(update_fields=["password_changed_at"])
    response = client.get("/notifications/")
    assert response.status_code == 302
    assert response["Location"] == "/account/password/?next=%2Fnotifications%2F"
    api = client.get("/api/me/")
    assert api.status_code == 403 and api.json()["code"] == "password_expired"
    assert client.get("/account/password/").status_code == 200
    assert _change(client, "Xin-mima-2026").status_code == 302
    assert client.get("/notifications/").status_code == 200


def test_rotation_is_off_at_zero(people, client_for, clock, settings):
    settings.GRIDGOV_PASSWORD_MAX_AGE_DAYS = 0
    user = people.grid_manager
    user.password_changed_at = clock.now - datetime.timedelta(days=1000)
    user.save(update_fields=["password_changed_at"])
    client = client_for(user)
    assert client.get("/notifications/").status_code == 200


def test_the_user_menu_links_the_account_page(people, client_for):
    html = client_for(people.grid_manager).get("/notifications/").content.decode()
    assert 'href="/account/"' in html
    page = client_for(people.grid_manager).get("/account/").content.decode()
    assert 'href="/account/password/"' in page and 'href="/account/two-factor/"' in page
