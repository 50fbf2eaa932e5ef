"""API of the ledger: accounts, vouchers (draft, post, reverse, discard), periods, trial balance."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.scopes import scope_for
from gridgov import dates, numbers
from gridgov.errors import InvalidInput
from grids.api import NodeRefSerializer
from grids.models import GridNode, Level

from .. import selectors, services
from ..models import (
    Account,
    Category,
    Period,
    Voucher,
    VoucherLine,
)
from .common import YEAR_PARAM, CanReadFunding, year_param

# ---- the ledger ----------------------------------------------------------------------


class AccountSerializer(serializers.ModelSerializer):
    debit_fen = numbers.ApiIntegerField(read_only=True)
    credit_fen = numbers.ApiIntegerField(read_only=True)
    balance_fen = numbers.ApiIntegerField(read_only=True)
    # "" for accounts outside the expense categories: the schema says so.
    category = serializers.ChoiceField(choices=Category.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Account
        fields = ["id", "code", "name", "kind", "category", "street", "debit_fen", "credit_fen", "balance_fen"]
        read_only_fields = fields


class LineSerializer(serializers.ModelSerializer):
    account_code = serializers.CharField(source="account.code", read_only=True)
    account_name = serializers.CharField(source="account.name", read_only=True)

    class Meta:
        model = VoucherLine
        fields = ["id", "account", "account_code", "account_name", "debit_fen", "credit_fen", "memo", "payee"]
        read_only_fields = fields


class AccountLineSerializer(serializers.ModelSerializer):
    voucher = numbers.ApiIntegerField(source="voucher_id", read_only=True)
    voucher_label = serializers.CharField(source="voucher.label", read_only=True)
    date = serializers.DateField(source="voucher.date", read_only=True)

    class Meta:
        model = VoucherLine
        fields = ["id", "voucher", "voucher_label", "date", "debit_fen", "credit_fen", "memo", "payee"]
        read_only_fields = fields


class AccountViewSet(viewsets.ReadOnlyModelViewSet):
    """Ledger accounts with their posted debits, credits and balance (?year= for one year)."""

    serializer_class = AccountSerializer
    permission_classes = [CanReadFunding]
    filterset_fields = ["kind", "category", "street"]

    @extend_schema(parameters=[YEAR_PARAM])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        year = self.request.query_params.get("year")
        return selectors.account_balances(self.request.user, year_param(self.request) if year else None)

    @extend_schema(parameters=[YEAR_PARAM], responses=AccountLineSerializer(many=True))
    @action(detail=True)
    def lines(self, request, pk=None):
        """The account's posted lines, in voucher order: the drill-down to vouchers."""
        year = year_param(request) if request.query_params.get("year") else None
        page = self.paginate_queryset(selectors.account_lines(request.user, self.get_object(), year))
        return self.get_paginated_response(AccountLineSerializer(page, many=True).data)


class VoucherSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    period = serializers.CharField(source="period.__str__", read_only=True)
    street = NodeRefSerializer(read_only=True)
    total_fen = numbers.ApiIntegerField(read_only=True)
    reversed_by = serializers.SerializerMethodField()

    class Meta:
        model = Voucher
        fields = [
            "id", "label", "period", "number", "date", "kind", "status", "street", "memo", "reverses",
            "reversed_by", "report", "made_by", "made_at", "approved_by", "posted_at", "total_fen",
        ]  # fmt: skip
        read_only_fields = fields

    def get_reversed_by(self, voucher) -> int | None:
        reversal = getattr(voucher, "reversed_by", None)
        return reversal.pk if reversal else None


class VoucherDetailSerializer(VoucherSerializer):
    lines = LineSerializer(many=True, read_only=True)

    class Meta(VoucherSerializer.Meta):
        fields = [*VoucherSerializer.Meta.fields, "lines"]
        read_only_fields = fields


class LineInputSerializer(serializers.Serializer):
    account = numbers.ApiIntegerField()
    debit_fen = numbers.ApiIntegerField(default=0)
    credit_fen = numbers.ApiIntegerField(default=0)
    memo = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class VoucherCreateSerializer(serializers.Serializer):
    street = numbers.ApiIntegerField()
    date = dates.ApiDateField()
    kind = serializers.ChoiceField(choices=["allocation", "adjustment"])
    memo = serializers.CharField(max_length=200)
    lines = LineInputSerializer(many=True)


