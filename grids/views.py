from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from . import sections, selectors
from .models import Level
from .roles import Role
from .scopes import scope_for
from .sections import section_page

# Where each role starts its day: the first of its roles in this order wins (a user holding
# two posts starts at the more central one). Each target is a section the role may open.
LANDING: tuple[tuple[str, str, str], ...] = (
    (Role.COMMAND_CENTER, "dashboard", ""),  # 态势: the district at a glance
    (Role.SUPERVISION, "dashboard", ""),
    (Role.HOTLINE, "appeal-hotline", ""),
    (Role.AUDITOR, "funding-reports", "status=submitted"),  # reports awaiting review
    (Role.STREET_OFFICE, "appeal-queue", ""),
    (Role.DEPARTMENT, "appeal-queue", ""),
    (Role.COMMUNITY, "appeal-queue", ""),
    (Role.GRID_MANAGER, "grid-worker-home", ""),
    (Role.GRID_ASSISTANT, "grid-worker-home", ""),
    (Role.CADRE, "visits-home", ""),
)


def landing_url(user) -> str | None:
    """The page a user lands on after signing in: their role's work; admins their areas;
    None for a user with no post at all."""
    scope = scope_for(user)
    for role, name, query in LANDING:
        if scope.has_role(role) and sections.can_open(user, name):
            return reverse(name) + (f"?{query}" if query else "")
    if sections.can_open(user, "grid-home"):
        return reverse("grid-home")
    return None


PAGE_SIZE = 50


@login_required
def home(request):
    """Straight to the user's work (LANDING); a user with no post is told so."""
    url = landing_url(request.user)
    if url is None:
        return render(request, "grids/home.html", {"roots": []})
    return redirect(url)


@section_page("grid-home")
def grid_home(request):
    """Straight to the user's own node; a list when they hold posts on several."""
    roots = selectors.root_nodes(request.user)
    if len(roots) == 1:
        return redirect("grid-node", pk=roots[0].pk)
    return render(request, "grids/home.html", {"roots": roots})


@login_required
def node_detail(request, pk: int):
    node = get_object_or_404(selectors.visible_nodes(request.user).defer("boundary"), pk=pk)
    children = selectors.node_list(request.user).filter(parent=node)
    return render(
        request,
        "grids/node.html",
        {
            "node": node,
            "ancestors": selectors.visible_ancestors(request.user, node),
            "children": children,
            "child_level": Level(node.level + 1).label if node.level < Level.UNIT_GRID else None,
            "draw_level": min(node.level + 1, Level.UNIT_GRID),
            "staff": selectors.node_staff(request.user, node),
            "band": selectors.household_bands().get(node.level),
        },
    )


@login_required
def without_staff(request):
    """Base grids without a grid manager and unit grids without a grid assistant today."""
    page = Paginator(selectors.grids_without_staff(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(n, Role(selectors.REQUIRED_POST[n.level]).label) for n in page.object_list]
    return render(request, "grids/without_staff.html", {"page": page, "rows": rows})


@login_required
def outside_band(request):
    """Grids whose households lie outside their level's band (base 500–800, unit 100–250)."""
    level = request.GET.get("level", "")
    level = int(level) if level in {str(lv) for lv in selectors.household_bands()} else None
    side = request.GET.get("side", "")
    side = side if side in ("below", "above") else ""
    qs = selectors.grids_outside_band(request.user, level=level, side=side)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    by_level = selectors.household_bands()
    bands = [(lv, Level(lv).label, low, high) for lv, (low, high) in sorted(by_level.items())]
    rows = [(n, *by_level[n.level]) for n in page.object_list]
    query = urlencode({k: v for k, v in (("level", level or ""), ("side", side)) if v})
    return render(
        request,
        "grids/outside_band.html",
        {"page": page, "rows": rows, "bands": bands, "level": level, "side": side, "base_query": query},
    )
