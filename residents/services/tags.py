"""Special-population categories and the tags that put residents in them."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.roles import CATEGORY_EDITORS, REGISTRY_EDITORS, Role
from accounts.scopes import require_role
from audit import services as audit
from gridgov.dates import check_date
from gridgov.errors import Conflict, InvalidInput

from ..models import (
    Resident,
    ResidentTag,
    SpecialCategory,
)
from .common import EDIT_ACTION, _check_in_scope, _text

# ---- Special-population categories and tags ----

# Tags recomputed per statement by tag_next_visit_refresh: one grouped read and one
# bulk_update of this many rows (well under SQLite's bound-parameter limit).
REFRESH_BATCH = 2000


def next_visit_due(*, start_date: datetime.date, last_visit: datetime.date | None, interval_days: int) -> datetime.date:
    """When a tag's next follow-up is due (下次随访): from the day the tag started until it is
    first followed up, then its latest follow-up's date + the category's interval."""
    if last_visit is None:
        return start_date
    return last_visit + datetime.timedelta(days=interval_days)


def tag_next_visit_refresh(*, tag_ids: Iterable[int]) -> int:
    """Recompute `ResidentTag.next_visit_on` of these tags from their follow-ups and their
    category's interval; returns how many changed.

    Follow-ups are read through the reverse relation `followups` (visits.FollowUp), so the
    registry needs no import of the visits app. Computed here in Python, in batches: date
    arithmetic on a column differs between SQLite and PostgreSQL. The callers lock the tags
    (visit_record, category_update) or own them (the seed), so this is the one place the rule
    is written as a recomputation; `next_visit_due` is the rule itself."""
    ids = sorted(set(tag_ids))
    changed = 0
    for i in range(0, len(ids), REFRESH_BATCH):
        batch = ids[i : i + REFRESH_BATCH]
        rows = (
            ResidentTag.objects.filter(pk__in=batch)
            .values_list("pk", "start_date", "next_visit_on", "category__visit_interval_days")
            .annotate(last=Max("followups__visited_on"))
            .order_by()
        )
        updates = []
        for pk, start_date, current, interval, last in rows:
            due = next_visit_due(start_date=start_date, last_visit=last, interval_days=interval)
            if due != current:
                updates.append(ResidentTag(pk=pk, next_visit_on=due))
        ResidentTag.objects.bulk_update(updates, ["next_visit_on"], batch_size=REFRESH_BATCH)
        changed += len(updates)
    return changed


def _category_fields(*, name, symbol, color, responsible_role, visit_interval_days) -> dict:
    fields = {}
    if name is not None:
        fields["name"] = _text(name, field="name", label=pgettext("name of a thing", "Name"), max_length=50)
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


# What the audit trail records of each.
CATEGORY_FIELDS = ("code", "name", "symbol", "color", "responsible_role", "visit_interval_days", "is_active")
TAG_FIELDS = ("resident", "category", "start_date", "end_date")


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
    category = SpecialCategory.objects.create(code=code, sort_order=sort_order, **fields)
    audit.record(actor=actor, action="create", obj=category, changes=audit.created(category, CATEGORY_FIELDS))
    return category


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
    interval_changed = "visit_interval_days" in fields and fields["visit_interval_days"] != category.visit_interval_days
    before = audit.snapshot(category, CATEGORY_FIELDS)
    for key, value in fields.items():
        setattr(category, key, value)
    if fields:
        category.save(update_fields=list(fields))
        if changes := audit.diff(before, audit.snapshot(category, CATEGORY_FIELDS)):
            audit.record(actor=actor, action="update", obj=category, changes=changes)
    if interval_changed:
        # Every followed-up tag of the category is now due on another day. The tags are locked
        # first (in pk order, as visit_record locks them) so that a follow-up being recorded
        # meanwhile is either seen here or recomputed after this commits with the new interval.
        ids = list(
            ResidentTag.objects.select_for_update()
            .filter(category=category)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        tag_next_visit_refresh(tag_ids=ids)
    return category


def first_visit_due(start_date: datetime.date) -> datetime.date:
    """A tag never followed up yet is due from the day it starts."""
    return start_date


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
    start_date = check_date(start_date, field="start_date") or timezone.localdate()
    if resident.tags.filter(category=category).active(start_date).exists():
        raise Conflict(
            _("%(r)s is already tagged %(c)s.") % {"r": resident, "c": category},
            field="category",
        )
    household = resident.household
    tag = ResidentTag.objects.create(
        resident=resident,
        unit_grid_id=household.unit_grid_id,
        community_id=household.community_id,
        street_id=household.street_id,
        category=category,
        start_date=start_date,
        next_visit_on=first_visit_due(start_date),
        note=_text(note, field="note", label=_("Note"), max_length=200, required=False),
        created_by=actor,
    )
    audit.record(actor=actor, action="create", obj=tag, changes=audit.created(tag, TAG_FIELDS), reason=tag.note)
    return tag


@transaction.atomic
def resident_tag_end(*, actor, tag: ResidentTag, end_date: datetime.date | None = None) -> ResidentTag:
    """End a tag; the row stays as history."""
    require_role(actor, *REGISTRY_EDITORS, action=EDIT_ACTION)
    tag = ResidentTag.objects.select_for_update().select_related("resident__household").get(pk=tag.pk)
    _check_in_scope(actor, tag.resident.household.unit_grid_id)
    end_date = check_date(end_date, field="end_date") or timezone.localdate()
    if tag.end_date is not None:
        raise Conflict(_("This tag has already ended."))
    if end_date < tag.start_date:
        raise InvalidInput(_("A tag cannot end before it starts."), field="end_date")
    tag.end_date, tag.ended_by = end_date, actor
    tag.save(update_fields=["end_date", "ended_by"])
    audit.record(actor=actor, action="end", obj=tag, changes={"end_date": [None, end_date]})
    return tag
