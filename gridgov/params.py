"""Reading a request's input, one way everywhere (pages and API alike).

- `valid(serializer_class, request)`: the serializer's validated data, or a 400 naming the fields.
- `node_param(request)`: `?node=` as a grid node the user sees. Absent: None; not an id: 400
  with a message (`InvalidInput`); a node outside the user's scope, or none at all: 404
  (`NotFound`), the same answer either way so an id reveals nothing.
- `start_node(request)`: `?node=`, else the user's own area (their first root), else the district.
"""

from django.utils.translation import gettext as _

from gridgov.errors import InvalidInput, NotFound
from gridgov.ids import as_id


def valid(serializer_class, request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def visible_node(user, raw, *, field: str = "node"):
    """The grid node `raw` names among those the user sees; None when `raw` is empty."""
    from grids.selectors import visible_nodes

    if raw in (None, ""):
        return None
    pk = as_id(raw)
    if pk is None:
        raise InvalidInput(_("%(field)s must be a grid node id.") % {"field": field}, field=field)
    node = visible_nodes(user).defer("boundary").filter(pk=pk).first()
    if node is None:
        raise NotFound(_("No grid node %(id)s in your area.") % {"id": pk}, field=field)
    return node


def node_param(request, name: str = "node"):
    params = getattr(request, "query_params", request.GET)
    return visible_node(request.user, params.get(name, ""), field=name)


def start_node(request, name: str = "node"):
    from grids.models import GridNode
    from grids.selectors import root_nodes

    node = node_param(request, name)
    if node is not None:
        return node
    roots = root_nodes(request.user)
    if roots:
        return roots[0]
    return GridNode.objects.defer("boundary").get(level=0)
