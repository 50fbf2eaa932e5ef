"""REST API of the visits app. Thin: selectors read (scoped), services write (checked)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from gridgov.errors import InvalidInput
from gridgov.params import node_param, start_node, valid
from grids.models import GridNode
from grids.scopes import scope_for
from residents.models import Household, Resident, ResidentTag

from . import selectors, services
from .models import Campaign, CampaignAssignment, DiaryEntry, ProxyService, Visit
from .serializers import (
    CampaignAssignmentChangeSerializer,
    CampaignAssignmentSerializer,
    CampaignSerializer,
    CampaignWriteSerializer,
    CoverageRowSerializer,
    CoverageSerializer,
    DiarySerializer,
    DueVisitSerializer,
    ProxyFinishSerializer,
    ProxyServiceSerializer,
    VisitDetailSerializer,
    VisitSerializer,
    VisitWriteSerializer,
)

NODE = OpenApiParameter("node", int, description="grid node (default: the district, or your area)")
CAMPAIGN = OpenApiParameter("campaign", int, description="campaign id", required=True)


def _int_param(request, name: str, *, required: bool = False) -> int | None:
    raw = request.query_params.get(name, "")
    if not raw:
        if required:
            raise InvalidInput(_("%(name)s is required.") % {"name": name}, field=name)
        return None
    if not raw.isdigit():
        raise InvalidInput(_("%(name)s must be an id.") % {"name": name}, field=name)
    return int(raw)


class CampaignViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Visit campaigns (集中走访) overlapping the caller's area, or in which they are a cadre."""

    queryset = Campaign.objects.none()  # for the schema; get_queryset scopes every request

    serializer_class = CampaignSerializer

    def get_queryset(self):
        return selectors.campaigns(self.request.user)

    @extend_schema(request=CampaignWriteSerializer, responses={201: CampaignSerializer})
    def create(self, request):
        data = valid(CampaignWriteSerializer, request)
        node = get_object_or_404(GridNode.objects.defer("boundary"), pk=data["scope_node"])
        campaign = services.campaign_create(
            actor=request.user,
            name=data["name"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            scope_node=node,
            cadres=data["cadres"],
        )
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: {"type": "object", "properties": {"assigned": {"type": "integer"}}}})
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """Assign the area's unassigned households to the cadres, balanced by grid."""
        count = services.campaign_assign_balanced(actor=request.user, campaign=self.get_object())
        return Response({"assigned": count})

    @extend_schema(parameters=[NODE], responses=CoverageSerializer)
    @action(detail=True)
    def coverage(self, request, pk=None):
        """Visited / assigned households in a node and each of its children."""
        total, rows = selectors.coverage_by_node(request.user, self.get_object(), start_node(request))
        return Response(CoverageSerializer({"total": total, "rows": rows}).data)

    @extend_schema(parameters=[NODE], responses=CoverageRowSerializer(many=True))
    @action(detail=True, url_path="coverage-by-cadre", pagination_class=None)
    def coverage_by_cadre(self, request, pk=None):
        rows = selectors.coverage_by_cadre(request.user, self.get_object(), node_param(request))
        return Response(CoverageRowSerializer(rows, many=True).data)

    @extend_schema(responses=CampaignAssignmentSerializer(many=True))
    @action(detail=True)
    def mine(self, request, pk=None):
        """The caller's own households in this campaign, not yet visited first."""
        page = self.paginate_queryset(selectors.my_households(request.user, self.get_object()))
        return self.get_paginated_response(CampaignAssignmentSerializer(page, many=True).data)

    @extend_schema(parameters=[NODE], responses=CampaignAssignmentSerializer(many=True))
    @action(detail=True)
    def unvisited(self, request, pk=None):
        """Households of the campaign not visited yet, in the caller's area."""
        qs = selectors.unvisited_assignments(request.user, self.get_object(), node_param(request))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(CampaignAssignmentSerializer(page, many=True).data)


class AssignmentViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """A campaign's household → cadre assignments (包户), editable by campaign managers."""

    queryset = CampaignAssignment.objects.none()  # for the schema; get_queryset scopes every request

    serializer_class = CampaignAssignmentSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        campaign_id = _int_param(self.request, "campaign")
        campaigns = selectors.campaigns(self.request.user)
        qs = CampaignAssignment.objects.filter(campaign__in=campaigns.values("pk"))
        if campaign_id:
            qs = qs.filter(campaign_id=campaign_id)
        from django.db.models import Q

        return (
            qs.filter(scope_for(self.request.user).located_q() | Q(cadre=self.request.user))
            .select_related("household", "cadre", "unit_grid")
            .order_by("unit_grid__code", "household__number")
        )

    @extend_schema(parameters=[OpenApiParameter("campaign", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=CampaignAssignmentChangeSerializer, responses=CampaignAssignmentSerializer)
    def partial_update(self, request, pk=None):
        data = valid(CampaignAssignmentChangeSerializer, request)
        from django.contrib.auth import get_user_model

        cadre = get_object_or_404(get_user_model(), pk=data["cadre"])
        assignment = services.campaign_assignment_change(actor=request.user, assignment=self.get_object(), cadre=cadre)
        return Response(CampaignAssignmentSerializer(assignment).data)


class VisitViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Visits in the caller's area (and the caller's own), with the opinions and their appeals."""

    queryset = Visit.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self):
        return selectors.visits(self.request.user)

    def get_serializer_class(self):
        return VisitDetailSerializer if self.action == "retrieve" else VisitSerializer

    def retrieve(self, request, pk=None):
        try:
            visit = selectors.visit_detail(request.user, int(pk))
        except (Visit.DoesNotExist, ValueError):
            from django.http import Http404

            raise Http404 from None
        return Response(VisitDetailSerializer(visit).data)

    @extend_schema(request=VisitWriteSerializer, responses={201: VisitDetailSerializer})
    def create(self, request):
        data = valid(VisitWriteSerializer, request)
        household = get_object_or_404(Household, pk=data["household"])
        campaign = None
        if data["campaign"]:
            campaign = get_object_or_404(Campaign, pk=data["campaign"])
        tags = list(ResidentTag.objects.filter(pk__in=data["followed_tags"]))
        if len(tags) != len(set(data["followed_tags"])):
            raise InvalidInput(_("There is no such tag."), field="followed_tags")
        visit = services.visit_record(
            actor=request.user,
            household=household,
            visited_on=data["visited_on"],
            met=data["met"],
            notes=data["notes"],
            campaign=campaign,
            followed_tags=tags,
            opinions=[services.OpinionInput(o.get("module"), o["text"]) for o in data["opinions"]],
        )
        visit = selectors.visit_detail(request.user, visit.pk)
        return Response(VisitDetailSerializer(visit).data, status=status.HTTP_201_CREATED)


class DueVisitsView(generics.ListAPIView):
    """Special-population follow-ups due by the end of this week, overdue first."""

    serializer_class = DueVisitSerializer
    filter_backends = []  # a fixed list (scope, this week, its order), paginated by the DB

    def get_queryset(self):
        return selectors.due_visits(self.request.user)


class DiaryViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The people's diary (民情日志) in the caller's area."""

    queryset = DiaryEntry.objects.none()  # for the schema; get_queryset scopes every request

    serializer_class = DiarySerializer

    def get_queryset(self):
        return selectors.diary_entries(self.request.user)

    def create(self, request):
        data = valid(DiarySerializer, request)
        entry = services.diary_entry_create(
            actor=request.user,
            node=data["node"],
            date=data["date"],
            text=data["text"],
            topics=data.get("topics", []),
        )
        return Response(DiarySerializer(entry).data, status=status.HTTP_201_CREATED)


class ProxyServiceViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Services done on residents' behalf (走访代办) in the caller's area."""

    queryset = ProxyService.objects.none()  # for the schema; get_queryset scopes every request

    serializer_class = ProxyServiceSerializer

    def get_queryset(self):
        return selectors.proxy_services(self.request.user)

    def create(self, request):
        data = valid(ProxyServiceSerializer, request)
        resident = get_object_or_404(Resident, pk=data["resident"].pk)
        service = services.proxy_service_create(
            actor=request.user, resident=resident, what=data["what"], visit=data.get("visit")
        )
        return Response(ProxyServiceSerializer(service).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ProxyFinishSerializer, responses=ProxyServiceSerializer)
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        data = valid(ProxyFinishSerializer, request)
        service: ProxyService = self.get_object()
        service = services.proxy_service_finish(
            actor=request.user, service=service, result=data["result"], done=data["done"]
        )
        return Response(ProxyServiceSerializer(service).data)
