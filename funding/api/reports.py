"""API of the monthly expense reports, the review queue and the late-reports list."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov import numbers
from grids.api import NodeRefSerializer
from grids.models import GridNode, Level

from .. import selectors, services
from ..models import (
    ExpenseLine,
    ExpenseReport,
    Receipt,
    ReportEvent,
)
from .common import CanReadFunding

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
    total_fen = numbers.ApiIntegerField(read_only=True)
    line_count = numbers.ApiIntegerField(read_only=True)

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
    street = numbers.ApiIntegerField()
    year = numbers.ApiIntegerField()
    month = numbers.ApiIntegerField()


class LineCreateSerializer(serializers.Serializer):
    category = serializers.CharField()
    amount_fen = numbers.ApiIntegerField(help_text="fen; 100 fen = 1 yuan")
    payee = numbers.ApiIntegerField(required=False, allow_null=True, help_text="user id; subsidy lines only")
    description = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class LineRemoveSerializer(serializers.Serializer):
    line = numbers.ApiIntegerField()


class ReceiptUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    line = numbers.ApiIntegerField(required=False, allow_null=True)


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
