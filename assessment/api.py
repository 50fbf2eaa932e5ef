"""REST API of the assessment. Thin: selectors read (scoped), services write (and decide who
may score or recompute). Scores are read-only here as everywhere."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from gridgov.errors import InvalidInput, NotFound
from gridgov.params import valid

from . import selectors, services
from .models import Period, StaffScore, UnitKind, UnitScore
from .serializers import (
    AssessmentPeriodSerializer,
    RecomputeRequestSerializer,
    ScoreRequestSerializer,
    ScoringRunSerializer,
    StaffScoreSerializer,
    UnitScoreSerializer,
)

PERIOD = OpenApiParameter("period", str, description="a closed period, 2026-05 or 2026-Q2 (default: the latest month)")
KIND = OpenApiParameter("kind", str, enum=UnitKind.values, description="the level of units")
ROLE = OpenApiParameter("role", str, enum=list(selectors.STAFF_ROLE_NAMES), description="grid managers or assistants")


def _period(request) -> Period:
    label = request.query_params.get("period", "")
    if not label:
        period = selectors.default_period()
        if period is None:
            raise NotFound(_("No period has been scored yet."), field="period")
        return period
    kind, start, _end = services.period_bounds(label)
    period = selectors.closed_period(services.period_label(kind, start))
    if period is None:
        raise NotFound(_("%(period)s has not been scored.") % {"period": label}, field="period")
    return period


def _choice(request, name: str, allowed) -> str | None:
    value = request.query_params.get(name, "")
    if value and value not in allowed:
        raise InvalidInput(
            _("%(name)s must be one of %(allowed)s.") % {"name": name, "allowed": ", ".join(allowed)}, field=name
        )
    return value or None


class PeriodViewSet(viewsets.ReadOnlyModelViewSet):
    """Assessment periods (months and quarters), their rule set and current run; scoring and
    recomputation are actions that call the services."""

    queryset = Period.objects.select_related("rules", "current_run__computed_by", "current_run__rules").order_by(
        "-start", "kind"
    )
    serializer_class = AssessmentPeriodSerializer
    lookup_field = "label"
    lookup_value_regex = r"\d{4}-(?:\d{2}|Q[1-4])"

    @extend_schema(request=ScoreRequestSerializer, responses={201: AssessmentPeriodSerializer})
    @action(detail=False, methods=["post"])
    def score(self, request):
        """Score a period that has ended, once (the bureau, the command center, admins)."""
        run = services.period_score(actor=request.user, label=valid(ScoreRequestSerializer, request)["period"])
        return Response(
            AssessmentPeriodSerializer(self.get_queryset().get(pk=run.period_id)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=RecomputeRequestSerializer, responses={201: AssessmentPeriodSerializer})
    @action(detail=True, methods=["post"])
    def recompute(self, request, label=None):
        """Score a closed period again as a new, logged run (the bureau and admins, with a reason)."""
        reason = valid(RecomputeRequestSerializer, request)["reason"]
        run = services.period_recompute(actor=request.user, label=label, reason=reason)
        return Response(
            AssessmentPeriodSerializer(self.get_queryset().get(pk=run.period_id)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(responses=ScoringRunSerializer(many=True))
    @action(detail=True, pagination_class=None)
    def runs(self, request, label=None):
        """Every run of the period, newest first: who computed it, when and why."""
        return Response(ScoringRunSerializer(selectors.run_history(self.get_object()), many=True).data)


class UnitScoreViewSet(viewsets.ReadOnlyModelViewSet):
    """Handling units' scores of a period's current run, in rank order, within the caller's scope."""

    queryset = UnitScore.objects.none()  # for the schema; get_queryset scopes every request
    serializer_class = UnitScoreSerializer

    def get_queryset(self):
        qs = selectors.unit_scores(self.request.user).select_related("run__period")
        if self.action != "list":
            return qs
        period = _period(self.request)
        kind = _choice(self.request, "kind", UnitKind.values)
        qs = qs.filter(run_id=period.current_run_id)
        if kind:
            qs = qs.filter(kind=kind)
        return qs.order_by("kind", "rank", "name", "pk")

    @extend_schema(parameters=[PERIOD, KIND])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class StaffScoreViewSet(viewsets.ReadOnlyModelViewSet):
    """Grid managers' and assistants' scores of a period's current run, within the caller's scope."""

    queryset = StaffScore.objects.none()  # for the schema; get_queryset scopes every request
    serializer_class = StaffScoreSerializer

    def get_queryset(self):
        qs = selectors.staff_scores(self.request.user).select_related("run__period", "node").defer("node__boundary")
        if self.action != "list":
            return qs
        period = _period(self.request)
        role = _choice(self.request, "role", list(selectors.STAFF_ROLE_NAMES))
        qs = qs.filter(run_id=period.current_run_id)
        if role:
            qs = qs.filter(role=role)
        return qs.order_by("role", "rank", "name", "pk")

    @extend_schema(parameters=[PERIOD, ROLE])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)
