"""REST API of the registry. Thin: selectors read (scoped), services write (checked).

Personal data leaves only masked (`id_number_masked`, `phone_masked`); the `reveal` actions
return one plain value to a role allowed to see it and log the reveal.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov import personal_data
from gridgov.errors import InvalidInput
from gridgov.params import node_param, valid

from .. import selectors, services
from ..models import Organisation, SpecialCategory
from .serializers import (
    BuildingSerializer,
    BuildingWriteSerializer,
    CategorySerializer,
    HouseholdDetailSerializer,
    HouseholdSerializer,
    HouseholdWriteSerializer,
    OrganisationSerializer,
    OrganisationWriteSerializer,
    ResidentLookupSerializer,
    ResidentSerializer,
    ResidentWriteSerializer,
    RevealResponse,
    RevealSerializer,
    TagAddSerializer,
    TagEndSerializer,
    TagSerializer,
)

NODE = OpenApiParameter("node", int, description="only this grid node's subtree")
Q_PARAM = OpenApiParameter("q", str, description="address, household number or head's name (start)")
TAG = OpenApiParameter("tag", str, description="special-population category code (active tags)")


# ---- Views ----


class RevealMixin:
    """POST <pk>/reveal/ on a viewset of rows with personal data (residents, organisations)."""

    @extend_schema(request=RevealSerializer, responses=RevealResponse)
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """One personal-data value in full, for roles with the reveal right; logged."""
        data = valid(RevealSerializer, request)
        field = data["field"]
        value = services.personal_data_reveal(
            actor=request.user, obj=self.get_object(), field=field, reason=data["reason"]
        )
        return Response({"field": field, "value": value})


class CategoryViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Special-population categories and their follow-up rules (editable data)."""

    serializer_class = CategorySerializer
    queryset = SpecialCategory.objects.all()
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create(self, request, *args, **kwargs):
        data = valid(CategorySerializer, request)
        category = services.category_create(actor=request.user, **{k: v for k, v in data.items() if k != "is_active"})
        return Response(CategorySerializer(category).data, status=201)

    def partial_update(self, request, *args, **kwargs):
        data = valid(CategorySerializer, request, partial=True)
        data.pop("code", None)
        category = services.category_update(actor=request.user, category=self.get_object(), **data)
        return Response(CategorySerializer(category).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)


class HouseholdViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Households in the caller's area."""

    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.action == "list":
            request = self.request
            return selectors.household_list(
                request.user,
                node=node_param(request),
                q=request.query_params.get("q", "").strip(),
                tag=request.query_params.get("tag", "").strip(),
            )
        return selectors.visible_households(self.request.user)

    def get_serializer_class(self):
        return HouseholdDetailSerializer if self.action == "retrieve" else HouseholdSerializer

    @extend_schema(parameters=[NODE, Q_PARAM, TAG])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        household = selectors.household_detail(request.user, self.get_object().pk)
        return Response(HouseholdDetailSerializer(household).data)

    def _building(self, data):
        if data.get("building") is None:
            return None
        return get_object_or_404(selectors.visible_buildings(self.request.user), pk=data["building"])

    @extend_schema(request=HouseholdWriteSerializer, responses=HouseholdDetailSerializer)
    def create(self, request, *args, **kwargs):
        data = valid(HouseholdWriteSerializer, request)
        if "address" not in data or "lon" not in data or "lat" not in data:
            raise InvalidInput(_("A new household needs an address, a longitude and a latitude."))
        household = services.household_create(
            actor=request.user,
            address=data["address"],
            lon=data["lon"],
            lat=data["lat"],
            building=self._building(data),
            number=data.get("number"),
        )
        return Response(HouseholdDetailSerializer(selectors.household_detail(request.user, household.pk)).data, 201)

    @extend_schema(request=HouseholdWriteSerializer, responses=HouseholdDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        data = valid(HouseholdWriteSerializer, request)
        household = services.household_update(
            actor=request.user,
            household=self.get_object(),
            address=data.get("address"),
            lon=data.get("lon"),
            lat=data.get("lat"),
            building=self._building(data),
        )
        return Response(HouseholdDetailSerializer(selectors.household_detail(request.user, household.pk)).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(
        parameters=[OpenApiParameter("bbox", str, required=True, description="min_lon,min_lat,max_lon,max_lat")],
        responses=OpenApiTypes.OBJECT,
    )
    @action(detail=False, url_path="in-bbox", pagination_class=None)
    def in_bbox(self, request):
        """The household map's markers for a viewport: households with their tag codes, or
        (past 2,000) clusters of counts. A constant number of queries."""
        box = selectors.BBox.parse(request.query_params.get("bbox"))
        return Response(selectors.households_in_bbox(request.user, box))


class ResidentViewSet(RevealMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Residents in the caller's area, with masked ID numbers and phones."""

    serializer_class = ResidentSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        request = self.request
        if self.action in ("list", "lookup"):
            # ID numbers and phones only from a POST body (lookup): never in a URL.
            personal_data.refuse_in_url(request.query_params)
            fake = getattr(self, "swagger_fake_view", False)  # the schema generator has no body
            exact = valid(ResidentLookupSerializer, request) if self.action == "lookup" and not fake else {}
            if exact and not (exact["id_number"].strip() or exact["phone"].strip()):
                raise InvalidInput(_("Give an ID number or a phone to look up."), field="id_number")
            household = request.query_params.get("household", "")
            return selectors.resident_list(
                request.user,
                node=node_param(request),
                q=request.query_params.get("q", "").strip(),
                id_number=exact.get("id_number", "").strip(),
                phone=exact.get("phone", "").strip(),
                tag=request.query_params.get("tag", "").strip(),
                household=int(household) if household.isdigit() else None,
            )
        return (
            selectors.visible_residents(request.user)
            .select_related("household")
            .prefetch_related(selectors.active_tags_prefetch())
        )

    @extend_schema(
        parameters=[
            NODE,
            OpenApiParameter("q", str, description="name (start) or address"),
            TAG,
            OpenApiParameter("household", int),
        ]
    )
    def list(self, request, *args, **kwargs):
        """Residents in the caller's area. Sending id_number or phone here is a 400: look those
        up with POST lookup/."""
        return super().list(request, *args, **kwargs)

    @extend_schema(
        parameters=[NODE, OpenApiParameter("q", str), TAG, OpenApiParameter("household", int)],
        request=ResidentLookupSerializer,
        responses=ResidentSerializer(many=True),
    )
    @action(detail=False, methods=["post"])
    def lookup(self, request):
        """Exact look-up by ID number and/or phone (matched by their keyed hashes), in the POST
        body so that neither is written to a URL or an access log; paginated like the list."""
        return super().list(request)

    def _fresh(self, resident):
        return ResidentSerializer(self.get_queryset().get(pk=resident.pk)).data

    @extend_schema(request=ResidentWriteSerializer, responses=ResidentSerializer)
    def create(self, request, *args, **kwargs):
        data = valid(ResidentWriteSerializer, request)
        if "household" not in data or "name" not in data:
            raise InvalidInput(_("A new resident needs a household and a name."))
        household = get_object_or_404(selectors.visible_households(request.user), pk=data.pop("household"))
        resident = services.resident_create(actor=request.user, household=household, **data)
        return Response(self._fresh(resident), status=201)

    @extend_schema(request=ResidentWriteSerializer, responses=ResidentSerializer)
    def partial_update(self, request, *args, **kwargs):
        data = valid(ResidentWriteSerializer, request)
        data.pop("household", None)
        resident = services.resident_update(actor=request.user, resident=self.get_object(), **data)
        return Response(self._fresh(resident))

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(request=TagAddSerializer, responses=TagSerializer)
    @action(detail=True, methods=["post"])
    def tags(self, request, pk=None):
        """Put the resident in a special-population category."""
        data = valid(TagAddSerializer, request)
        tag = services.resident_tag_add(actor=request.user, resident=self.get_object(), **data)
        return Response(TagSerializer(tag).data, status=201)


class TagViewSet(viewsets.ReadOnlyModelViewSet):
    """Special-population tags in the caller's area, current and ended."""

    serializer_class = TagSerializer

    def get_queryset(self):
        qs = selectors.tag_list(self.request.user)
        if self.action == "list":
            if code := self.request.query_params.get("category"):
                qs = qs.filter(category__code=code)
            if self.request.query_params.get("active") in {"1", "true"}:
                qs = qs.active()
        return qs

    @extend_schema(
        parameters=[OpenApiParameter("category", str), OpenApiParameter("active", bool, description="current only")]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=TagEndSerializer, responses=TagSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        data = valid(TagEndSerializer, request)
        tag = services.resident_tag_end(actor=request.user, tag=self.get_object(), end_date=data.get("end_date"))
        return Response(TagSerializer(tag).data)


class BuildingViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = BuildingSerializer

    def get_queryset(self):
        qs = selectors.visible_buildings(self.request.user).order_by("id")
        return selectors.in_node(qs, node_param(self.request)) if self.action == "list" else qs

    @extend_schema(parameters=[NODE])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=BuildingWriteSerializer, responses=BuildingSerializer)
    def create(self, request, *args, **kwargs):
        building = services.building_create(actor=request.user, **valid(BuildingWriteSerializer, request))
        return Response(BuildingSerializer(building).data, status=201)


class OrganisationViewSet(RevealMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Enterprises, shops and social organisations in the caller's area."""

    serializer_class = OrganisationSerializer

    def get_queryset(self):
        qs = selectors.visible_organisations(self.request.user).order_by("id")
        if self.action == "list":
            qs = selectors.in_node(qs, node_param(self.request))
            if kind := self.request.query_params.get("kind"):
                qs = qs.filter(kind=kind)
        return qs

    @extend_schema(parameters=[NODE, OpenApiParameter("kind", str, enum=Organisation.Kind.values)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=OrganisationWriteSerializer, responses=OrganisationSerializer)
    def create(self, request, *args, **kwargs):
        organisation = services.organisation_create(actor=request.user, **valid(OrganisationWriteSerializer, request))
        return Response(OrganisationSerializer(organisation).data, status=201)


class AreasView(APIView):
    """The household map's polygons: one level's grid nodes inside a viewport, with measures."""

    @extend_schema(
        parameters=[
            OpenApiParameter("bbox", str, required=True, description="min_lon,min_lat,max_lon,max_lat"),
            OpenApiParameter("level", int, required=True, description="1 street … 4 unit grid"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        box = selectors.BBox.parse(request.query_params.get("bbox"))
        raw = request.query_params.get("level", "")
        if not raw.isdigit():
            raise InvalidInput(_("level must be 1 (street) to 4 (unit grid)."), field="level")
        return Response(selectors.area_features(request.user, box, int(raw)))
