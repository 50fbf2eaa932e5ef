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

from . import selectors

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
