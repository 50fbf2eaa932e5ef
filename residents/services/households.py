"""Buildings, households, residents and organisations."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.roles import REGISTRY_EDITORS
from accounts.scopes import require_role
from audit import services as audit
from gridgov import personal_data
from gridgov.errors import Conflict, InvalidInput
from grids.models import GridNode

from ..models import (
    Building,
    Household,
    Organisation,
    Relation,
    Resident,
    ResidentTag,
    Sex,
)
from .common import EDIT_ACTION, _bump_counts, _check_in_scope, _location_fields, _text, place

# What the audit trail records of each (sealed fields by their base name: masked only).
BUILDING_FIELDS = ("name", "address", "kind", "floors", "unit_grid")
HOUSEHOLD_FIELDS = ("number", "address", "building", "lon", "lat", "unit_grid")
RESIDENT_FIELDS = ("name", "relation", "sex", "birth_date", "id_number", "phone")
ORGANISATION_FIELDS = ("name", "kind", "credit_code", "address", "contact_name", "contact_phone", "unit_grid")

# ---- Buildings and places ----


@transaction.atomic
def building_create(
    *, actor, name: str, address: str, lon, lat, kind: str = Building.Kind.APARTMENT, floors: int | None = None
) -> Building:
    require_role(actor, *REGISTRY_EDITORS, action=EDIT_ACTION)
    if kind not in Building.Kind.values:
        raise InvalidInput(_("Unknown kind of building: %(kind)s.") % {"kind": kind}, field="kind")
    found = place(actor=actor, lon=lon, lat=lat)
    building = Building.objects.create(
        name=_text(name, field="name", label=pgettext("name of a thing", "Name"), max_length=100),
        address=_text(address, field="address", label=_("Address"), max_length=200),
        kind=kind,
        floors=floors,
        **_location_fields(found, lon, lat),
    )
    audit.record(actor=actor, action="create", obj=building, changes=audit.created(building, BUILDING_FIELDS))
    return building


# ---- Households ----


def _next_household_number(unit_grid_id: int) -> str:
    # Locked: two households registered at once in one unit grid get different serials.
    unit = GridNode.objects.select_for_update().only("code").get(pk=unit_grid_id)
    highest = Household.objects.filter(number__startswith=unit.code).aggregate(m=Max("number"))["m"]
    serial = int(highest[len(unit.code) :]) + 1 if highest and highest[len(unit.code) :].isdigit() else 1
    return f"{unit.code}{serial:04d}"


def _check_building(actor, building: Building | None) -> None:
    if building is not None:
        _check_in_scope(actor, building.unit_grid_id)


@transaction.atomic
def household_create(
    *, actor, address: str, lon, lat, building: Building | None = None, number: str | None = None
) -> Household:
    """Register a household at a point; its grids come from the locator."""
    require_role(actor, *REGISTRY_EDITORS, action=EDIT_ACTION)
    address = _text(address, field="address", label=_("Address"), max_length=200)
    found = place(actor=actor, lon=lon, lat=lat)
    _check_building(actor, building)
    number = _text(number, field="number", label=_("Household number"), max_length=24, required=False)
    number = number or _next_household_number(found.unit_grid_id)
    if Household.objects.filter(number=number).exists():
        raise Conflict(_("Household number %(n)s is already registered.") % {"n": number}, field="number")
    household = Household(number=number, address=address, building=building, **_location_fields(found, lon, lat))
    try:
        with transaction.atomic():
            household.save()
    except IntegrityError as exc:
        raise Conflict(_("Household number %(n)s is already registered.") % {"n": number}, field="number") from exc
    _bump_counts(found.unit_grid_id, households=1)
    audit.record(actor=actor, action="create", obj=household, changes=audit.created(household, HOUSEHOLD_FIELDS))
    return household


@transaction.atomic
def household_update(
    *, actor, household: Household, address: str | None = None, lon=None, lat=None, building: Building | None = None
) -> Household:
    """Correct a household's address or move its point (and so, perhaps, its grid)."""
    require_role(actor, *REGISTRY_EDITORS, action=EDIT_ACTION)
    household = Household.objects.select_for_update().get(pk=household.pk)
    _check_in_scope(actor, household.unit_grid_id)
    before = audit.snapshot(household, HOUSEHOLD_FIELDS)
    fields = []
    if address is not None:
        household.address = _text(address, field="address", label=_("Address"), max_length=200)
        fields.append("address")
    if building is not None:
        _check_building(actor, building)
        household.building = building
        fields.append("building")
    if lon is not None or lat is not None:
        if lon is None or lat is None:
            raise InvalidInput(_("A new location needs both longitude and latitude."), field="location")
        found = place(actor=actor, lon=lon, lat=lat)
        old_unit = household.unit_grid_id
        for key, value in _location_fields(found, lon, lat).items():
            setattr(household, key, value)
        fields += ["lon", "lat", "unit_grid", "community", "street"]
        if old_unit != found.unit_grid_id:
            ResidentTag.objects.filter(resident__household=household).update(
                unit_grid_id=found.unit_grid_id, community_id=found.community_id, street_id=found.street_id
            )
            members = household.members.count()
            _bump_counts(old_unit, households=-1, residents=-members)
            _bump_counts(found.unit_grid_id, households=1, residents=members)
    if fields:
        household.save(update_fields=[*fields, "updated_at"])
        audit.record(
            actor=actor,
            action="update",
            obj=household,
            changes=audit.diff(before, audit.snapshot(household, HOUSEHOLD_FIELDS)),
        )
    return household


