"""REST API of funding: budgets, the ledger, expense reports and the auditors' views.
Thin: selectors read (scoped to the caller), services write."""

import datetime

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.scopes import scope_for
from gridgov.errors import InvalidInput, NotAllowed
from grids.api import NodeRefSerializer
from grids.models import GridNode, Level

from . import selectors, services
from .access import can_read_funding
from .models import (
    Account,
    Budget,
    BudgetShare,
    ExpenseLine,
    ExpenseReport,
    FundingRate,
    Period,
    Receipt,
    ReportEvent,
    Voucher,
    VoucherLine,
)

YEAR_PARAM = OpenApiParameter("year", int, description="calendar year (default: this year)")


class CanReadFunding(BasePermission):
    message = "Funding is open to street offices, auditors and the district's staff."

    def has_permission(self, request, view):
        return can_read_funding(request.user)


def year_param(request, name: str = "year", default: int | None = None) -> int:
    raw = request.query_params.get(name) if hasattr(request, "query_params") else request.GET.get(name)
    if raw in (None, ""):
        return default or datetime.date.today().year
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput(_("The year must be a whole number."), field=name) from None
    if not 2000 <= value <= 2100:
        raise InvalidInput(_("The year must be between 2000 and 2100."), field=name)
    return value


# ---- rates and budgets ---------------------------------------------------------------


class FundingRateSerializer(serializers.ModelSerializer):
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
    street = serializers.IntegerField()
    year = serializers.IntegerField()
    frequency = serializers.ChoiceField(choices=["monthly", "quarterly"], default="monthly")


class AllocationSerializer(serializers.Serializer):
    month = serializers.IntegerField(min_value=1, max_value=12)


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

    @extend_schema(request=AllocationSerializer, responses={201: "VoucherDetail"})
    @action(detail=True, methods=["post"])
    def allocate(self, request, pk=None):
        """Prepare the draft allocation voucher of a month's installment (someone else posts it)."""
        form = AllocationSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        voucher = services.allocation_prepare(
            actor=request.user, budget=self.get_object(), month=form.validated_data["month"]
        )
        return Response(_voucher_detail(request, voucher), status=201)


# ---- the ledger ----------------------------------------------------------------------


class AccountSerializer(serializers.ModelSerializer):
    debit_fen = serializers.IntegerField(read_only=True)
    credit_fen = serializers.IntegerField(read_only=True)
    balance_fen = serializers.IntegerField(read_only=True)

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
    voucher = serializers.IntegerField(source="voucher_id", read_only=True)
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
    total_fen = serializers.IntegerField(read_only=True)
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
    account = serializers.IntegerField()
    debit_fen = serializers.IntegerField(default=0)
    credit_fen = serializers.IntegerField(default=0)
    memo = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class VoucherCreateSerializer(serializers.Serializer):
    street = serializers.IntegerField()
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=["allocation", "adjustment"])
    memo = serializers.CharField(max_length=200)
    lines = LineInputSerializer(many=True)


class ReverseSerializer(serializers.Serializer):
    date = serializers.DateField(required=False)
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
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    month = serializers.IntegerField(min_value=1, max_value=12)


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


# ---- expense reports -----------------------------------------------------------------


class ExpenseLineSerializer(serializers.ModelSerializer):
    payee_name = serializers.CharField(source="payee.__str__", read_only=True, default=None)

    class Meta:
        model = ExpenseLine
        fields = ["id", "category", "amount_fen", "payee", "payee_name", "description"]
        read_only_fields = fields


class ReceiptSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Receipt
        fields = ["id", "name", "line", "url", "uploaded_at"]
        read_only_fields = fields

    def get_url(self, receipt) -> str:
        from django.urls import reverse

        return reverse("funding-receipt", args=[receipt.pk])


class ReportEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.__str__", read_only=True, default=None)

    class Meta:
        model = ReportEvent
        fields = ["action", "from_status", "to_status", "actor", "at", "comment"]
        read_only_fields = fields


class ExpenseReportSerializer(serializers.ModelSerializer):
    street = NodeRefSerializer(read_only=True)
    total_fen = serializers.IntegerField(read_only=True)
    line_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = ExpenseReport
        fields = [
            "id", "street", "year", "month", "status", "due_date", "late_since", "first_submitted_at",
            "submitted_at", "approved_at", "total_fen", "line_count",
        ]  # fmt: skip
        read_only_fields = fields


class ExpenseReportDetailSerializer(ExpenseReportSerializer):
    lines = ExpenseLineSerializer(many=True, read_only=True)
    receipts = ReceiptSerializer(many=True, read_only=True)
    events = ReportEventSerializer(many=True, read_only=True)
    vouchers = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta(ExpenseReportSerializer.Meta):
        fields = [*ExpenseReportSerializer.Meta.fields, "lines", "receipts", "events", "vouchers"]
        read_only_fields = fields


class ReportCreateSerializer(serializers.Serializer):
    street = serializers.IntegerField()
    year = serializers.IntegerField()
    month = serializers.IntegerField()


