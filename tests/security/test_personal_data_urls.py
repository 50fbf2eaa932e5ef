"""No phone or ID number in a URL: look-ups by them are POSTs, and a GET that carries one is a
400 that says to POST (URLs are written to access logs, browser history and Referer headers)."""

import re

import pytest

from gridgov.personal_data import URL_FORBIDDEN

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
ID_NUMBER = "370402198001010011"


@pytest.mark.parametrize(
    "url",
    [
        f"/api/appeals/caller/?phone={PHONE}",
        f"/appeals/hotline/caller/?reporter_phone={PHONE}",
        f"/registry/residents/?id_number={ID_NUMBER}",
        f"/registry/residents/export.xlsx?id_number={ID_NUMBER}",
        f"/api/residents/residents/?id_number={ID_NUMBER}",
        f"/api/residents/residents/?phone={PHONE}",
    ],
)
def test_a_get_with_a_phone_or_id_number_is_refused_with_a_400_saying_to_post(people, client_for, url):
    response = client_for(people.center).get(url)
    assert response.status_code == 400
    text = response.content.decode()
    assert "POST" in text
    if url.startswith("/api/"):
        assert PHONE not in text and ID_NUMBER not in text


def test_the_caller_api_answers_a_get_without_a_phone_with_a_400_too(people, client_for):
    response = client_for(people.center).get("/api/appeals/caller/")
    assert response.status_code == 400 and "POST" in response.json()["detail"]


def test_the_resident_lookup_needs_an_id_number_or_phone(people, client_for):
    response = client_for(people.center).post("/api/residents/residents/lookup/", {}, content_type="application/json")
    assert response.status_code == 400


def test_the_pages_send_phones_and_id_numbers_only_in_post_forms(people, client_for):
    client = client_for(people.center)
    hotline = client.get("/appeals/hotline/").content.decode()
    assert 'hx-post="/appeals/hotline/caller/"' in hotline and 'hx-get="/appeals/hotline/caller/' not in hotline
    residents = client.get("/registry/residents/").content.decode()
    lookup = re.search(r'<form[^>]*id="id-number-lookup"[^>]*>(.*?)</form>', residents, re.S)
    assert lookup and 'method="post"' in lookup.group(0) and 'name="id_number"' in lookup.group(1)
    for form in re.findall(r"<form[^>]*>.*?</form>", residents, re.S):
        if 'method="get"' in form:
            assert not re.search(rf'name="({"|".join(URL_FORBIDDEN)})"', form)


def test_no_script_or_template_puts_a_phone_or_id_number_in_a_query_string():
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2]
    pattern = re.compile(rf"[?&]({'|'.join(URL_FORBIDDEN)})=")
    offenders = [
        str(path.relative_to(root))
        for folder in ("static", "templates")
        for path in (root / folder).rglob("*")
        if path.suffix in (".js", ".html") and "vendor" not in path.parts and pattern.search(path.read_text("utf-8"))
    ]
    assert offenders == []


def test_the_id_number_lookup_form_finds_the_resident_without_the_number_in_the_url(people, client_for, streets):
    from residents import services
    from residents.models import Relation

    household = services.household_create(actor=None, address="光明路1号", lon=117.56, lat=34.86)
    services.resident_create(
        actor=None, household=household, name="赵敏", relation=Relation.HEAD, id_number=ID_NUMBER, phone=PHONE
    )
    response = client_for(people.center).post("/registry/residents/", {"id_number": ID_NUMBER})
    assert response.status_code == 200
    page = response.content.decode()
    assert "赵敏" in page and ID_NUMBER not in page


# A parameter named for a phone or an ID number, or described as taking one ("网页/手机端", the
# web/phone channel, is not a number).
PERSONAL = re.compile(r"phone|id_?number|id_?card|mobile|身份证|手机号|电话", re.I)
PERSONAL_TEXT = re.compile(r"phone number|id number|身份证号|手机号|电话号码", re.I)


def test_no_api_operation_takes_a_phone_or_id_number_in_its_url(people, client_for):
    """Over the whole OpenAPI schema: no query or path parameter of any operation is named or
    described as a phone or an ID number (they go in POST bodies)."""
    schema = client_for(people.center).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    offenders = []
    for path, item in schema["paths"].items():
        assert not PERSONAL.search(path), path
        shared = item.get("parameters", [])
        for method, operation in item.items():
            if method == "parameters":
                continue
            for parameter in [*shared, *operation.get("parameters", [])]:
                if parameter.get("in") not in ("query", "path"):
                    continue
                if PERSONAL.search(parameter["name"]) or PERSONAL_TEXT.search(parameter.get("description", "")):
                    offenders.append(f"{method.upper()} {path} ?{parameter['name']}")
    assert offenders == []
    # The look-ups exist, as POSTs with a body.
    assert "post" in schema["paths"]["/api/residents/residents/lookup/"]
    assert "post" in schema["paths"]["/api/appeals/caller/"]


def test_no_get_form_in_any_template_has_a_phone_or_id_number_input():
    """Every <form> of every template: one that is submitted by GET (the default) has no input,
    select or textarea named for a phone or an ID number."""
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2]
    name = re.compile(r"""<(?:input|select|textarea)\b[^>]*\bname=["']?([\w-]+)""", re.I)
    offenders = []
    for path in (root / "templates").rglob("*.html"):
        for form in re.findall(r"<form\b.*?</form>", path.read_text("utf-8"), re.S | re.I):
            opening = form[: form.index(">") + 1]
            if re.search(r"""method=["']?post""", opening, re.I):
                continue
            fields = [n for n in name.findall(form) if PERSONAL.search(n)]
            if fields:
                offenders.append(f"{path.relative_to(root)}: {fields}")
    assert offenders == []