# ---- Residents ----


def _personal_columns(*, id_number, phone) -> dict:
    columns = {}
    if id_number is not None:
        columns |= personal_data.seal_id_number(id_number).columns("id_number")
    if phone is not None:
        columns |= personal_data.seal_phone(phone).columns("phone")
    return columns


def _check_unique_id(columns: dict, *, exclude_pk: int | None = None) -> None:
    digest = columns.get("id_number_hash")
    if digest and Resident.objects.filter(id_number_hash=digest).exclude(pk=exclude_pk).exists():
        raise Conflict(_("A resident with this ID number is already registered."), field="id_number")


def sex_and_birth(*, id_number, sex, birth_date, today: datetime.date | None = None) -> tuple[str, datetime.date]:
    """Sex and birth date come from the ID number when there is one, and must agree with it
    (the registry's rule: the services and the importer both read it here)."""
    today = today or timezone.localdate()
    normalised = personal_data.normalise_id_number(id_number)
    parsed = personal_data.parse_id_number(id_number, today=today) if normalised else None
    if sex not in (None, "") and sex not in Sex.values:
        raise InvalidInput(_("Sex must be M or F."), field="sex")
    if parsed:
        if sex and sex != parsed.sex:
            raise InvalidInput(_("The sex does not match the ID number."), field="sex")
        if birth_date and birth_date != parsed.birth_date:
            raise InvalidInput(_("The birth date does not match the ID number."), field="birth_date")
        return parsed.sex, parsed.birth_date
    if not sex:
        raise InvalidInput(_("Sex is required when there is no ID number."), field="sex")
    if not birth_date:
        raise InvalidInput(_("The birth date is required when there is no ID number."), field="birth_date")
    if birth_date > today or birth_date.year < 1900:
        raise InvalidInput(_("The birth date is not possible."), field="birth_date")
    return sex, birth_date


@transaction.atomic
def resident_create(
    *,
    actor,
    household: Household,
    name: str,
    relation: str = Relation.OTHER,
    id_number: str = "",
    phone: str = "",
    sex: str | None = None,
    birth_date: datetime.date | None = None,
) -> Resident:
    require_role(actor, *REGISTRY_EDITORS, action=EDIT_ACTION)
    household = Household.objects.select_for_update().get(pk=household.pk)
    _check_in_scope(actor, household.unit_grid_id)
    if relation not in Relation.values:
        raise InvalidInput(_("Unknown relation to the head: %(r)s.") % {"r": relation}, field="relation")
    if relation == Relation.HEAD and household.head_id:
        raise Conflict(_("The household already has a head."), field="relation")
    sex, birth_date = sex_and_birth(id_number=id_number, sex=sex, birth_date=birth_date)
    columns = _personal_columns(id_number=id_number, phone=phone)
    _check_unique_id(columns)
    resident = Resident(
        household=household,
        name=_text(name, field="name", label=_("Name"), max_length=50),
        relation=relation,
        sex=sex,
        birth_date=birth_date,
        **columns,
    )
    try:
        with transaction.atomic():
            resident.save()
    except IntegrityError as exc:
        raise Conflict(_("A resident with this ID number is already registered."), field="id_number") from exc
    if relation == Relation.HEAD:
        household.head = resident
        household.save(update_fields=["head", "updated_at"])
    _bump_counts(household.unit_grid_id, residents=1)
    audit.record(actor=actor, action="create", obj=resident, changes=audit.created(resident, RESIDENT_FIELDS))
    return resident


