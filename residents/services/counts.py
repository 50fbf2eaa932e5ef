"""The grids' cached household and resident counts."""

from collections import defaultdict

from django.db.models import Count

from grids.models import GridNode, Level

from ..models import (
    Household,
    Resident,
)

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