class LineCreateSerializer(serializers.Serializer):
    category = serializers.CharField()
    amount_fen = serializers.IntegerField(help_text="fen; 100 fen = 1 yuan")
    payee = serializers.IntegerField(required=False, allow_null=True, help_text="user id; subsidy lines only")
    description = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class LineRemoveSerializer(serializers.Serializer):
    line = serializers.IntegerField()


class ReceiptUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    line = serializers.IntegerField(required=False, allow_null=True)


class ReviewSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ExpenseReportViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Monthly expense reports (拨付经费使用明细单): a street prepares and submits; an auditor
    approves (which posts it and locks the month) or returns it with comments."""

    permission_classes = [CanReadFunding]
    filterset_fields = ["year", "month", "status", "street"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        qs = selectors.visible_reports(self.request.user)
        if self.action != "list":
            qs = qs.prefetch_related("lines__payee", "receipts", "events__actor", "vouchers")
        return qs

    def get_serializer_class(self):
        return ExpenseReportSerializer if self.action == "list" else ExpenseReportDetailSerializer

    def _detail(self, report, status=200):
        report = self.get_queryset().get(pk=report.pk)
        return Response(ExpenseReportDetailSerializer(report).data, status=status)

    @extend_schema(request=ReportCreateSerializer, responses={201: ExpenseReportDetailSerializer})
    def create(self, request, *args, **kwargs):
        form = ReportCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        street = get_object_or_404(GridNode.objects.visible_to(request.user), pk=data["street"], level=Level.STREET)
        report = services.expense_report_create(
            actor=request.user, street=street, year=data["year"], month=data["month"]
        )
        return self._detail(report, 201)

    @extend_schema(request=LineCreateSerializer, responses={201: ExpenseReportDetailSerializer})
    @action(detail=True, methods=["post"], url_path="lines")
    def add_line(self, request, pk=None):
        form = LineCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        report = self.get_object()
        services.expense_line_add(
            actor=request.user,
            report=report,
            category=data["category"],
            amount_fen=data["amount_fen"],
            payee_id=data.get("payee"),
            description=data["description"],
        )
        return self._detail(report, 201)

    @extend_schema(request=LineRemoveSerializer, responses=ExpenseReportDetailSerializer)
    @action(detail=True, methods=["post"], url_path="remove-line")
    def remove_line(self, request, pk=None):
        form = LineRemoveSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        report = self.get_object()
        services.expense_line_remove(actor=request.user, report=report, line_id=form.validated_data["line"])
        return self._detail(report)

    @extend_schema(request={"multipart/form-data": ReceiptUploadSerializer}, responses={201: ReceiptSerializer})
    @action(detail=True, methods=["post"])
    def receipts(self, request, pk=None):
        form = ReceiptUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        receipt = services.receipt_attach(
            actor=request.user,
            report=self.get_object(),
            file=form.validated_data["file"],
            line_id=form.validated_data.get("line"),
        )
        return Response(ReceiptSerializer(receipt).data, status=201)

    @extend_schema(
        responses=inline_serializer(
            "ReportProblems", {"problems": serializers.ListField(child=serializers.CharField())}
        )
    )
    @action(detail=True)
    def validate(self, request, pk=None):
        """What would stop the report from being submitted (empty when it can be)."""
        return Response({"problems": services.expense_report_problems(self.get_object())})

    @extend_schema(request=None, responses=ExpenseReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._detail(services.expense_report_submit(actor=request.user, report=self.get_object()))

    @extend_schema(request=ReviewSerializer, responses=ExpenseReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        form = ReviewSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        report = services.expense_report_approve(
            actor=request.user, report=self.get_object(), comment=form.validated_data["comment"]
        )
        return self._detail(report)

    @extend_schema(request=ReviewSerializer, responses=ExpenseReportDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        form = ReviewSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        report = services.expense_report_return(
            actor=request.user, report=self.get_object(), comment=form.validated_data["comment"]
        )
        return self._detail(report)


class ReviewQueueView(APIView):
    permission_classes = [CanReadFunding]

    @extend_schema(responses=ExpenseReportSerializer(many=True))
    def get(self, request):
        """Submitted reports waiting for review, oldest first."""
        return Response(ExpenseReportSerializer(selectors.review_queue(request.user), many=True).data)


class LateReportsView(APIView):
    permission_classes = [CanReadFunding]

    @extend_schema(
        responses=inline_serializer(
            "LateReports",
            {"late": ExpenseReportSerializer(many=True), "due_soon": ExpenseReportSerializer(many=True)},
        )
    )
    def get(self, request):
        """Reports not submitted by the 5th of the next month, and those due within three days."""
        return Response(
            {
                "late": ExpenseReportSerializer(selectors.late_reports(request.user), many=True).data,
                "due_soon": ExpenseReportSerializer(selectors.reports_due_soon(request.user), many=True).data,
            }
        )


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


class TrialBalanceView(APIView):
    permission_classes = [CanReadFunding]

    @extend_schema(parameters=[YEAR_PARAM], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        """Every account's balance and the totals (district staff and auditors only)."""
        if not scope_for(request.user).everything:
            raise NotAllowed(_("The trial balance covers the whole district."))
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
