"""API tokens (accounts/tokens.py): a script authenticates as the token's owner, with the
owner's scope; revoked and expired tokens are refused; only a hash is stored; HTTP Basic is
refused when turned off."""

import base64
import datetime
import hashlib
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import ApiToken
from accounts.tokens import api_token_create, api_token_revoke
from gridgov.errors import InvalidInput, NotAllowed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _bearer(plaintext: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def test_a_token_authenticates_as_its_owner_with_the_owners_scope(people):
    _token, plaintext = api_token_create(actor=people.zhongxin, owner=people.zhongxin, name="nightly export")
    response = Client().get("/api/me/", **_bearer(plaintext))
    assert response.status_code == 200
    assert response.json()["username"] == "zhongxin"
    # The owner's scope: 中心街's officer sees 中心街's nodes, not 税郭镇's.
    names = {n["name"] for n in Client().get("/api/grids/nodes/?level=1", **_bearer(plaintext)).json()["results"]}
    assert names == {"中心街街道"}


def test_the_token_keyword_works_too(people):
    _token, plaintext = api_token_create(actor=None, owner=people.center, name="script")
    assert Client().get("/api/me/", HTTP_AUTHORIZATION=f"Token {plaintext}").status_code == 200


def test_the_plaintext_is_not_stored_only_its_sha256(people):
    token, plaintext = api_token_create(actor=people.center, owner=people.center, name="script")
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert plaintext.startswith(f"ggt_{row['prefix']}_")
    secret = plaintext.removeprefix(f"ggt_{row['prefix']}_")  # the secret may hold "_" itself
    assert not any(secret in str(value) for value in row.values())
    assert row["digest"] == hashlib.sha256(plaintext.encode()).hexdigest()
    assert len(secret) >= 43  # 256 bits


def test_checking_a_token_runs_no_password_hasher_and_two_queries(people, django_assert_max_num_queries):
    _token, plaintext = api_token_create(actor=None, owner=people.center, name="script")
    client = Client()
    client.get("/api/me/", **_bearer(plaintext))  # the first use writes last_used_at
    with mock.patch("django.contrib.auth.hashers.MD5PasswordHasher.verify", side_effect=AssertionError("hasher")):
        from accounts.tokens import api_token_check

        with django_assert_max_num_queries(1):
            assert api_token_check(plaintext) is not None


def test_a_revoked_token_is_refused(people):
    token, plaintext = api_token_create(actor=people.center, owner=people.center, name="script")
    api_token_revoke(actor=people.center, token=token)
    response = Client().get("/api/me/", **_bearer(plaintext))
    assert response.status_code in (401, 403)
    assert "吊销" in response.json()["detail"]  # 令牌无效、已过期或已吊销


def test_an_expired_token_is_refused(people, clock):
    _token, plaintext = api_token_create(
        actor=people.center, owner=people.center, name="script", expires_at=clock.now + datetime.timedelta(days=1)
    )
    assert Client().get("/api/me/", **_bearer(plaintext)).status_code == 200
    clock.shift(datetime.timedelta(days=1, seconds=1))
    assert Client().get("/api/me/", **_bearer(plaintext)).status_code in (401, 403)


def test_a_wrong_or_malformed_token_is_refused(people):
    token, plaintext = api_token_create(actor=None, owner=people.center, name="script")
    for bad in (plaintext[:-1] + ("A" if plaintext[-1] != "A" else "B"), f"ggt_{token.prefix}_", "ggt_", "nonsense"):
        assert Client().get("/api/me/", **_bearer(bad)).status_code in (401, 403), bad


def test_an_inactive_owners_token_is_refused(people):
    _token, plaintext = api_token_create(actor=None, owner=people.center, name="script")
    people.center.is_active = False
    people.center.save(update_fields=["is_active"])
    assert Client().get("/api/me/", **_bearer(plaintext)).status_code in (401, 403)


def test_last_used_is_recorded(people, clock):
    token, plaintext = api_token_create(actor=None, owner=people.center, name="script")
    Client().get("/api/me/", **_bearer(plaintext))
    token.refresh_from_db()
    assert token.last_used_at == clock.now


def test_a_user_may_not_make_tokens_for_someone_else_but_an_admin_may(people):
    with pytest.raises(NotAllowed):
        api_token_create(actor=people.zhongxin, owner=people.center, name="x")
    token, _plaintext = api_token_create(actor=people.admin, owner=people.center, name="x")
    assert token.user == people.center and token.created_by == people.admin
    with pytest.raises(InvalidInput):
        api_token_create(actor=people.center, owner=people.center, name="  ")


def _basic(username: str, password: str) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


def test_basic_auth_is_refused_when_turned_off(settings):
    settings.GRIDGOV_API_BASIC_AUTH = False
    user = UserFactory(username="script")
    response = Client().get("/api/me/", **_basic(user.username, "pw-for-tests"))
    assert response.status_code in (401, 403)
    assert "API 令牌" in response.json()["detail"]
    settings.GRIDGOV_API_BASIC_AUTH = True
    assert Client().get("/api/me/", **_basic(user.username, "pw-for-tests")).status_code == 200


def test_the_account_page_shows_a_new_token_once_and_revokes_it(people, client_for):
    client = client_for(people.grid_manager)
    response = client.post("/account/tokens/", {"name": "my script", "days": "30"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=people.grid_manager)
    plaintext = response.context["plaintext"]
    assert plaintext in response.content.decode()
    assert token.expires_at is not None
    assert plaintext not in client.get("/account/").content.decode()
    assert Client().get("/api/me/", **_bearer(plaintext)).status_code == 200
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
    assert Client().get("/api/me/", **_bearer(plaintext)).status_code in (401, 403)
    # Someone else's token is not there for another user.
    other, _ = api_token_create(actor=None, owner=people.center, name="other")
    assert client.post(f"/account/tokens/{other.pk}/revoke/").status_code == 404


def test_bad_token_form_input_is_a_message_not_a_500(people, client_for):
    client = client_for(people.grid_manager)
    for data in ({"name": ""}, {"name": "x", "days": "-3"}, {"name": "x", "days": "abc"}, {"name": "x" * 200}):
        response = client.post("/account/tokens/", data, follow=True)
        assert response.status_code == 200
    assert not ApiToken.objects.exists()


def test_the_management_command_makes_lists_and_revokes(people, capsys):
    call_command("api_token", "create", "center", "--name", "etl")
    assert not ApiToken.objects.exists()  # a dry run without --commit
    call_command("api_token", "create", "center", "--name", "etl", "--days", "10", "--commit")
    plaintext = capsys.readouterr().out.strip().splitlines()[-1]
    assert Client().get("/api/me/", **_bearer(plaintext)).status_code == 200
    token = ApiToken.objects.get()
    call_command("api_token", "list")
    assert token.prefix in capsys.readouterr().out
    call_command("api_token", "revoke", token.prefix, "--commit")
    assert Client().get("/api/me/", **_bearer(plaintext)).status_code in (401, 403)
