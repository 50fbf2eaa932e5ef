"""REST API of the supervision slips (四色督办单)."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from gridgov import numbers
from gridgov.errors import NotFound

from .. import selectors
from ..ids import MAX_ID, as_id
from ..models import (
    Appeal,
    Colour,
    SupervisionSlip,
)
from ..pagination import AppealPagination
from ..services import supervision
from .appeals import UnitSerializer, unit_of

SLIP_COLOURS = [c for c in Colour.choices if c[0]]


class SlipSerializer(serializers.ModelSerializer):
    colour_label = serializers.CharField(source="get_colour_display", read_only=True)
    state = serializers.CharField(read_only=True, help_text="open, acknowledged or closed")
    appeal_module = serializers.CharField(source="appeal.module.name", read_only=True)
    appeal_status = serializers.CharField(source="appeal.status", read_only=True)
    handling_unit = serializers.SerializerMethodField()
    escalated_to = serializers.CharField(source="escalated_to.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = SupervisionSlip
        fields = [
            "id", "appeal_id", "appeal_module", "appeal_status", "colour", "colour_label", "reason", "manual",
            "state", "issued_at", "issued_by_id", "handling_unit", "escalated_to", "to_bureau", "acknowledged_at",
            "acknowledged_by_id", "closed_at", "closed_by_id", "close_note", "window_start",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(UnitSerializer(allow_null=True))
    def get_handling_unit(self, slip) -> dict | None:
        return unit_of(slip)


class SlipIssueSerializer(serializers.Serializer):
    appeal = numbers.ApiIntegerField(min_value=1, max_value=MAX_ID)
    colour = serializers.ChoiceField(choices=SLIP_COLOURS)
    reason = serializers.CharField(max_length=300)


class SlipCloseSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class SlipFilter(filters.FilterSet):
    colour = filters.ChoiceFilter(choices=SLIP_COLOURS)
    state = filters.ChoiceFilter(
        choices=[("open", "open"), ("unacknowledged", "unacknowledged"), ("closed", "closed")], method="filter_state"
    )
    appeal = filters.NumberFilter(field_name="appeal_id")
    handling_department = filters.NumberFilter(field_name="handling_department_id")
    handling_node = filters.NumberFilter(field_name="handling_node_id")

    class Meta:
        model = SupervisionSlip
        fields = ["colour", "appeal", "handling_department", "handling_node"]

    def filter_state(self, queryset, name, value):
        if value == "closed":
            return queryset.filter(closed_at__isnull=False)
        queryset = queryset.filter(closed_at__isnull=True)
        return queryset.filter(acknowledged_at__isnull=True) if value == "unacknowledged" else queryset


class SlipViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Supervision slips of the appeals the caller sees: issue by hand (command center,
    supervision bureau), acknowledge (the handling unit), close (the supervisors)."""

    filterset_class = SlipFilter
    pagination_class = AppealPagination
    serializer_class = SlipSerializer

    def get_queryset(self):
        return selectors.slip_list(self.request.user).order_by("-issued_at", "-id")

    def _slip(self, pk) -> SupervisionSlip:
        slip = self.get_queryset().filter(pk=as_id(pk) or 0).first()
        if slip is None:
            raise NotFound(f"No slip {pk}.")
        return slip

    @extend_schema(request=SlipIssueSerializer, responses=SlipSerializer)
    def create(self, request, *args, **kwargs):
        serializer = SlipIssueSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not Appeal.objects.visible_to(request.user).filter(pk=data["appeal"]).exists():
            raise NotFound(f"No appeal {data['appeal']}.")
        slip = supervision.slip_issue(
            actor=request.user, appeal=data["appeal"], colour=data["colour"], reason=data["reason"]
        )
        return Response(SlipSerializer(self._slip(slip.pk)).data, status=201)

    @extend_schema(request=None, responses=SlipSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """签收: the handling unit has seen the slip."""
        supervision.slip_acknowledge(actor=request.user, slip=self._slip(pk))
        return Response(SlipSerializer(self._slip(pk)).data)

    @extend_schema(request=SlipCloseSerializer, responses=SlipSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """销单: the supervisors close an answered slip."""
        serializer = SlipCloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        supervision.slip_close(actor=request.user, slip=self._slip(pk), note=serializer.validated_data["note"])
        return Response(SlipSerializer(self._slip(pk)).data)
