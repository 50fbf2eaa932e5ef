from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from . import selectors
from .models import Level


@login_required
def home(request):
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
        },
    )
