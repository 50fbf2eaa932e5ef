"""Helpers every registry write shares: text checks, the scope check, placing a point, the cached counts."""

from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.scopes import scope_for
from gridgov.errors import NotAllowed
from gridgov.text import clean_text
from grids.locator import Located, locate
from grids.models import GridNode

# Lazy: formatted into refusals in the language of the request, not of the import.
EDIT_ACTION = gettext_lazy("edit the residents registry")


def _text(value, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    # Required unless told: the registry's fields mostly are.
    return clean_text(value, field=field, label=label, max_length=max_length, required=required)


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