@transaction.atomic
def resident_update(
    *,
    actor,
    resident: Resident,
    name: str | None = None,
    relation: str | None = None,
    id_number: str | None = None,
    phone: str | None = None,
    sex: str | None = None,
    birth_date: datetime.date | None = None,
) -> Resident:
    """Correct a resident's record. `None` leaves a field as it is; "" clears a phone or ID number."""
    require_role(actor, *REGISTRY_EDITORS, action=EDIT_ACTION)
    resident = Resident.objects.select_for_update().select_related("household").get(pk=resident.pk)
    household = resident.household
    _check_in_scope(actor, household.unit_grid_id)
    before = audit.snapshot(resident, RESIDENT_FIELDS)
    fields = []
    if name is not None:
        resident.name = _text(name, field="name", label=_("Name"), max_length=50)
        fields.append("name")
    if relation is not None and relation != resident.relation:
        if relation not in Relation.values:
            raise InvalidInput(_("Unknown relation to the head: %(r)s.") % {"r": relation}, field="relation")
        if relation == Relation.HEAD and household.head_id not in (None, resident.pk):
            raise Conflict(_("The household already has a head."), field="relation")
        resident.relation = relation
        fields.append("relation")
    if id_number is not None or sex is not None or birth_date is not None:
        # With an ID number (new or kept), sex and birth date follow from it; without one they
        # are what was given, or what was stored.
        current_id = personal_data.open_value(resident.id_number_cipher) if id_number is None else id_number
        resident.sex, resident.birth_date = sex_and_birth(
            id_number=current_id,
            sex=sex if sex is not None else (None if current_id else resident.sex),
            birth_date=birth_date if birth_date is not None else (None if current_id else resident.birth_date),
        )
        fields += ["sex", "birth_date"]
    columns = _personal_columns(id_number=id_number, phone=phone)
    _check_unique_id(columns, exclude_pk=resident.pk)
    for key, value in columns.items():
        setattr(resident, key, value)
    fields += list(columns)
    if fields:
        resident.save(update_fields=[*fields, "updated_at"])
        if changes := audit.diff(before, audit.snapshot(resident, RESIDENT_FIELDS)):
            audit.record(actor=actor, action="update", obj=resident, changes=changes)
    if "relation" in fields:
        if resident.relation == Relation.HEAD:
            household.head = resident
            household.save(update_fields=["head", "updated_at"])
        elif household.head_id == resident.pk:
            household.head = None
            household.save(update_fields=["head", "updated_at"])
    return resident


# ---- Organisations ----


@transaction.atomic
def organisation_create(
    *,
    actor,
    name: str,
    kind: str,
    address: str,
    lon,
    lat,
    credit_code: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    building: Building | None = None,
) -> Organisation:
    require_role(actor, *REGISTRY_EDITORS, action=EDIT_ACTION)
    if kind not in Organisation.Kind.values:
        raise InvalidInput(_("Unknown kind of organisation: %(kind)s.") % {"kind": kind}, field="kind")
    credit_code = _text(credit_code, field="credit_code", label=_("Credit code"), max_length=18, required=False)
    if credit_code and len(credit_code) != 18:
        raise InvalidInput(_("A unified social credit code has 18 characters."), field="credit_code")
    found = place(actor=actor, lon=lon, lat=lat)
    _check_building(actor, building)
    organisation = Organisation.objects.create(
        name=_text(name, field="name", label=pgettext("name of a thing", "Name"), max_length=100),
        kind=kind,
        credit_code=credit_code.upper(),
        address=_text(address, field="address", label=_("Address"), max_length=200),
        contact_name=_text(contact_name, field="contact_name", label=_("Contact"), max_length=50, required=False),
        building=building,
        **personal_data.seal_phone(contact_phone, field="contact_phone").columns("contact_phone"),
        **_location_fields(found, lon, lat),
    )
    audit.record(
        actor=actor, action="create", obj=organisation, changes=audit.created(organisation, ORGANISATION_FIELDS)
    )
    return organisation
