"""Admin for the assessment: read-only views of the rule sets, periods and runs. Every write
goes through the services (the rules page, scoring, recomputation), which check who may act and
keep closed periods as they were scored."""

from django.contrib import admin

from gridgov.admin import ReadOnlyAdmin

from .models import Period, RuleSet, ScoringRun


@admin.register(RuleSet)
class RuleSetAdmin(ReadOnlyAdmin):
    list_display = ["effective_from", "on_time", "completion", "satisfaction", "no_rework", "created_by", "note"]
    list_select_related = ["created_by"]


@admin.register(Period)
class PeriodAdmin(ReadOnlyAdmin):
    list_display = ["label", "kind", "start", "end", "status", "rules", "current_run"]
    list_filter = ["kind", "status"]
    list_select_related = ["rules", "current_run__period"]


@admin.register(ScoringRun)
class ScoringRunAdmin(ReadOnlyAdmin):
    list_display = ["period", "number", "computed_at", "computed_by", "reason", "seconds"]
    list_select_related = ["period", "computed_by"]
    list_filter = ["period__kind"]
