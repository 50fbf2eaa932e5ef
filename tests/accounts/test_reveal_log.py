"""The reveal log page (/reveal-log/): the district's supervisors read who saw whose data in
full, which field, why and when; filters, pages, a fixed number of queries; nobody else."""

# ruff: noqa: F811  (pytest fixtures imported from the residents conftest)

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import RevealLog
from residents import services
from residents.models import Resident
from tests.residents.conftest import categories, registry  # noqa: F401

pytestmark = pytest.mark.django_db


def _reveal(user, resident, field="id_number", reason="核对身份"):
    return services.personal_data_reveal(actor=user, obj=resident, field=field, reason=reason)


def test_supervisors_read_who_saw_whose_field_why_and_when_with_the_name_masked(registry, people, client_for):
    resident = Resident.objects.exclude(phone_cipher="").order_by("id").first()
    _reveal(people.center, resident, "phone", "通知领取补贴")
    for user in (people.center, people.bureau, people.admin):
        response = client_for(user).get("/reveal-log/")
        assert response.status_code == 200
        html = response.content.decode()
        log = RevealLog.objects.get()
        row = html[html.index(f'data-reveal="{log.pk}"') :]
        row = row[: row.index("</tr>")]
        assert people.center.username in row and "通知领取补贴" in row and "Phone" in row
        assert resident.name not in html and resident.name[0] + "*" in row


def test_the_reveal_log_filters_by_who_field_and_date(registry, people, client_for, clock):
    base = people.grid_manager.assignments.get().node
    first = Resident.objects.order_by("id").first()
    second = Resident.objects.filter(household__unit_grid__parent=base).exclude(phone_cipher="").first()
    day_one = clock.today
    _reveal(people.center, first, "id_number")
    clock.shift(datetime.timedelta(days=3))
    _reveal(people.grid_manager, second, "phone", "上门走访联系")
    client = client_for(people.bureau)

    def shown(query):
        html = client.get(f"/reveal-log/?{query}").content.decode()
        return {int(pk) for pk in __import__("re").findall(r'data-reveal="(\d+)"', html)}

    by_center = RevealLog.objects.get(user=people.center).pk
    by_manager = RevealLog.objects.get(user=people.grid_manager).pk
    assert shown("") == {by_center, by_manager}
    assert shown(f"who={people.grid_manager.username}") == {by_manager}
    assert shown("field=id_number") == {by_center}
    assert shown(f"since={day_one + datetime.timedelta(days=2)}") == {by_manager}
    assert shown(f"until={day_one}") == {by_center}
    assert shown("kind=appeal") == set()


def test_a_bad_date_filter_says_so_and_shows_the_log_unfiltered(registry, people, client_for):
    _reveal(people.center, Resident.objects.first())
    response = client_for(people.center).get("/reveal-log/?since=03/02/2026")
    assert response.status_code == 400
    assert "not a date" in response.content.decode() and 'data-reveal="' in response.content.decode()


def test_street_officers_and_others_cannot_read_the_reveal_log(registry, people, client_for):
    _reveal(people.center, Resident.objects.first())
    for user in (people.zhongxin, people.grid_manager, people.department, people.auditor, people.nobody):
        assert client_for(user).get("/reveal-log/").status_code == 404
        assert "/reveal-log/" not in client_for(user).get("/notifications/").content.decode()
    assert 'href="/reveal-log/"' in client_for(people.bureau).get("/notifications/").content.decode()


def test_the_reveal_log_pages_by_fifty_in_a_fixed_number_of_queries(registry, people, client_for):
    residents = list(Resident.objects.order_by("id")[:3])
    client = client_for(people.center)
    _reveal(people.center, residents[0])

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/reveal-log/").status_code == 200
        return len(captured)

    count()
    few = count()
    for i in range(55):
        _reveal(people.center, residents[i % 3], reason=f"核对 {i}")
    assert count() == few
    page_two = client.get("/reveal-log/?page=2").content.decode()
    assert page_two.count('data-reveal="') == 6
