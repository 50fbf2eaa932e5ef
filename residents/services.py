"""Every write to the registry. Pages, the API, the admin, the importer and the demo seed all
come through here.

Rules every write keeps:
- the actor holds a registry role (accounts.roles.REGISTRY_EDITORS), and every place it
  writes (a household's point, a resident's household) lies inside the actor's scope;
- a point is placed by the locator: its unit grid, community and street are stored with it;
- ID numbers and phones are validated, then sealed (gridgov.personal_data) before they are
  stored; nothing here keeps plain text;
- the grids' cached household and resident counts move with every write.
"""

import datetime
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import RevealLog
from accounts.roles import CATEGORY_EDITORS, REGISTRY_EDITORS, REVEAL_PERSONAL_DATA, Role
from accounts.scopes import require_role, scope_for
from gridgov import personal_data
from gridgov.errors import Conflict, InvalidInput, NotAllowed, NotFound
from grids.locator import Located, locate
from grids.models import GridNode, Level

from .models import (
    PERSONAL_FIELDS,
    Building,
    Household,
    Organisation,
    Relation,
    Resident,
    ResidentTag,
    Sex,
    SpecialCategory,
)

EDIT_ACTION = _("edit the residents registry")


def _text(value, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    value = str(value or "").strip()
    if required and not value:
        raise InvalidInput(_("%(label)s is required.") % {"label": label}, field=field)
    if len(value) > max_length or "\x00" in value:
        raise InvalidInput(
            _("%(label)s must be at most %(n)d characters of text.") % {"label": label, "n": max_length}, field=field
        )
    return value


def _check_in_scope(actor, unit_grid_id: int) -> None:
    """Refuse a write whose place lies outside the actor's area (actor None: the system)."""
    if actor is None or actor.is_superuser:
        return
    scope = scope_for(actor)
    if scope.everything:
        return
    unit = GridNode.objects.only("id", "name", "tree_id", "lft", "rght").get(pk=unit_grid_id)
    if not scope.contains_node(unit):
        raise NotAllowed(
            _("%(grid)s lies outside your area; you may not register anything there.") % {"grid": unit.name},
            field="location",
            code="outside_scope",
        )


def place(*, actor, lon, lat) -> Located:
    """The grids holding a point, refused when outside the district or the actor's area."""
    found = locate(lon, lat)
    _check_in_scope(actor, found.unit_grid_id)
    return found


def _location_fields(found: Located, lon, lat) -> dict:
    return {
        "lon": float(lon),
        "lat": float(lat),
        "unit_grid_id": found.unit_grid_id,
        "community_id": found.community_id,
        "street_id": found.street_id,
    }


def _bump_counts(unit_grid_id: int, *, households: int = 0, residents: int = 0) -> None:
    """Move the cached counts of a unit grid and all its ancestors by the given amounts."""
    if not households and not residents:
        return
    unit = GridNode.objects.only("tree_id", "lft", "rght").get(pk=unit_grid_id)
    GridNode.objects.filter(tree_id=unit.tree_id, lft__lte=unit.lft, rght__gte=unit.rght).update(
        households=F("households") + households, residents=F("residents") + residents
    )


# ---- Buildings and places ----


@transaction.atomic
def building_create(
    *, actor, name: str, address: str, lon, lat, kind: str = Building.Kind.APARTMENT, floors: int | None = None
) -> Building:
    require_role(actor, *REGISTRY_EDITORS, action=EDIT_ACTION)
    if kind not in Building.Kind.values:
        raise InvalidInput(_("Unknown kind of building: %(kind)s.") % {"kind": kind}, field="kind")
    found = place(actor=actor, lon=lon, lat=lat)
    return Building.objects.create(
        name=_text(name, field="name", label=_("Name"), max_length=100),
        address=_text(address, field="address", label=_("Address"), max_length=200),
        kind=kind,
        floors=floors,
        **_location_fields(found, lon, lat),
    )


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
    return household


@transaction.atomic
def household_update(
    *, actor, household: Household, address: str | None = None, lon=None, lat=None, building: Building | None = None
) -> Household:
    """Correct a household's address or move its point (and so, perhaps, its grid)."""
    require_role(actor, *REGISTRY_EDITORS, action=EDIT_ACTION)
    household = Household.objects.select_for_update().get(pk=household.pk)
    _check_in_scope(actor, household.unit_grid_id)
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
            members = household.members.count()
            _bump_counts(old_unit, households=-1, residents=-members)
            _bump_counts(found.unit_grid_id, households=1, residents=members)
    if fields:
        household.save(update_fields=[*fields, "updated_at"])
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


def _sex_and_birth(*, id_number, sex, birth_date) -> tuple[str, datetime.date]:
    """Sex and birth date come from the ID number when there is one, and must agree with it."""
    parsed = personal_data.parse_id_number(id_number) if personal_data.normalise_id_number(id_number) else None
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
    if birth_date > timezone.localdate() or birth_date.year < 1900:
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
    sex, birth_date = _sex_and_birth(id_number=id_number, sex=sex, birth_date=birth_date)
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
        resident.sex, resident.birth_date = _sex_and_birth(
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
    if "relation" in fields:
        if resident.relation == Relation.HEAD:
            household.head = resident
            household.save(update_fields=["head", "updated_at"])
        elif household.head_id == resident.pk:
            household.head = None
            household.save(update_fields=["head", "updated_at"])
    return resident


# ---- Special-population categories and tags ----


def _category_fields(*, name, symbol, color, responsible_role, visit_interval_days) -> dict:
    fields = {}
    if name is not None:
        fields["name"] = _text(name, field="name", label=_("Name"), max_length=50)
    if symbol is not None:
        fields["symbol"] = _text(symbol, field="symbol", label=_("Map symbol"), max_length=2)
    if color is not None:
        color = str(color).strip()
        if not (len(color) == 7 and color[0] == "#" and all(c in "0123456789abcdefABCDEF" for c in color[1:])):
            raise InvalidInput(_("A colour is written #rrggbb."), field="color")
        fields["color"] = color
    if responsible_role is not None:
        if responsible_role not in Role.values:
            raise InvalidInput(_("Unknown role: %(role)s.") % {"role": responsible_role}, field="responsible_role")
        fields["responsible_role"] = responsible_role
    if visit_interval_days is not None:
        if not 1 <= int(visit_interval_days) <= 3660:
            raise InvalidInput(_("The visit interval is 1 to 3,660 days."), field="visit_interval_days")
        fields["visit_interval_days"] = int(visit_interval_days)
    return fields


@transaction.atomic
def category_create(
    *,
    actor,
    code: str,
    name: str,
    symbol: str,
    color: str = "#b3261e",
    responsible_role: str = Role.GRID_MANAGER,
    visit_interval_days: int = 30,
    sort_order: int = 0,
) -> SpecialCategory:
    require_role(actor, *CATEGORY_EDITORS, action=_("edit the special-population categories"))
    code = _text(code, field="code", label=_("Code"), max_length=40)
    if SpecialCategory.objects.filter(code=code).exists():
        raise Conflict(_("Category code %(code)s is taken.") % {"code": code}, field="code")
    fields = _category_fields(
        name=name,
        symbol=symbol,
        color=color,
        responsible_role=responsible_role,
        visit_interval_days=visit_interval_days,
    )
    if SpecialCategory.objects.filter(name=fields["name"]).exists():
        raise Conflict(_("Category %(name)s exists.") % {"name": fields["name"]}, field="name")
    return SpecialCategory.objects.create(code=code, sort_order=sort_order, **fields)


@transaction.atomic
def category_update(
    *,
    actor,
    category: SpecialCategory,
    name: str | None = None,
    symbol: str | None = None,
    color: str | None = None,
    responsible_role: str | None = None,
    visit_interval_days: int | None = None,
    is_active: bool | None = None,
) -> SpecialCategory:
    require_role(actor, *CATEGORY_EDITORS, action=_("edit the special-population categories"))
    category = SpecialCategory.objects.select_for_update().get(pk=category.pk)
    fields = _category_fields(
        name=name,
        symbol=symbol,
        color=color,
        responsible_role=responsible_role,
        visit_interval_days=visit_interval_days,
    )
    if is_active is not None:
        fields["is_active"] = bool(is_active)
    for key, value in fields.items():
        setattr(category, key, value)
    if fields:
        category.save(update_fields=list(fields))
    return category


@transaction.atomic
def resident_tag_add(
    *, actor, resident: Resident, category: SpecialCategory, start_date: datetime.date | None = None, note: str = ""
) -> ResidentTag:
    """Put a resident in a special-population category from `start_date` (today by default)."""
    require_role(actor, *REGISTRY_EDITORS, action=EDIT_ACTION)
    resident = Resident.objects.select_for_update().select_related("household").get(pk=resident.pk)
    _check_in_scope(actor, resident.household.unit_grid_id)
    if not category.is_active:
        raise InvalidInput(_("Category %(c)s is no longer in use.") % {"c": category}, field="category")
    start_date = start_date or timezone.localdate()
    if resident.tags.filter(category=category).active(start_date).exists():
        raise Conflict(
            _("%(r)s is already tagged %(c)s.") % {"r": resident, "c": category},
            field="category",
        )
    return ResidentTag.objects.create(
        resident=resident,
        category=category,
        start_date=start_date,
        note=_text(note, field="note", label=_("Note"), max_length=200, required=False),
        created_by=actor,
    )


@transaction.atomic
def resident_tag_end(*, actor, tag: ResidentTag, end_date: datetime.date | None = None) -> ResidentTag:
    """End a tag; the row stays as history."""
    require_role(actor, *REGISTRY_EDITORS, action=EDIT_ACTION)
    tag = ResidentTag.objects.select_for_update().select_related("resident__household").get(pk=tag.pk)
    _check_in_scope(actor, tag.resident.household.unit_grid_id)
    end_date = end_date or timezone.localdate()
    if tag.end_date is not None:
        raise Conflict(_("This tag has already ended."))
    if end_date < tag.start_date:
        raise InvalidInput(_("A tag cannot end before it starts."), field="end_date")
    tag.end_date, tag.ended_by = end_date, actor
    tag.save(update_fields=["end_date", "ended_by"])
    return tag


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
    return Organisation.objects.create(
        name=_text(name, field="name", label=_("Name"), max_length=100),
        kind=kind,
        credit_code=credit_code.upper(),
        address=_text(address, field="address", label=_("Address"), max_length=200),
        contact_name=_text(contact_name, field="contact_name", label=_("Contact"), max_length=50, required=False),
        building=building,
        **personal_data.seal_phone(contact_phone, field="contact_phone").columns("contact_phone"),
        **_location_fields(found, lon, lat),
    )


# ---- Personal data reveal ----


def _unit_grid_of(obj) -> int:
    return obj.household.unit_grid_id if isinstance(obj, Resident) else obj.unit_grid_id


@transaction.atomic
def personal_data_reveal(*, actor, obj: Resident | Organisation, field: str) -> str:
    """The plain value of one personal-data field, for a role that needs it, logged.

    The log row is written in the same transaction that reads the value: no reveal without
    its row."""
    require_role(actor, *REVEAL_PERSONAL_DATA, action=_("see full ID numbers or phone numbers"))
    fields = PERSONAL_FIELDS.get(type(obj), {})
    if field not in fields:
        raise InvalidInput(_("%(field)s is not a personal-data field.") % {"field": field}, field="field")
    if actor is not None and not scope_for(actor).everything and not actor.is_superuser:
        try:
            _check_in_scope(actor, _unit_grid_of(obj))
        except NotAllowed:
            raise NotFound(_("No such record in your area.")) from None
    value = personal_data.open_value(getattr(obj, f"{field}_cipher"))
    if actor is not None:
        RevealLog.objects.create(
            user=actor,
            content_type=ContentType.objects.get_for_model(type(obj)),
            object_id=obj.pk,
            field=field,
            subject=str(obj)[:100],
        )
    return value


# ---- Cached counts ----


def grid_counts_refresh() -> dict[str, int]:
    """Recompute GridNode.households and .residents on every level from the registry: two
    grouped counts by unit grid, rolled up the tree in memory, one bulk update of the nodes
    whose counts changed. Run after seeding and imports; single writes adjust the counts as
    they go (_bump_counts)."""
    households = dict(Household.objects.values_list("unit_grid_id").annotate(n=Count("id")).order_by())
    residents = dict(Resident.objects.values_list("household__unit_grid_id").annotate(n=Count("id")).order_by())
    nodes = list(GridNode.objects.only("id", "parent_id", "level", "households", "residents"))
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    by_id = {n.id: n for n in nodes}
    for node in nodes:
        if node.level != Level.UNIT_GRID:
            continue
        h, r = households.get(node.id, 0), residents.get(node.id, 0)
        current = node
        while current is not None:
            totals[current.id][0] += h
            totals[current.id][1] += r
            current = by_id.get(current.parent_id)
    changed = []
    for node in nodes:
        h, r = totals.get(node.id, (0, 0))
        if (node.households, node.residents) != (h, r):
            node.households, node.residents = h, r
            changed.append(node)
    GridNode.objects.bulk_update(changed, ["households", "residents"], batch_size=500)
    return {"households": sum(households.values()), "residents": sum(residents.values()), "nodes": len(changed)}