class ReverseSerializer(serializers.Serializer):
    date = dates.ApiDateField(required=False)
    memo = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


def _voucher_detail(request, voucher) -> dict:
    voucher = selectors.visible_vouchers(request.user).prefetch_related("lines__account").get(pk=voucher.pk)
    return VoucherDetailSerializer(voucher).data


class VoucherViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Vouchers (记账凭证). Drafts are made by one person and posted by another; posted
    vouchers never change (the database refuses): corrections are reversals."""

    permission_classes = [CanReadFunding]
    filterset_fields = ["status", "kind", "street", "report"]
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self):
        qs = selectors.visible_vouchers(self.request.user)
        if self.action == "retrieve":
            qs = qs.prefetch_related("lines__account")
        return qs

    def get_serializer_class(self):
        return VoucherDetailSerializer if self.action == "retrieve" else VoucherSerializer

    @extend_schema(request=VoucherCreateSerializer, responses={201: VoucherDetailSerializer})
    def create(self, request, *args, **kwargs):
        form = VoucherCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        street = get_object_or_404(GridNode.objects.visible_to(request.user), pk=data["street"], level=Level.STREET)
        accounts = Account.objects.in_bulk([li["account"] for li in data["lines"]])
        missing = [li["account"] for li in data["lines"] if li["account"] not in accounts]
        if missing:
            raise InvalidInput(_("No account %(id)s.") % {"id": missing[0]}, field="lines")
        lines = [
            services.LineSpec(accounts[li["account"]], li["debit_fen"], li["credit_fen"], li["memo"])
            for li in data["lines"]
        ]
        voucher = services.voucher_create(
            actor=request.user, street=street, date=data["date"], kind=data["kind"], memo=data["memo"], lines=lines
        )
        return Response(_voucher_detail(request, voucher), status=201)

    @extend_schema(request=None, responses=VoucherDetailSerializer)
    @action(detail=True, methods=["post"])
    def post(self, request, pk=None):
        """Post (approve) a draft: the approver must not be its maker."""
        return Response(_voucher_detail(request, services.voucher_post(actor=request.user, voucher=self.get_object())))

    @extend_schema(request=ReverseSerializer, responses={201: VoucherDetailSerializer})
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        """A draft reversal (红字冲销) of a posted voucher, pointing at it."""
        form = ReverseSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        draft = services.voucher_reverse(actor=request.user, voucher=self.get_object(), **form.validated_data)
        return Response(_voucher_detail(request, draft), status=201)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        """Discard a draft. Posted vouchers are never deleted."""
        services.voucher_discard(actor=request.user, voucher=self.get_object())
        return Response(status=204)


class PeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = Period
        fields = ["id", "year", "month", "status", "next_number", "closed_at", "closed_by"]
        read_only_fields = fields


class PeriodCloseSerializer(serializers.Serializer):
    year = numbers.ApiIntegerField(min_value=2000, max_value=2100)
    month = numbers.ApiIntegerField(min_value=1, max_value=12)


class PeriodViewSet(viewsets.ReadOnlyModelViewSet):
    """Accounting months. A closed month refuses postings for good."""

    serializer_class = PeriodSerializer
    permission_classes = [CanReadFunding]
    queryset = Period.objects.order_by("year", "month")
    filterset_fields = ["year", "status"]

    @extend_schema(request=PeriodCloseSerializer, responses=PeriodSerializer)
    @action(detail=False, methods=["post"])
    def close(self, request):
        form = PeriodCloseSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        return Response(PeriodSerializer(services.period_close(actor=request.user, **form.validated_data)).data)


class TrialBalanceView(APIView):
    permission_classes = [CanReadFunding]

    @extend_schema(parameters=[YEAR_PARAM], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        """Every account's balance and the totals (district staff and auditors only)."""
        if not scope_for(request.user).everything:
            # The whole district's books: not there for a street (the one refusal policy).
            raise NotFound
        year = year_param(request) if request.query_params.get("year") else None
        tb = selectors.trial_balance(year)
        return Response(
            {
                "year": year,
                "balanced": tb.balanced,
                "debit_fen": tb.debit_fen,
                "credit_fen": tb.credit_fen,
                "unbalanced_vouchers": tb.unbalanced_vouchers,
                "accounts": AccountSerializer(tb.rows, many=True).data,
            }
        )
