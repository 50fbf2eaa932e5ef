"""The audit trail: append-only in the database, purged only by audit_purge after the
retention, personal data masked, one entry per hooked service call."""

import datetime

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.roles import Role
from accounts.services import user_save
from assessment.services import ruleset_create
from audit import services as audit
from audit.models import AuditEntry
from funding.services.budget import funding_rate_add
from grids.models import GridNode, Level
from grids.services import assignment_end, assignment_start, department_create, grid_node_update
from petitions.services.modules import calendar_day_set
from residents import services as registry
from residents.models import Resident
from tests.factories import UserFactory
from tests.residents.conftest import point_in


def _entry(**fields) -> AuditEntry:
    with transaction.atomic():
        return AuditEntry.objects.create(
            actor_label="system", model="residents.resident", object_id="1", action="update", **fields
        )


def _sql(statement: str, params=()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.mark.django_db
def test_the_database_refuses_to_update_an_audit_entry_by_raw_sql():
    entry = _entry()
    with pytest.raises(IntegrityError):
        _sql("UPDATE audit_auditentry SET reason = 'covered up' WHERE id = %s", [entry.pk])
    with pytest.raises(IntegrityError):
        _sql(
            "UPDATE audit_auditentry SET at = %s WHERE id = %s",
            [timezone.now() - datetime.timedelta(days=900), entry.pk],
        )
    entry.refresh_from_db()
    assert entry.reason == ""


@pytest.mark.django_db
def test_the_database_refuses_to_delete_an_audit_entry_by_raw_sql_even_an_old_one():
    young = _entry()
    old = _entry(at=timezone.now() - datetime.timedelta(days=400))
    for pk in (young.pk, old.pk):
        with pytest.raises(IntegrityError):
            _sql("DELETE FROM audit_auditentry WHERE id = %s", [pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.count() == 2


@pytest.mark.django_db
def test_even_with_the_gate_open_the_database_keeps_entries_younger_than_six_months():
    young = _entry(at=timezone.now() - datetime.timedelta(days=170))
    if connection.vendor == "postgresql":
        gate = "SELECT set_config('gridgov.audit_purge', 'on', true)"
    else:
        gate = "INSERT INTO audit_purge_gate (opened) VALUES (1)"

    def delete_with_the_gate_open():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(gate)
            cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [young.pk])

    with pytest.raises(IntegrityError):
        delete_with_the_gate_open()
    assert AuditEntry.objects.filter(pk=young.pk).exists()


@pytest.mark.django_db
def test_the_monthly_task_purges_the_entries_past_the_retention_and_no_others(settings):
    from audit.tasks import purge_audit_trail

    settings.GRIDGOV_AUDIT_RETENTION_DAYS = 180
    now = timezone.now()
    old = _entry(at=now - datetime.timedelta(days=181))
    kept = _entry(at=now - datetime.timedelta(days=179))
    assert purge_audit_trail() == 1
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not AuditEntry.objects.filter(pk=old.pk).exists()


@pytest.mark.django_db
def test_audit_purge_deletes_only_entries_older_than_the_retention(settings):
    settings.GRIDGOV_AUDIT_RETENTION_DAYS = 365
    now = timezone.now()
    ancient = _entry(at=now - datetime.timedelta(days=400))
    kept_by_setting = _entry(at=now - datetime.timedelta(days=200))
    recent = _entry(at=now - datetime.timedelta(days=3))
    call_command("audit_purge", verbosity=0)  # a dry run
    assert AuditEntry.objects.count() == 3
    call_command("audit_purge", "--commit", verbosity=0)
    assert set(AuditEntry.objects.values_list("pk", flat=True)) == {kept_by_setting.pk, recent.pk}
    assert not AuditEntry.objects.filter(pk=ancient.pk).exists()
    # The gate closed with the purge's transaction: a later delete is refused again.
    with pytest.raises(IntegrityError):
        _sql("DELETE FROM audit_auditentry WHERE id = %s", [kept_by_setting.pk])


@pytest.mark.django_db
def test_a_retention_setting_below_six_months_still_keeps_six_months(settings):
    settings.GRIDGOV_AUDIT_RETENTION_DAYS = 30
    _entry(at=timezone.now() - datetime.timedelta(days=100))
    assert audit.audit_purge(commit=True) == 0
    assert AuditEntry.objects.count() == 1


@pytest.fixture
def resident(district):
    unit = GridNode.objects.filter(level=Level.UNIT_GRID).order_by("code").first()
    lon, lat = point_in(unit)
    household = registry.household_create(actor=None, address="光明路1号", lon=lon, lat=lat)
    return registry.resident_create(
        actor=None, household=household, name="张三", sex="M", birth_date=datetime.date(1980, 1, 1), phone="13812345678"
    )


def test_a_residents_phone_change_is_logged_with_masked_values_only(people, resident):
    before = AuditEntry.objects.count()
    registry.resident_update(actor=people.admin, resident=resident, phone="13987654321", id_number="370402198001010011")
    entry = AuditEntry.objects.order_by("-id").first()
    assert AuditEntry.objects.count() == before + 1
    assert (entry.actor_id, entry.action, entry.model, entry.object_id) == (
        people.admin.pk,
        "update",
        "residents.resident",
        str(resident.pk),
    )
    assert entry.changes["phone"] == ["138****5678", "139****4321"]
    assert entry.changes["id_number"][0] == ""
    assert "*" in entry.changes["id_number"][1]
    stored = str(AuditEntry.objects.values_list("changes", "object_label", "reason").get(pk=entry.pk))
    for plain in ("13812345678", "13987654321", "370402198001010011"):
        assert plain not in stored
    assert Resident.objects.get(pk=resident.pk).phone_masked == "139****4321"


def test_a_raw_personal_number_passed_to_the_trail_by_mistake_is_stored_masked(people, resident):
    with transaction.atomic():
        entry = audit.record(
            actor=people.admin,
            action="update",
            obj=resident,
            changes={"note": [None, "call 13812345678 about 370402198001010011"]},
            reason="13812345678",
        )
    assert "13812345678" not in str(entry.changes) and "13812345678" not in entry.reason
    assert "370402198001010011" not in str(entry.changes)


def test_the_trail_refuses_to_read_a_cipher_or_hash_column(resident):
    with pytest.raises(ValueError, match="sealed"):
        audit.snapshot(resident, ["phone_cipher"])


def _one_entry(call, *, model: str, action: str):
    before = AuditEntry.objects.count()
    result = call()
    new = list(AuditEntry.objects.order_by("id")[before:])
    assert [(e.model, e.action) for e in new] == [(model, action)], new
    return result, new[0]


def test_each_hooked_service_writes_one_entry(clock, people, resident, categories_for_audit):
    admin, unit = people.admin, resident.household.unit_grid
    household = resident.household
    _one_entry(
        lambda: registry.household_update(actor=admin, household=household, address="光明路2号"),
        model="residents.household",
        action="update",
    )
    lon, lat = point_in(unit)
    _one_entry(
        lambda: registry.household_create(actor=admin, address="光明路3号", lon=lon, lat=lat),
        model="residents.household",
        action="create",
    )
    _one_entry(
        lambda: registry.resident_create(
            actor=admin, household=household, name="李四", sex="F", birth_date=datetime.date(1990, 2, 2)
        ),
        model="residents.resident",
        action="create",
    )
    _one_entry(
        lambda: registry.resident_update(actor=admin, resident=resident, name="张三丰"),
        model="residents.resident",
        action="update",
    )
    category = categories_for_audit
    tag, _e = _one_entry(
        lambda: registry.resident_tag_add(actor=admin, resident=resident, category=category),
        model="residents.residenttag",
        action="create",
    )
    _one_entry(lambda: registry.resident_tag_end(actor=admin, tag=tag), model="residents.residenttag", action="end")
    _one_entry(
        lambda: registry.category_update(actor=admin, category=category, visit_interval_days=45),
        model="residents.specialcategory",
        action="update",
    )
    _node, entry = _one_entry(
        lambda: grid_node_update(actor=admin, node=unit, name="新名字网格"), model="grids.gridnode", action="update"
    )
    assert entry.changes["name"][1] == "新名字网格"
    _one_entry(
        lambda: department_create(actor=admin, code="water", name="区水务局"), model="grids.department", action="create"
    )
    user = UserFactory(username="newcomer")
    post, _e = _one_entry(
        lambda: assignment_start(actor=admin, user=user, role=Role.GRID_ASSISTANT, node=unit),
        model="grids.assignment",
        action="create",
    )
    _one_entry(lambda: assignment_end(actor=admin, assignment=post), model="grids.assignment", action="end")
    user.name = "新来的"
    _one_entry(lambda: user_save(actor=admin, user=user, also_changed=["name"]), model="accounts.user", action="update")
    _one_entry(
        lambda: calendar_day_set(actor=admin, date=datetime.date(2026, 10, 9), is_workday=False, name="test"),
        model="petitions.calendarday",
        action="create",
    )
    _one_entry(
        lambda: funding_rate_add(actor=admin, fen_per_household=2500, effective_from=datetime.date(2031, 1, 1)),
        model="funding.fundingrate",
        action="create",
    )
    from assessment.services import RuleSet, rules_default_ensure

    base = rules_default_ensure()
    values = {f.name: getattr(base, f.name) for f in RuleSet._meta.fields if f.name not in ("id", "effective_from")}
    _one_entry(
        lambda: ruleset_create(actor=admin, effective_from=datetime.date(2031, 1, 1), values=values, note="test"),
        model="assessment.ruleset",
        action="create",
    )


@pytest.fixture
def categories_for_audit(db):
    from residents.demo import seed_categories
    from residents.models import SpecialCategory

    seed_categories(None)
    return SpecialCategory.objects.order_by("sort_order", "pk").first()
