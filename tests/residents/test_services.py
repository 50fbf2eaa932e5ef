import datetime
import random

import pytest
from django.db import connection
from shapely import geometry as geom

from accounts.models import RevealLog
from gridgov.errors import Conflict, InvalidInput, NotAllowed, NotFound
from grids.models import GridNode, Level
from residents import services
from residents.models import Household, Relation, Resident, ResidentTag

from .conftest import make_id_number, point_in

pytestmark = pytest.mark.django_db


def unit_under(street: GridNode) -> GridNode:
    return GridNode.objects.filter(level=Level.UNIT_GRID, code__startswith=street.code).order_by("code").first()


def test_a_household_is_placed_in_the_unit_grid_holding_its_point_with_community_and_street(district, streets, people):
    unit = unit_under(streets["中心街街道"])
    lon, lat = point_in(unit)
    household = services.household_create(actor=people.center, address="光明路1号", lon=lon, lat=lat)
    assert household.unit_grid_id == unit.pk
    assert household.community_id == unit.parent.parent_id
    assert household.street_id == streets["中心街街道"].pk
    assert household.number == f"{unit.code}0001"
    assert geom.shape(unit.boundary).covers(geom.Point(household.lon, household.lat))


def test_a_point_outside_every_grid_is_refused(district, people):
    with pytest.raises(InvalidInput, match="outside the district"):
        services.household_create(actor=people.center, address="x", lon=100.0, lat=30.0)
    assert not Household.objects.exists()


def test_a_street_officer_cannot_register_a_household_in_another_street(district, streets, people):
    from accounts.roles import Role
    from grids.services import assignment_start

    # Give the 中心街 officer an editing role on his own street, then try 税郭镇.
    assignment_start(
        actor=None, user=people.zhongxin, role=Role.COMMUNITY, node=streets["中心街街道"].get_children()[0]
    )
    people.zhongxin._gridgov_scope = None
    lon, lat = point_in(unit_under(streets["税郭镇"]))
    with pytest.raises(NotAllowed, match="outside your area"):
        services.household_create(actor=people.zhongxin, address="x", lon=lon, lat=lat)


def test_roles_without_registry_rights_cannot_write(district, streets, people):
    lon, lat = point_in(unit_under(streets["中心街街道"]))
    for actor in (people.auditor, people.department, people.nobody, people.zhongxin):
        with pytest.raises(NotAllowed):
            services.household_create(actor=actor, address="x", lon=lon, lat=lat)


def test_resident_sex_and_birth_date_come_from_the_id_number(district, streets, people):
    lon, lat = point_in(unit_under(streets["中心街街道"]))
    household = services.household_create(actor=people.center, address="x", lon=lon, lat=lat)
    resident = services.resident_create(
        actor=people.center, household=household, name="张伟", relation=Relation.HEAD, id_number="11010519491231002X"
    )
    assert resident.sex == "F"
    assert resident.birth_date == datetime.date(1949, 12, 31)
    household.refresh_from_db()
    assert household.head_id == resident.pk
    with pytest.raises(InvalidInput, match="does not match"):
        services.resident_create(
            actor=people.center, household=household, name="李", id_number=make_id_number(random.Random(1),
            datetime.date(1990, 1, 1), "M"), sex="F",
        )  # fmt: skip


def test_a_bad_id_number_is_refused_and_nothing_is_written(district, streets, people):
    lon, lat = point_in(unit_under(streets["中心街街道"]))
    household = services.household_create(actor=people.center, address="x", lon=lon, lat=lat)
    with pytest.raises(InvalidInput, match="check digit"):
        services.resident_create(actor=people.center, household=household, name="王", id_number="370402198001010012")
    assert not Resident.objects.exists()


def test_the_same_id_number_cannot_be_registered_twice(registry, people):
    resident = Resident.objects.exclude(id_number_cipher="").first()
    from gridgov.personal_data import open_value

    with pytest.raises(Conflict, match="already registered"):
        services.resident_create(
            actor=people.center,
            household=resident.household,
            name="重复",
            id_number=open_value(resident.id_number_cipher),
        )


