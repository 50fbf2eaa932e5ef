from collections import Counter

import pytest
import shapely
from shapely import geometry as geom

from gridgov.personal_data import open_value, parse_id_number
from grids.models import GridNode, Level
from residents.models import Household, Resident, ResidentTag, SpecialCategory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_small_district")]


def test_small_seed_puts_a_few_households_in_every_unit_grid_inside_its_polygon():
    units = {n.pk: geom.shape(n.boundary) for n in GridNode.objects.filter(level=Level.UNIT_GRID)}
    per_unit = Counter(Household.objects.values_list("unit_grid_id", flat=True))
    assert set(per_unit) == set(units)
    assert all(2 <= n <= 4 for n in per_unit.values())
    rows = list(Household.objects.values_list("unit_grid_id", "lon", "lat", "community_id", "street_id"))
    shapes = [units[r[0]] for r in rows]
    assert shapely.covers(shapes, shapely.points([(r[1], r[2]) for r in rows])).all()
    parents = dict(GridNode.objects.values_list("id", "parent_id"))
    assert all(parents[parents[u]] == c and parents[c] == s for u, _x, _y, c, s in rows)

    district = GridNode.objects.get(level=Level.DISTRICT)
    assert district.households == len(rows)
    assert district.residents == Resident.objects.count()
    assert not Household.objects.filter(head__isnull=True).exists()
    assert SpecialCategory.objects.count() == 8
    assert ResidentTag.objects.exists()
    for resident in Resident.objects.order_by("?")[:50]:
        parsed = parse_id_number(open_value(resident.id_number_cipher))
        assert (parsed.birth_date, parsed.sex) == (resident.birth_date, resident.sex)
