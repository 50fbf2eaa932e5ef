"""API of rates and budgets (frozen per street and year) and their allocations."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from gridgov import dates, numbers
from grids.api import NodeRefSerializer
from grids.models import GridNode, Level

from .. import services
from ..models import (
    AllocationFrequency,
    Budget,
    BudgetShare,
    FundingRate,
)
from .common import CanReadFunding
from .ledger import VoucherDetailSerializer, _voucher_detail

# ---- rates and budgets ---------------------------------------------------------------


class FundingRateSerializer(serializers.ModelSerializer):
    fen_per_household = numbers.ApiIntegerField()
    effective_from = dates.ApiDateField()

    class Meta:
        model = FundingRate
        fields = ["id", "fen_per_household", "effective_from", "note", "created_at"]
        read_only_fields = ["id", "created_at"]


class FundingRateViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The rate per household per year, with the date each took effect. New rates are added."""

    serializer_class = FundingRateSerializer
    permission_classes = [CanReadFunding]
    queryset = FundingRate.objects.order_by("-effective_from")

    def create(self, request, *args, **kwargs):
        form = FundingRateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        rate = services.funding_rate_add(actor=request.user, **form.validated_data)
        return Response(FundingRateSerializer(rate).data, status=201)


class BudgetShareSerializer(serializers.ModelSerializer):
    node = NodeRefSerializer(read_only=True)

    class Meta:
        model = BudgetShare
        fields = ["node", "households", "amount_fen"]
        read_only_fields = fields


class BudgetSerializer(serializers.ModelSerializer):
    street = NodeRefSerializer(read_only=True)

    class Meta:
        model = Budget
        fields = ["id", "street", "year", "households", "fen_per_household", "amount_fen", "frequency", "frozen_at"]
        read_only_fields = fields


class BudgetDetailSerializer(BudgetSerializer):
    shares = BudgetShareSerializer(many=True, read_only=True)
    installments = serializers.SerializerMethodField()

    class Meta(BudgetSerializer.Meta):
        fields = [*BudgetSerializer.Meta.fields, "installments", "shares"]
        read_only_fields = fields

    def get_installments(self, budget) -> list[dict]:
        return [{"date": day, "amount_fen": fen} for day, fen in services.allocation_schedule(budget)]


class BudgetFreezeSerializer(serializers.Serializer):
    street = numbers.ApiIntegerField()
    year = numbers.ApiIntegerField()
    frequency = serializers.ChoiceField(choices=AllocationFrequency.choices, default=AllocationFrequency.MONTHLY)


class AllocationSerializer(serializers.Serializer):
    month = numbers.ApiIntegerField(min_value=1, max_value=12)


class BudgetViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Budgets per street and year: rate × households on 1 January, frozen once."""

    permission_classes = [CanReadFunding]
    filterset_fields = ["year", "street"]

    def get_queryset(self):
        qs = Budget.objects.visible_to(self.request.user).select_related("street").defer("street__boundary")
        if self.action == "retrieve":
            qs = qs.prefetch_related("shares__node")
        return qs.order_by("year", "street__code")

    def get_serializer_class(self):
        return BudgetDetailSerializer if self.action == "retrieve" else BudgetSerializer

    @extend_schema(request=BudgetFreezeSerializer, responses=BudgetDetailSerializer)
    def create(self, request, *args, **kwargs):
        form = BudgetFreezeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        street = get_object_or_404(GridNode.objects.visible_to(request.user), pk=data["street"], level=Level.STREET)
        budget = services.budget_freeze(
            actor=request.user, street=street, year=data["year"], frequency=data["frequency"]
        )
        return Response(BudgetDetailSerializer(budget).data, status=201)

    @extend_schema(request=AllocationSerializer, responses={201: VoucherDetailSerializer})
    @action(detail=True, methods=["post"])
    def allocate(self, request, pk=None):
        """Prepare the draft allocation voucher of a month's installment (someone else posts it)."""
        form = AllocationSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        voucher = services.allocation_prepare(
            actor=request.user, budget=self.get_object(), month=form.validated_data["month"]
        )
        return Response(_voucher_detail(request, voucher), status=201)
