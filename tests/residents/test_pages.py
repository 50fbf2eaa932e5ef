import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accounts.models import RevealLog
from gridgov.personal_data import open_value
from residents.models import Household, Resident
from tests.xlsx_cells import HOSTILE_VALUES, formula_cells, text_values

from .test_api import add_households

pytestmark = pytest.mark.django_db

PAGES = ["/registry/households/", "/registry/residents/", "/registry/map/"]


def plain_values() -> list[str]:
    values = [open_value(c) for c in Resident.objects.values_list("id_number_cipher", flat=True)]
    values += [open_value(c) for c in Resident.objects.exclude(phone_cipher="").values_list("phone_cipher", flat=True)]
    return values


@pytest.mark.parametrize("url", PAGES)
def test_list_pages_use_a_constant_number_of_queries(registry, streets, people, client_for, url):
    client = client_for(people.center)
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    add_households(streets["中心街街道"], 5)
    with CaptureQueriesContext(connection) as second:
        assert client.get(url).status_code == 200
    assert len(first.captured_queries) == len(second.captured_queries)


def test_street_officer_pages_show_only_their_street(registry, streets, people, client_for):
    client = client_for(people.zhongxin)
    own = Household.objects.filter(street=streets["中心街街道"]).order_by("number").first()
    other = Household.objects.filter(street=streets["税郭镇"]).order_by("number").first()
    page = client.get("/registry/households/?page_size=500").content.decode()
    assert own.number in page
    assert other.number not in page
    residents = client.get("/registry/residents/").content.decode()
    assert other.members.first().name not in residents
    assert client.get(f"/registry/households/{other.pk}/").status_code == 404
    assert client.get(f"/registry/residents/{other.members.first().pk}/").status_code == 404
    assert client.get(f"/registry/households/{own.pk}/").status_code == 200
    assert client.get(f"/registry/map/?node={streets['税郭镇'].pk}").status_code == 404


def test_exports_are_scoped_and_masked(registry, streets, people, client_for):
    client = client_for(people.zhongxin)
    own = set(Household.objects.filter(street=streets["中心街街道"]).values_list("number", flat=True))
    response = client.get("/registry/households/export.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert {r[0] for r in rows[1:]} == own
    response = client.get("/registry/residents/export.xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) - 1 == Resident.objects.filter(household__street=streets["中心街街道"]).count()
    text = repr(rows)
    assert "********" in text
    for value in plain_values():
        assert value not in text


def test_pages_show_masked_values_only(registry, people, client_for):
    client = client_for(people.center)
    household = Household.objects.first()
    resident = household.members.first()
    text = "".join(
        client.get(url).content.decode()
        for url in [
            "/registry/households/",
            "/registry/residents/",
            f"/registry/households/{household.pk}/",
            f"/registry/residents/{resident.pk}/",
        ]
    )
    assert resident.id_number_masked in text
    for value in plain_values():
        assert value not in text


def test_the_reveal_button_shows_one_value_to_a_permitted_role_and_logs_it(registry, people, client_for):
    resident = Resident.objects.first()
    client = client_for(people.center)
    assert (
        "Show in full" in client.get(f"/registry/residents/{resident.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    refused = client.post(f"/registry/residents/{resident.pk}/reveal/", {"field": "id_number"})
    assert refused.status_code == 400 and "Say why" in refused.content.decode()
    assert open_value(resident.id_number_cipher) not in refused.content.decode()
    assert not RevealLog.objects.exists()
    response = client.post(f"/registry/residents/{resident.pk}/reveal/", {"field": "id_number", "reason": "核对身份"})
    assert open_value(resident.id_number_cipher) in response.content.decode()
    assert RevealLog.objects.filter(
        user=people.center, field="id_number", object_id=resident.pk, reason="核对身份"
    ).exists()


def test_a_street_officer_sees_no_reveal_button_and_a_forced_reveal_is_refused(registry, streets, people, client_for):
    resident = Resident.objects.filter(household__street=streets["中心街街道"]).first()
    client = client_for(people.zhongxin)
    page = client.get(f"/registry/residents/{resident.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Show in full" not in page
    response = client.post(f"/registry/residents/{resident.pk}/reveal/", {"field": "id_number"})
    assert response.status_code == 403
    assert open_value(resident.id_number_cipher) not in response.content.decode()
    assert not RevealLog.objects.exists()


def test_admin_lists_are_scoped_and_masked(registry, streets, people, client_for):
    people.zhongxin.is_staff = True
    people.zhongxin.save(update_fields=["is_staff"])
    from django.contrib.auth.models import Permission

    people.zhongxin.user_permissions.set(Permission.objects.filter(content_type__app_label="residents"))
    client = client_for(people.zhongxin)
    other = Household.objects.filter(street=streets["税郭镇"]).first()
    page = client.get("/admin/residents/resident/").content.decode()
    newest_own = Resident.objects.filter(household__street=streets["中心街街道"]).order_by("-pk").first()
    assert newest_own.id_number_masked in page  # the admin lists newest first
    assert other.members.first().id_number_masked not in page
    households = client.get("/admin/residents/household/").content.decode()
    assert other.number not in households
    assert client.get(f"/admin/residents/household/{other.pk}/change/").status_code in (302, 404)
    own_resident = Resident.objects.filter(household__street=streets["中心街街道"]).first()
    detail = client.get(f"/admin/residents/resident/{own_resident.pk}/change/").content.decode()
    for value in plain_values():
        assert value not in page
        assert value not in detail


def test_admin_search_finds_a_resident_by_exact_id_number(registry, people, client_for):
    from django.contrib.auth import get_user_model

    admin_user = get_user_model().objects.create_superuser("root", password="x")
    resident = Resident.objects.first()
    page = client_for(admin_user).get("/admin/residents/resident/", {"q": open_value(resident.id_number_cipher)})
    assert resident.id_number_masked in page.content.decode()
    assert page.context["cl"].result_count == 1


def test_page_links_lead_to_the_registry_pages_not_the_api(registry, people, client_for):
    client = client_for(people.center)
    household = Household.objects.first()
    resident = household.members.first()
    listing = client.get("/registry/households/").content.decode()
    assert f'href="/registry/households/{household.pk}/"' in listing
    detail = client.get(f"/registry/households/{household.pk}/").content.decode()
    assert f'href="/registry/residents/{resident.pk}/"' in detail
    page = client.get(f"/registry/residents/{resident.pk}/").content.decode()
    assert f'action="/registry/residents/{resident.pk}/reveal/"' in page
    assert "/api/" not in listing.replace('href="/api/docs/"', "")


@pytest.mark.parametrize("value", HOSTILE_VALUES)
@pytest.mark.parametrize("url", ["/registry/households/export.xlsx", "/registry/residents/export.xlsx"])
def test_an_address_typed_as_a_formula_is_exported_as_text(registry, streets, people, client_for, url, value):
    Household.objects.filter(street=streets["中心街街道"]).update(address=value)
    response = client_for(people.zhongxin).get(url)
    assert response.status_code == 200
    assert formula_cells(response.content) == []
    assert value.replace("\r", "\n") in text_values(response.content)
