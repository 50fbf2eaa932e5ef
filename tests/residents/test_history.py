"""看人知情: the resident and household pages list the person's history — appeals, visits,
special-population follow-ups, diary entries naming them and services on their behalf —
scoped, and in a constant number of queries however long the history."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.errors import InvalidInput
from petitions import services as appeals
from residents.models import Resident
from visits import services as visits
from visits.services import OpinionInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(registry, people):
    """A tagged resident of the grid assistant's unit grid (inside the grid manager's base grid)."""
    appeals.module_defaults_ensure(actor=None)
    unit = people.assistant.assignments.get().node
    return Resident.objects.filter(household__unit_grid=unit, tags__isnull=False).select_related("household").first()


def add_history(person, people, clock, n=1):
    """n of each kind of record about the person."""
    tag = person.tags.first()
    base = people.grid_manager.assignments.get().node
    for i in range(n):
        visits.visit_record(
            actor=people.grid_manager, household=person.household, visited_on=clock.today, met="户主",
            notes=f"第{i + 1}次走访", followed_tags=[tag],
            opinions=[OpinionInput(module="sanitation", text="楼道垃圾无人清运")],
        )  # fmt: skip
        visits.proxy_service_create(actor=people.grid_manager, resident=person, what="代办老年证")
        visits.diary_entry_create(
            actor=people.grid_manager, node=base, date=clock.today, text=f"走访{person.name}", mentions=[person]
        )
        appeals.appeal_create(
            actor=people.center, source="hotline", module="municipal", description="路灯不亮",
            lon=person.household.lon, lat=person.household.lat, reporter_name=person.name,
            reporter_phone="13812345678", reporter_resident=person,
        )  # fmt: skip


def test_the_resident_page_lists_their_appeals_visits_follow_ups_diary_and_services(person, people, client_for, clock):
    add_history(person, people, clock)
    page = client_for(people.center).get(f"/registry/residents/{person.pk}/").content.decode()
    assert "will be listed here" not in page
    # Two appeals: the one they called in and the opinion collected at their door.
    assert page.count('data-appeal="') == 2 and "collected on a visit" in page
    assert page.count('data-visit="') == 1 and "第1次走访" in page
    followups = page.split('id="history-followups"')[1].split("</table>")[0]
    assert person.tags.first().category.name in followups
    assert f"走访{person.name}" in page.split('id="history-diary"')[1]
    assert "代办老年证" in page.split('id="history-services"')[1]


def test_the_household_page_lists_the_history_of_all_its_members(person, people, client_for, clock):
    add_history(person, people, clock)
    other = person.household.members.exclude(pk=person.pk).first()
    visits.proxy_service_create(actor=people.grid_manager, resident=other, what="代缴水电费")
    page = client_for(people.center).get(f"/registry/households/{person.household_id}/").content.decode()
    services = page.split('id="history-services"')[1]
    assert "代办老年证" in services and "代缴水电费" in services
    assert page.count('data-visit="') == 1 and page.count('data-appeal="') == 2


@pytest.mark.parametrize("kind", ["residents", "households"])
def test_the_history_pages_take_the_same_number_of_queries_for_a_short_and_a_long_history(
    person, people, client_for, clock, kind
):
    client = client_for(people.center)
    url = f"/registry/{kind}/{person.pk if kind == 'residents' else person.household_id}/"
    add_history(person, people, clock)
    with CaptureQueriesContext(connection) as short:
        assert client.get(url).status_code == 200
    add_history(person, people, clock, n=24)  # past the 20 rows a list shows
    with CaptureQueriesContext(connection) as long:
        page = client.get(url).content.decode()
    assert len(short) == len(long)
    assert page.count('data-visit="') == 20 and "and 5 earlier" in page


def test_each_history_list_is_scoped_like_its_own_page(person, people, client_for, clock):
    add_history(person, people, clock)
    # The grid assistant sees the resident (their unit grid) but not the base grid's diary,
    # which the diary page would not show them either.
    page = client_for(people.assistant).get(f"/registry/residents/{person.pk}/").content.decode()
    assert f"走访{person.name}" not in page.split('id="history-diary"')[1]
    assert page.count('data-visit="') == 1
    # Another street's officer does not see the resident at all.
    assert client_for(people.shuiguo).get(f"/registry/residents/{person.pk}/").status_code == 404


def test_a_diary_entry_names_only_residents_of_its_grid(person, people, registry, clock):
    stranger = Resident.objects.exclude(household__street=person.household.street).first()
    base = people.grid_manager.assignments.get().node
    with pytest.raises(InvalidInput):
        visits.diary_entry_create(
            actor=people.grid_manager, node=base, date=clock.today, text="走访", mentions=[stranger]
        )
