"""API of the auditors' views: budget against actual by street and month, and the flags."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.errors import InvalidInput

from .. import selectors
from .common import YEAR_PARAM, CanReadFunding, year_param

# ---- the auditors' views -------------------------------------------------------------

StreetYearSerializer = inline_serializer(
    "StreetBudgetVsActual",
    {
        "street_id": serializers.IntegerField(),
        "street_name": serializers.CharField(),
        "households": serializers.IntegerField(),
        "budget_fen": serializers.IntegerField(),
        "allocated_fen": serializers.IntegerField(),
        "spent_fen": serializers.IntegerField(),
        "balance_fen": serializers.IntegerField(),
        "months": serializers.ListField(child=serializers.DictField()),
    },
)


def street_year_data(row) -> dict:
    return {
        "street_id": row.street_id,
        "street_name": row.street_name,
        "households": row.households,
        "budget_fen": row.budget_fen,
        "allocated_fen": row.allocated_fen,
        "spent_fen": row.spent_fen,
        "balance_fen": row.balance_fen,
        "months": row.months,
    }


class BudgetVsActualView(APIView):
    permission_classes = [CanReadFunding]

    @extend_schema(
        parameters=[YEAR_PARAM],
        responses=inline_serializer(
            "BudgetVsActual",
            {"year": serializers.IntegerField(), "streets": StreetYearSerializer, "total": StreetYearSerializer},
        ),
    )
    def get(self, request):
        """Budget against actual by street and month: allocated, spent, report status."""
        year = year_param(request)
        rows, total = selectors.budget_vs_actual(request.user, year)
        return Response(
            {"year": year, "streets": [street_year_data(r) for r in rows], "total": street_year_data(total)}
        )


class FlagsView(APIView):
    permission_classes = [CanReadFunding]

    @extend_schema(
        parameters=[YEAR_PARAM, OpenApiParameter("month", int)],
        responses=inline_serializer(
            "FundingFlag",
            {
                "kind": serializers.CharField(),
                "label": serializers.CharField(),
                "street_id": serializers.IntegerField(),
                "street_name": serializers.CharField(),
                "year": serializers.IntegerField(),
                "month": serializers.IntegerField(),
                "report_id": serializers.IntegerField(allow_null=True),
                "detail": serializers.CharField(),
            },
            many=True,
        ),
    )
    def get(self, request):
        """The automatic audit flags: subsidy without a valid assignment, spending over the
        allocation, the same payee twice in a month, late reports."""
        month = request.query_params.get("month")
        if month not in (None, "") and not (month.isdigit() and 1 <= int(month) <= 12):
            raise InvalidInput(_("The month is 1 to 12."), field="month")
        found = selectors.flags(request.user, year_param(request), int(month) if month else None)
        return Response([{**f.__dict__, "label": f.label} for f in found])
