"""REST API of the grid tree, departments and assignments. Thin: selectors read, services write."""

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov import dates, numbers
from gridgov.errors import InvalidInput, NotFound
from gridgov.params import valid

from . import selectors, services
from .locator import locate
from .models import Assignment, Department, GridNode, Level
from .scopes import scope_for


class GridNodeSerializer(serializers.ModelSerializer):
    child_count = numbers.ApiIntegerField(read_only=True)
    level_label = serializers.CharField(read_only=True)

    class Meta:
        model = GridNode
        fields = [
            "id", "code", "name", "level", "level_label", "parent", "households", "residents", "child_count",
            "min_lon", "min_lat", "max_lon", "max_lat",
        ]  # fmt: skip
        read_only_fields = fields


class NodeRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = GridNode
        fields = ["id", "code", "name", "level"]
        read_only_fields = fields


class GridNodeDetailSerializer(GridNodeSerializer):
    boundary = serializers.JSONField(read_only=True)
    ancestors = serializers.SerializerMethodField()

    class Meta(GridNodeSerializer.Meta):
        fields = [*GridNodeSerializer.Meta.fields, "boundary", "ancestors"]
        read_only_fields = fields

    def get_ancestors(self, node) -> list[dict]:
        return NodeRefSerializer(selectors.visible_ancestors(self.context["request"].user, node), many=True).data


class GridNodeWriteSerializer(serializers.Serializer):
    parent = numbers.ApiIntegerField(required=False, allow_null=True, help_text="parent node id (create only)")
    name = serializers.CharField(max_length=100, required=False)
    code = serializers.CharField(max_length=16, required=False, help_text="leave out to take the next free code")
    boundary = serializers.JSONField(required=False, help_text="GeoJSON Polygon or MultiPolygon, WGS84")


class GridNodeFilter(filters.FilterSet):
    level = filters.TypedChoiceFilter(choices=Level.choices, coerce=int)
    code = filters.CharFilter(field_name="code", lookup_expr="startswith", label="code starts with")
    q = filters.CharFilter(field_name="name", lookup_expr="icontains", label="name contains")

    class Meta:
        model = GridNode
        fields = ["level", "parent", "code", "q"]


class GridNodeViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The grid tree, as far as the caller may see it. Administrators add and redraw nodes."""

    filterset_class = GridNodeFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.action == "list":
            return selectors.node_list(self.request.user)
        # child_count on the detail too: the schema promises it (schemathesis found it missing).
        return selectors.visible_nodes(self.request.user).annotate(child_count=Count("children"))

    def filter_queryset(self, queryset):
        # The list's filters (level, parent, …) must not hide the node a detail action names.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_serializer_class(self):
        if self.action in {"create", "partial_update"}:
            return GridNodeWriteSerializer
        return GridNodeDetailSerializer if self.action == "retrieve" else GridNodeSerializer

    @extend_schema(responses=GridNodeDetailSerializer)
    def create(self, request, *args, **kwargs):
        data = self._valid(request)
        parent = None
        if data.get("parent") is not None:
            parent = get_object_or_404(selectors.visible_nodes(request.user), pk=data["parent"])
        if "name" not in data or "boundary" not in data:
            raise InvalidInput("A new node needs a name and a boundary.")
        node = services.grid_node_create(
            actor=request.user, parent=parent, name=data["name"], boundary=data["boundary"], code=data.get("code")
        )
        return Response(self._detail(node), status=201)

    @extend_schema(responses=GridNodeDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        data = self._valid(request)
        node = services.grid_node_update(
            actor=request.user, node=self.get_object(), name=data.get("name"), boundary=data.get("boundary")
        )
        return Response(self._detail(node))

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    def _valid(self, request) -> dict:
        return valid(GridNodeWriteSerializer, request)

    def _detail(self, node):
        node = selectors.visible_nodes(self.request.user).annotate(child_count=Count("children")).get(pk=node.pk)
        return GridNodeDetailSerializer(node, context=self.get_serializer_context()).data

    @extend_schema(responses=GridNodeSerializer(many=True))
    @action(detail=True)
    def children(self, request, pk=None):
        node = self.get_object()
        qs = selectors.node_list(request.user).filter(parent=node)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(GridNodeSerializer(page, many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("depth", int, description="levels below the node (default 1, at most 4)")],
        responses=OpenApiTypes.OBJECT,
    )
    @action(detail=True)
    def tree(self, request, pk=None):
        """The node and its descendants, nested, down to `depth` levels."""
        depth = _int_param(request, "depth", default=1, low=0, high=4)
        return Response(selectors.nested_tree(request.user, self.get_object(), depth))

    @extend_schema(
        parameters=[OpenApiParameter("level", int, description="the level to draw (default: the children's)")],
        responses=OpenApiTypes.OBJECT,
    )
    @action(detail=True)
    def geojson(self, request, pk=None):
        """The node's descendants at one level as a GeoJSON FeatureCollection."""
        node = self.get_object()
        level = _int_param(request, "level", default=min(node.level + 1, Level.UNIT_GRID), low=0, high=4)
        return Response(selectors.subtree_features(request.user, node, level))


