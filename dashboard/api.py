"""The statistics API: the dashboard's figures for a grid node and a date range. Thin: the
figures are dashboard.selectors', the same the pages and the wall screen show."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.sections import can_see_dashboard
from assessment.indicators import COLOURS
from gridgov.errors import NotFound
from petitions.models import Source
from residents.selectors import BBox

from . import casemap, selectors

COUNT_FIELDS = [f.name for f in selectors.FIGURES if not f.name.startswith(("received_", "slips_", "open_slips_"))]


def _colours(name: str) -> serializers.Serializer:
    return inline_serializer(name, {c: serializers.IntegerField() for c in COLOURS})


SUMMARY = inline_serializer(
    "StatsSummary",
    {
        "node": inline_serializer(
            "StatsNode",
            {
                "id": serializers.IntegerField(),
                "code": serializers.CharField(),
                "name": serializers.CharField(),
                "level": serializers.IntegerField(),
            },
        ),
        "start": serializers.DateField(),
        "end": serializers.DateField(help_text="included"),
        **{name: serializers.IntegerField(help_text=str(selectors.BY_NAME[name].label)) for name in COUNT_FIELDS},
        **{
            name: serializers.FloatField(allow_null=True, help_text=f"{part} ÷ {whole}; null when {whole} is 0")
            for name, (part, whole) in selectors.RATES.items()
        },
        "by_source": inline_serializer("StatsBySource", {s: serializers.IntegerField() for s in Source.values}),
        "slips": _colours("StatsSlipsIssued"),
        "open_slips": _colours("StatsSlipsOpen"),
    },
)


class SummaryView(APIView):
    """The dashboard's figures (docs/dashboard.md defines each: which appeals, which dates) for
    a grid node of the caller's area and the local dates [start, end]. Counts are of appeals;
    slips by colour count the appeals issued a slip of that colour in the range."""

    @extend_schema(
        parameters=[
            OpenApiParameter("node", int, description="a grid node of your area (default: your area's root)"),
            OpenApiParameter("start", str, description="YYYY-MM-DD (default: the first of this month)"),
            OpenApiParameter("end", str, description="YYYY-MM-DD, included (default: today)"),
        ],
        responses=SUMMARY,
    )
    def get(self, request):
        if not can_see_dashboard(request.user):
            raise NotFound(_("There is no dashboard for your post."))
        params = request.query_params
        period = selectors.period_for("month", params.get("start", ""), params.get("end", ""))
        node = selectors.dashboard_node(request.user, params.get("node"))
        data = selectors.summary(request.user, node, period)
        for name in list(data):
            if name.startswith(("received_", "slips_", "open_slips_")):
                del data[name]
        return Response(
            {
                "node": {"id": node.pk, "code": node.code, "name": node.name, "level": node.level},
                "start": period.start,
                "end": period.end,
                **data,
            }
        )


_COLOUR_COUNTS = inline_serializer("CaseMapColours", {c: serializers.IntegerField() for c in casemap.MAP_COLOURS})
CASE_MAP = inline_serializer(
    "CaseMap",
    {
        "mode": serializers.ChoiceField(["points", "clusters"]),
        "zoom": serializers.IntegerField(),
        "count": serializers.IntegerField(help_text="open appeals in the box, scope and filters"),
        "cell": serializers.FloatField(required=False, help_text="clusters: a cell's width in degrees"),
        "clusters": inline_serializer(
            "CaseMapCluster",
            {
                "lon": serializers.FloatField(),
                "lat": serializers.FloatField(),
                "count": serializers.IntegerField(),
                "colour": serializers.ChoiceField(casemap.MAP_COLOURS, help_text="the worst colour in it"),
                "colours": _COLOUR_COUNTS,
            },
            many=True,
            required=False,
        ),
        "points": inline_serializer(
            "CaseMapPoint",
            {
                "id": serializers.IntegerField(),
                "lon": serializers.FloatField(),
                "lat": serializers.FloatField(),
                "colour": serializers.ChoiceField(casemap.MAP_COLOURS),
                "module": serializers.CharField(),
                "status": serializers.CharField(),
                "address": serializers.CharField(),
                "created_at": serializers.CharField(),
                "deadline": serializers.CharField(allow_null=True),
                "url": serializers.CharField(),
            },
            many=True,
            required=False,
        ),
    },
)


class CaseMapView(APIView):
    """The case map's data for a viewport: the open appeals of the caller's area (inside
    `node`) as points, or as clusters counted by the database at low zoom or past 1,000 in
    view (docs/dashboard.md). At most two queries besides the caller's scope."""

    @extend_schema(
        parameters=[
            OpenApiParameter("bbox", str, required=True, description="min_lon,min_lat,max_lon,max_lat"),
            OpenApiParameter("zoom", int, required=True, description="the map's zoom, 0 to 20"),
            OpenApiParameter("node", int, description="a grid node of your area (default: your area's root)"),
            OpenApiParameter("module", int, description="a service module's id"),
            OpenApiParameter("source", str, enum=Source.values),
            OpenApiParameter("age", str, enum=list(casemap.AGES)),
            OpenApiParameter("colour", str, enum=list(casemap.MAP_COLOURS)),
        ],
        responses=CASE_MAP,
    )
    def get(self, request):
        if not can_see_dashboard(request.user):
            raise NotFound(_("There is no dashboard for your post."))
        params = request.query_params
        box = BBox.parse(params.get("bbox"))
        zoom = casemap.parse_zoom(params.get("zoom"))
        where = casemap.MapFilter.parse(params)
        node = selectors.dashboard_node(request.user, params.get("node"))
        response = Response(casemap.case_map(request.user, node, box, zoom, where))
        response["Cache-Control"] = "no-store"
        return response
