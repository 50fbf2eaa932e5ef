"""Throttles (accounts/throttling.py): the API's per user and per address, and the public
pages' through the one helper (the Open311 POST); 429 with a message in the user's language."""

import uuid

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.throttling import AnonThrottle, public_throttle, throttle_wait
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _address() -> str:
    # Each test its own address: throttle counts live in the cache, which outlives a test.
    a, b, c = uuid.uuid4().bytes[:3]
    return f"10.{a}.{b}.{c}"


@pytest.fixture
def rates(settings):
    settings.GRIDGOV_THROTTLE_RATES = {"anon": "3/minute", "user": "5/minute", "public": "2/minute"}
    return settings.GRIDGOV_THROTTLE_RATES


def test_a_user_past_the_api_rate_gets_a_429_in_chinese(clock, rates):
    user = UserFactory()
    cache.delete(f"throttle_user_u{user.pk}")
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(user)
    assert [client.get("/api/me/").status_code for _ in range(5)] == [200] * 5
    response = client.get("/api/me/")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert "请求过于频繁" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0


def test_the_api_rate_is_per_user_not_per_address(clock, rates):
    first, second = UserFactory(), UserFactory()
    for user in (first, second):
        cache.delete(f"throttle_user_u{user.pk}")
    address = _address()
    one, two = Client(REMOTE_ADDR=address), Client(REMOTE_ADDR=address)
    one.force_login(first)
    two.force_login(second)
    for _ in range(5):
        one.get("/api/me/")
    assert one.get("/api/me/").status_code == 429
    assert two.get("/api/me/").status_code == 200


class OpenView(APIView):
    permission_classes = []
    throttle_classes = [AnonThrottle]

    def get(self, request):
        return Response({"ok": True})


def test_anonymous_api_requests_are_throttled_per_address(clock, rates):
    view = OpenView.as_view()
    address = _address()
    statuses = [view(RequestFactory().get("/api/x/", REMOTE_ADDR=address)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert view(RequestFactory().get("/api/x/", REMOTE_ADDR=_address())).status_code == 200


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(clock, rates, settings):
    settings.GRIDGOV_TRUSTED_PROXIES = 1
    view = OpenView.as_view()
    proxy, client = _address(), _address()
    for _ in range(3):
        view(RequestFactory().get("/api/x/", REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {client}"))
    blocked = view(RequestFactory().get("/api/x/", REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=client))
    other = view(RequestFactory().get("/api/x/", REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=_address()))
    assert (blocked.status_code, other.status_code) == (429, 200)


def test_an_empty_rate_means_no_limit(clock, settings):
    settings.GRIDGOV_THROTTLE_RATES = {"anon": "", "user": "", "public": ""}
    request = RequestFactory().post("/x/", REMOTE_ADDR=_address())
    assert all(throttle_wait(request) is None for _ in range(50))


def test_the_public_page_helper_answers_429_with_the_site_page(clock, rates):
    @public_throttle()
    def page(request):
        from django.http import HttpResponse

        return HttpResponse("ok")

    address = _address()
    assert page(RequestFactory().get("/p/", REMOTE_ADDR=address)).status_code == 200  # GET is not counted
    statuses = [page(RequestFactory().post("/p/", REMOTE_ADDR=address)).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_open311_posts_past_the_public_rate_get_a_429_in_the_spec_format(clock, rates):
    client = Client(REMOTE_ADDR=_address())
    statuses = [client.post("/open311/v2/requests.json", {"api_key": "nope"}).status_code for _ in range(3)]
    assert statuses == [403, 403, 429]
    body = client.post("/open311/v2/requests.json", {"api_key": "nope"}).json()
    assert body[0]["code"] == 429
    # Reading stays open: the public rate counts posts.
    assert client.get("/open311/v2/services.json").status_code == 200
