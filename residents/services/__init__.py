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

from .common import place
from .counts import grid_counts_refresh
from .households import (
    building_create,
    household_create,
    household_update,
    organisation_create,
    resident_create,
    resident_update,
)
from .reveal import personal_data_reveal
from .tags import (
    category_create,
    category_update,
    next_visit_due,
    resident_tag_add,
    resident_tag_end,
    tag_next_visit_refresh,
)

__all__ = [
    "building_create",
    "category_create",
    "category_update",
    "grid_counts_refresh",
    "household_create",
    "household_update",
    "next_visit_due",
    "organisation_create",
    "personal_data_reveal",
    "place",
    "resident_create",
    "resident_tag_add",
    "resident_tag_end",
    "resident_update",
    "tag_next_visit_refresh",
]
