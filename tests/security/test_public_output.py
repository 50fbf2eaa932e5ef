"""Open311 (the one public output) never carries hotline or visit text, phones, ID numbers,
flat numbers or reporters: appeals of every source, each with such text, are seeded, and the
anonymous JSON and XML lists and details are searched for any of it."""

import pytest

from accounts.roles import Role
from petitions import services
from petitions.models import Appeal, Source
from tests.petitions.conftest import modules, places  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

PHONE, ID_NUMBER, FLAT = "13812345678", "370402198001010011", "3单元403室"
# One word per source, to tell which appeal's text reached the output.
MARKERS = {source: f"标记{source}甲乙" for source in Source.values}
REPORTER = "王秀英"


def text_for(source: str) -> str:
    return f"{MARKERS[source]}：电话{PHONE}，身份证{ID_NUMBER}，住光明路12号1号楼{FLAT}，门口路灯坏了"


@pytest.fixture
def seeded(client, people, modules, places, everyone):  # noqa: F811
    """Appeals of every source; published (with consent) wherever a source may be."""
    lon, lat = places["zhongxin"]
    makers = {
        Source.HOTLINE: (everyone[Role.HOTLINE], False),
        Source.WEB: (people.center, True),
        Source.VISIT: (people.grid_manager, False),
        Source.GRID: (people.grid_manager, True),
    }
    made = {}
    for source, (actor, public) in makers.items():
        for consent in {False, public}:
            made[(source, consent)] = services.appeal_create(
                actor=actor,
                source=source,
                module=modules["sanitation"],
                description=text_for(source),
                lon=lon,
                lat=lat,
                address=f"光明路12号1号楼{FLAT}",
                reporter_name=REPORTER,
                reporter_phone=PHONE,
                public=consent,
            )
    _row, key = services.open311_key_create(actor=None, name="fixmystreet")
    response = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": key,
            "service_code": "sanitation",
            "lat": lat,
            "long": lon,
            "description": text_for(Source.OPEN311),
            "first_name": REPORTER,
            "phone": PHONE,
            "address_string": f"光明路12号1号楼{FLAT}",
        },
    )
    assert response.status_code in (200, 201), response.content
    made[(Source.OPEN311, True)] = Appeal.objects.get(source=Source.OPEN311)
    return made


def test_open311_output_never_carries_hotline_or_visit_text_or_personal_data(client, seeded):
    published = {appeal.pk for (_source, public), appeal in seeded.items() if public}
    assert len(published) == 3  # web and grid reports with consent, and the Open311 post
    bodies = []
    for fmt in ("json", "xml"):
        bodies.append(client.get(f"/open311/v2/requests.{fmt}").content.decode())
        for appeal in seeded.values():
            response = client.get(f"/open311/v2/requests/{appeal.pk}.{fmt}")
            assert response.status_code == (200 if appeal.pk in published else 404)
            bodies.append(response.content.decode())
    listed = {row["service_request_id"] for row in client.get("/open311/v2/requests.json").json()}
    assert listed == published
    output = "\n".join(bodies)
    for source in (Source.HOTLINE, Source.VISIT):
        assert MARKERS[source] not in output, f"{source} text in public output"
    for leak in (PHONE, ID_NUMBER, FLAT, "403室", "1号楼", REPORTER, "13812", "0011"):
        assert leak not in output, leak
    # What residents chose to publish is there, redacted.
    for source in (Source.WEB, Source.GRID, Source.OPEN311):
        assert MARKERS[source] in output
