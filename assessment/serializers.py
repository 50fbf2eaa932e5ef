"""API shapes of the assessment: explicit fields, all read-only (scores are written by the
services only); the rates and terms come from `explain`, the same as the score pages."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from . import explain
from .models import Period, ScoringRun, StaffScore, UnitScore


class ScoringRunSerializer(serializers.ModelSerializer):
    computed_by = serializers.CharField(source="computed_by.username", default=None, read_only=True, allow_null=True)
    rules = serializers.DateField(source="rules.effective_from", read_only=True)

    class Meta:
        model = ScoringRun
        fields = ["number", "computed_at", "computed_by", "reason", "rules", "seconds"]
        read_only_fields = fields


class AssessmentPeriodSerializer(serializers.ModelSerializer):
    rules = serializers.DateField(source="rules.effective_from", default=None, read_only=True)
    current_run = ScoringRunSerializer(read_only=True)

    class Meta:
        model = Period
        fields = ["label", "kind", "start", "end", "status", "rules", "current_run"]
        read_only_fields = fields


class ScoreRequestSerializer(serializers.Serializer):
    period = serializers.CharField(max_length=7, help_text="YYYY-MM or YYYY-Qn")


class RecomputeRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, allow_blank=True)


def _rate():
    return serializers.DecimalField(max_digits=6, decimal_places=4, read_only=True)


class UnitRatesSerializer(serializers.Serializer):
    on_time_rate = _rate()
    completion_rate = _rate()
    satisfaction_rate = _rate()
    rework_rate = _rate()
    return_visit_rate = _rate()


class UnitScoreSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="run.period.label", read_only=True)
    run = serializers.IntegerField(source="run.number", read_only=True)
    rates = serializers.SerializerMethodField()

    class Meta:
        model = UnitScore
        fields = [
            "id", "period", "run", "kind", "department", "node", "name",
            "handled", "completed", "on_time", "rated", "satisfied", "reworked", "return_visited", "extensions",
            "blue", "yellow", "orange", "red", "rates", "score", "rank",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(UnitRatesSerializer)
    def get_rates(self, obj: UnitScore) -> dict:
        return UnitRatesSerializer(explain.unit_rates(obj)).data


class StaffScoreSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="run.period.label", read_only=True)
    run = serializers.IntegerField(source="run.number", read_only=True)
    node_name = serializers.CharField(source="node.name", read_only=True)

    class Meta:
        model = StaffScore
        fields = [
            "id", "period", "run", "user", "role", "name", "node", "node_name",
            "households", "visited", "reports", "services", "services_on_time", "diary_days", "score", "rank",
        ]  # fmt: skip
        read_only_fields = fields
