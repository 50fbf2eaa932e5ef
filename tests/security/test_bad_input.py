"""Input that used to be a 500: NUL characters (PostgreSQL refuses them), years far outside the
domain (9999-12, 9999-Q4) and impossible time zone offsets. Each is now a 400 that says why.
Run on SQLite and on PostgreSQL (DATABASE_URL=postgres://…/gridgov_sec1)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from assessment import services as assessment_services
from gridgov import dates
from gridgov.errors import InvalidInput
from gridgov.middleware import has_nul

pytestmark = pytest.mark.django_db

NUL_GETS = [
    "/registry/households/?q=%00",
    "/registry/residents/?tag=%00",
    "/registry/residents/?q=a%00b",
    "/registry/households/export.xlsx?q=%00",
    "/registry/residents/export.xlsx?tag=x%00",
    "/api/residents/residents/?tag=%00",
    "/api/residents/households/?q=%00",
    "/api/appeals/?module=%00",
    "/appeals/?q=%00",
]


@pytest.mark.parametrize("url", NUL_GETS)
def test_a_nul_in_a_query_string_is_a_400_that_says_so(people, client_for, url):
    response = client_for(people.center).get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response.json()["code"] == "nul_character"
    else:
        assert "NUL" in response.content.decode()


def test_the_page_refusal_is_in_chinese_for_a_chinese_browser(people, client_for):
    response = client_for(people.center, language="zh-hans").get("/registry/households/?q=%00")
    assert response.status_code == 400
    assert "空字符" in response.content.decode()


def test_an_open311_service_code_with_a_nul_is_a_400_for_get_and_post(client):
    assert client.get("/open311/v2/requests.json?service_code=sanitation%00").status_code == 400
    response = client.post("/open311/v2/requests.json", {"api_key": "x", "service_code": "sanitation\x00"})
    assert response.status_code == 400
    # Open311 clients get the GeoReport error list, in the resource's format.
    assert response.json()[0]["code"] == 400 and "x00" in response.json()[0]["description"]
    xml = client.get("/open311/v2/requests.xml?service_code=%00")
    assert xml.status_code == 400 and xml.content.startswith(b"<?xml") and b"<errors>" in xml.content


def test_a_nul_in_a_json_body_is_a_400_and_creates_nothing(people, client_for):
    from petitions.models import Appeal

    body = json.dumps({"description": "路灯\u0000不亮", "module": "civil-affairs"})
    response = client_for(people.center).post("/api/appeals/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "nul_character"
    assert Appeal.objects.count() == 0


def test_a_nul_in_a_form_field_of_a_page_is_a_400(people, client_for):
    response = client_for(people.center).post("/assessment/score/", {"period": "2026-05\x00"})
    assert response.status_code == 400


def test_an_uploaded_file_may_hold_nul_bytes_but_its_form_fields_may_not():
    factory = RequestFactory()
    photo = SimpleUploadedFile("p.jpg", b"\xff\xd8\x00\x00binary", content_type="image/jpeg")
    assert not has_nul(factory.post("/appeals/report/", {"description": "ok", "photo": photo}))
    photo.seek(0)
    assert has_nul(factory.post("/appeals/report/", {"description": "o\x00k", "photo": photo}))
    assert not has_nul(factory.post("/api/appeals/", '{"a": "\\\\u0000"}', content_type="application/json"))


@pytest.mark.parametrize(
    "url",
    [
        "/api/assessment/unit-scores/?period=9999-12",
        "/api/assessment/unit-scores/?period=9999-Q4",
        "/api/assessment/staff-scores/?period=1999-12",
        "/api/appeals/queue/?created_before=0482-06-07T18:15:35%2B20:20",
        "/api/appeals/?created_after=9999-12-31T23:59:59%2B08:00",
        "/api/appeals/?created_before=2026-01-01T00:00:00%2B15:00",
        "/api/funding/budget-vs-actual/?year=9999",
    ],
)
def test_a_date_or_period_outside_the_domain_range_is_a_400(people, client_for, url):
    response = client_for(people.center).get(url)
    assert response.status_code == 400, response.content


def test_scoring_9999_q4_is_refused_with_the_range(people, client_for):
    response = client_for(people.bureau).post(
        "/api/assessment/periods/score/", {"period": "9999-Q4"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "2000" in response.json()["detail"]
    page = client_for(people.bureau).post("/assessment/score/", {"period": "9999-12"}, follow=True)
    assert page.status_code == 200
    assert "between 2000 and 2100" in page.content.decode()


@pytest.mark.parametrize(
    "query",
    ["start_date=9999-01-01T00:00:00Z", "end_date=0482-06-07T18:15:35%2B20:20", "start_date=2026-02-30T00:00:00Z"],
)
def test_open311_dates_outside_the_range_get_the_spec_400(client, query):
    response = client.get(f"/open311/v2/requests.json?{query}")
    assert response.status_code == 400
    assert response.json()[0]["code"] == 400


def test_the_domain_range_keeps_real_dates_and_periods():
    assert assessment_services.period_bounds("2026-12")[2].year == 2027
    assert assessment_services.period_bounds("2100-Q4")[1].month == 10
    with pytest.raises(InvalidInput):
        assessment_services.period_bounds("9999-12")
    with pytest.raises(InvalidInput):
        dates.check_year(1999)


def test_the_range_follows_the_setting(settings):
    settings.GRIDGOV_YEARS = (2010, 2030)
    with pytest.raises(InvalidInput, match="2010 and 2030"):
        dates.check_year(2031)
    assert dates.check_year(2030) == 2030


# Built, not written out: the debug page shows the source lines around the failing one, and
# the secrets must not be found there either.
PW = "-".join(["hush", "pw"])
HOST = ".".join(["cache", "internal"])
SECRET_URLS = {
    "REDIS_URL": f"redis://:{PW}@{HOST}:6379/3",
    "CELERY_BROKER_URL": f"redis://:{PW}@{HOST}:6379/3",
    "CACHES": {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"redis://:{PW}@{HOST}/3"}
    },
    "SOME_OTHER_SETTING": f"amqp://guest:{PW}@{HOST}:5672//",
}


def _fail(database_url):
    raise RuntimeError("boom")


def test_the_debug_page_masks_broker_cache_and_database_urls(settings, rf):
    """With DJANGO_DEBUG=1 a traceback page showed REDIS_URL and the broker URL with their
    passwords: the exception reporter filter (gridgov/debug.py) masks them in the settings, the
    request's META (the environment under runserver) and a frame's variables."""
    import sys

    from django.views.debug import technical_500_response

    settings.DEBUG = True
    for name, value in SECRET_URLS.items():
        setattr(settings, name, value)
    request = rf.get("/api/appeals/queue/", REDIS_URL=SECRET_URLS["REDIS_URL"])
    try:
        _fail(f"postgres://gridgov:{PW}@{HOST}:5432/gridgov")
    except RuntimeError:
        page = technical_500_response(request, *sys.exc_info()).content.decode()
    assert "boom" in page and "STATIC_URL" in page
    assert PW not in page and HOST not in page
    assert "REDIS_URL" in page and "CELERY_BROKER_URL" in page  # named, value masked


def test_the_filter_keeps_urls_without_credentials_or_servers():
    from gridgov.debug import GridGovExceptionReporterFilter

    reporter = GridGovExceptionReporterFilter()
    assert reporter.cleanse_setting("STATIC_URL", "static/") == "static/"
    assert reporter.cleanse_setting("GRIDGOV_TILES_URL", "https://tiles.example/{z}/{x}/{y}.png").startswith("https")
    assert reporter.cleanse_setting("X", "https://user:pw@example.com/") == reporter.cleansed_substitute
    assert reporter.cleanse_setting("DATABASE_URL", "sqlite:///db.sqlite3") == reporter.cleansed_substitute


def test_a_nul_in_the_query_string_of_every_list_endpoint_and_page_is_a_400(everyone, client_for):
    """Generated, so a new endpoint or page is covered the day it exists: every GET operation of
    the API schema without a path parameter, and every section page, with a NUL in a filter."""
    from accounts.roles import Role
    from accounts.sections import SECTIONS

    client = client_for(everyone[Role.COMMAND_CENTER])
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    urls = [path for path, item in schema["paths"].items() if "get" in item and "{" not in path]
    urls += [section.url().split("?")[0] for section in SECTIONS]
    assert len(urls) > 60
    for url in urls:
        response = client.get(url, {"q": "a\x00b", "tag": "\x00"})
        assert response.status_code == 400, url