def test_the_database_holds_no_plaintext_id_number_or_phone(registry):
    from gridgov.personal_data import open_value

    resident = Resident.objects.exclude(phone_cipher="").first()
    number, phone = open_value(resident.id_number_cipher), open_value(resident.phone_cipher)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM residents_resident")
        dump = repr(cursor.fetchall())
    assert number not in dump
    assert phone not in dump
    assert resident.id_number_masked in dump  # only the masked form is stored readable


def test_cached_counts_follow_every_write_and_match_a_full_refresh(registry, district, streets):
    district.refresh_from_db()
    assert district.households == Household.objects.count()
    assert district.residents == Resident.objects.count()
    before = dict(GridNode.objects.values_list("id", "households"))
    assert services.grid_counts_refresh()["nodes"] == 0  # nothing was out of date
    assert dict(GridNode.objects.values_list("id", "households")) == before


def test_moving_a_household_moves_its_counts(registry, streets, people):
    household = Household.objects.filter(street=streets["中心街街道"]).first()
    members = household.members.count()
    target = unit_under(streets["税郭镇"])
    lon, lat = point_in(target)
    services.household_update(actor=people.center, household=household, lon=lon, lat=lat)
    household.refresh_from_db()
    assert household.street_id == streets["税郭镇"].pk
    assert set(ResidentTag.objects.filter(resident__household=household).values_list("street_id", flat=True)) <= {
        streets["税郭镇"].pk
    }
    target.refresh_from_db()
    assert target.households == 3
    assert target.residents >= members
    assert services.grid_counts_refresh()["nodes"] == 0


def test_a_tag_is_added_once_and_ending_it_keeps_the_row(registry, categories, people):
    resident = Resident.objects.first()
    tag = services.resident_tag_add(actor=people.center, resident=resident, category=categories["dibao"])
    with pytest.raises(Conflict, match="already tagged"):
        services.resident_tag_add(actor=people.center, resident=resident, category=categories["dibao"])
    services.resident_tag_end(actor=people.center, tag=tag, end_date=tag.start_date + datetime.timedelta(days=1))
    assert ResidentTag.objects.filter(pk=tag.pk, ended_by=people.center).exists()
    with pytest.raises(Conflict, match="already ended"):
        services.resident_tag_end(actor=people.center, tag=tag)


def test_a_reveal_returns_the_value_and_writes_a_log_row(registry, people):
    resident = Resident.objects.exclude(phone_cipher="").first()
    value = services.personal_data_reveal(actor=people.center, obj=resident, field="phone", reason="通知领取补贴")
    assert value.startswith("1381234")
    log = RevealLog.objects.get()
    assert (log.user, log.object_id, log.field, log.subject, log.reason) == (
        people.center,
        resident.pk,
        "phone",
        resident.name,
        "通知领取补贴",
    )


@pytest.mark.parametrize("reason", ["", "   ", "x", "\x00ab", "长" * 201])
def test_a_reveal_without_a_proper_reason_is_refused_and_leaves_no_log(registry, people, reason):
    resident = Resident.objects.exclude(phone_cipher="").first()
    with pytest.raises(InvalidInput) as refused:
        services.personal_data_reveal(actor=people.center, obj=resident, field="phone", reason=reason)
    assert refused.value.field == "reason"
    assert not RevealLog.objects.exists()


def test_roles_without_the_reveal_right_cannot_reveal_and_leave_no_log(registry, people):
    resident = Resident.objects.first()
    for actor in (people.zhongxin, people.auditor, people.bureau, people.assistant, people.department):
        with pytest.raises(NotAllowed):
            services.personal_data_reveal(actor=actor, obj=resident, field="id_number", reason="核实身份")
    assert not RevealLog.objects.exists()


def test_a_grid_manager_cannot_reveal_outside_their_grid(registry, streets, people):
    other = Resident.objects.filter(household__street=streets["税郭镇"]).first()
    with pytest.raises(NotFound):
        services.personal_data_reveal(actor=people.grid_manager, obj=other, field="id_number", reason="核实身份")
    with pytest.raises(InvalidInput):
        services.personal_data_reveal(actor=people.center, obj=other, field="name", reason="核实身份")
    assert not RevealLog.objects.exists()
