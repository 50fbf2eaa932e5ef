"""The one "in this node" filter (grids.scopes.in_node_q / LocatedQuerySet.in_node) on the
stored street / community / unit grid columns agrees with the tree itself, at every level."""

import pytest

from grids.models import GridNode
from grids.scopes import scope_for
from residents.models import Household, Resident
from residents.selectors import in_node

pytestmark = pytest.mark.django_db


def test_a_nodes_located_rows_are_exactly_those_whose_unit_grid_lies_in_its_subtree(registry):
    for node in GridNode.objects.all():
        units = node.get_descendants(include_self=True)
        expected = set(Household.objects.filter(unit_grid__in=units).values_list("pk", flat=True))
        assert set(Household.objects.in_node(node).values_list("pk", flat=True)) == expected, node.code
        residents = set(Resident.objects.filter(household__unit_grid__in=units).values_list("pk", flat=True))
        found = in_node(Resident.objects.all(), node, prefix="household__")
        assert set(found.values_list("pk", flat=True)) == residents
    assert Household.objects.in_node(None).count() == Household.objects.count()


def test_visible_to_is_the_users_located_scope(registry, people):
    for user in (people.center, people.zhongxin, people.shuiguo, people.grid_manager, people.nobody):
        expected = Household.objects.filter(scope_for(user).located_q())
        assert set(Household.objects.visible_to(user)) == set(expected)