def _int_param(request, name: str, *, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput(_("%(name)s must be a whole number.") % {"name": name}, field=name) from None
    if not low <= value <= high:
        raise InvalidInput(
            _("%(name)s must be between %(low)s and %(high)s.") % {"name": name, "low": low, "high": high}, field=name
        )
    return value


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "code", "name", "is_active"]
        read_only_fields = fields


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DepartmentSerializer

    def get_queryset(self):
        return selectors.visible_departments(self.request.user)


class AssignmentSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    user_name = serializers.CharField(source="user.name", read_only=True)
    node = NodeRefSerializer(read_only=True)
    department = DepartmentSerializer(read_only=True, allow_null=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id", "user", "username", "user_name", "role", "role_label", "node", "department",
            "valid_from", "valid_to", "note",
        ]  # fmt: skip
        read_only_fields = fields


class AssignmentCreateSerializer(serializers.Serializer):
    user = numbers.ApiIntegerField()
    role = serializers.CharField()
    node = numbers.ApiIntegerField(required=False, allow_null=True)
    department = numbers.ApiIntegerField(required=False, allow_null=True)
    valid_from = dates.ApiDateField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class AssignmentEndSerializer(serializers.Serializer):
    valid_to = dates.ApiDateField(required=False, help_text="the first day it no longer holds (default today)")


class AssignmentFilter(filters.FilterSet):
    active = filters.BooleanFilter(method="filter_active")
    node = filters.NumberFilter(field_name="node_id")

    class Meta:
        model = Assignment
        fields = ["user", "role", "node", "department", "active"]

    def filter_active(self, queryset, name, value):
        active = queryset.active()
        return active if value else queryset.exclude(pk__in=active.values("pk"))


class AssignmentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Who holds which post, now and in the past. Administrators start and end them."""

    filterset_class = AssignmentFilter
    serializer_class = AssignmentSerializer

    def get_queryset(self):
        return selectors.visible_assignments(self.request.user)

    @extend_schema(request=AssignmentCreateSerializer, responses=AssignmentSerializer)
    def create(self, request, *args, **kwargs):
        form = AssignmentCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        user = get_user_model().objects.filter(pk=data["user"]).first()
        if user is None:
            raise NotFound(f"No user {data['user']}.")
        node = department = None
        if data.get("node"):
            node = get_object_or_404(selectors.visible_nodes(request.user), pk=data["node"])
        if data.get("department"):
            department = get_object_or_404(selectors.visible_departments(request.user), pk=data["department"])
        assignment = services.assignment_start(
            actor=request.user,
            user=user,
            role=data["role"],
            node=node,
            department=department,
            valid_from=data.get("valid_from"),
            note=data.get("note", ""),
        )
        return Response(AssignmentSerializer(assignment).data, status=201)

    @extend_schema(request=AssignmentEndSerializer, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        form = AssignmentEndSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        assignment = services.assignment_end(
            actor=request.user, assignment=self.get_object(), valid_to=form.validated_data.get("valid_to")
        )
        return Response(AssignmentSerializer(assignment).data)


class LocateView(APIView):
    """Which unit grid holds a point (WGS84)."""

    @extend_schema(
        parameters=[OpenApiParameter("lon", float, required=True), OpenApiParameter("lat", float, required=True)],
        responses=inline_serializer(
            "Located",
            {
                "unit_grid": NodeRefSerializer(),
                "base_grid_id": numbers.ApiIntegerField(),
                "community_id": numbers.ApiIntegerField(),
                "street_id": numbers.ApiIntegerField(),
            },
        ),
    )
    def get(self, request):
        found = locate(request.query_params.get("lon"), request.query_params.get("lat"))
        node = selectors.visible_nodes(request.user).filter(pk=found.unit_grid_id).first()
        if node is None:
            raise NotFound(_("That point lies outside your area."))
        return Response(
            {
                "unit_grid": NodeRefSerializer(node).data,
                "base_grid_id": found.base_grid_id,
                "community_id": found.community_id,
                "street_id": found.street_id,
            }
        )


class BaseMapView(APIView):
    """The base map drawn under every map: district, street and community outlines with their
    names and label points. Administrative geography, the same for everyone with a post or a
    department (see selectors.base_map); browsers keep it and revalidate by ETag."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        if scope_for(request.user).is_empty:
            raise NotFound(_("You hold no post: there is no map for you."))
        version = selectors.base_map_version()
        etag = f'"{version}"'
        cached = get_conditional_response(request, etag=etag)
        response = cached if cached is not None else Response(selectors.base_map(version))
        response["ETag"] = etag
        # private: only signed-in users get it; no-cache: the browser asks again each time
        # (a 304 when nothing changed), so a redrawn boundary shows on the next page.
        patch_cache_control(response, private=True, no_cache=True)
        return response
