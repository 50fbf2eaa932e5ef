"""Admin for the appeals app's editable data (modules, the calendar, Open311 clients) and a
read-only view of appeals. Appeals change only through their services (the pages and API);
nothing here is ever deleted."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from gridgov import numbers
from gridgov.admin import NoDeleteMixin, ServiceAdmin, ServiceForm
from gridgov.errors import DomainError

from . import calendar, services
from .forms import CalendarImportForm
from .models import Appeal, AppealEvent, CalendarDay, Open311Key, ServiceModule, SupervisionSlip
from .services.modules import MODULE_LIMIT_DAYS, calendar_changes


class ServiceModuleForm(ServiceForm):
    limit_days = numbers.IntegerField(
        label=_("time limit (working days)"), min_value=MODULE_LIMIT_DAYS[0], max_value=MODULE_LIMIT_DAYS[1]
    )

    class Meta:
        model = ServiceModule
        fields = ["owner", "limit_days", "is_active"]

    def save_through_service(self, data):
        return services.module_update(
            actor=self.request_user,
            module=self.instance,
            owner=data.get("owner"),
            limit_days=data.get("limit_days"),
            is_active=data.get("is_active", False),
        )


@admin.register(ServiceModule)
class ServiceModuleAdmin(ServiceAdmin):
    """A module's owner, time limit and whether it takes new appeals change through
    `module_update` (role-checked, logged); edited on the module's page, not in the list."""

    form = ServiceModuleForm
    list_display = ["number", "name", "name_en", "owner", "limit_days", "is_active"]
    list_select_related = ["owner"]
    fields = ["number", "code", "name", "name_en", "owner", "limit_days", "is_active"]
    readonly_fields = ["number", "code", "name", "name_en"]

    def has_add_permission(self, request):
        return False  # the 17 modules come from the data migration (module_defaults_ensure)


@admin.register(CalendarDay)
class CalendarDayAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ["date", "is_workday", "name"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    fields = ["date", "is_workday", "name"]

    def has_delete_permission(self, request, obj=None):
        # A wrongly entered holiday is removed by hand; the calendar is plain data.
        return request.user.is_superuser

    change_list_template = "admin/petitions/calendarday/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="petitions_calendarday_import"), *super().get_urls()]

    def import_view(self, request):
        """A year's calendar pasted in the calendar file's format (as `manage.py calendar_load`
        reads it): previewed first, written all at once with “Enter these days”."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = CalendarImportForm(request.POST or None)
        changes, entries = None, None
        if request.method == "POST" and form.is_valid():
            try:
                entries = calendar.calendar_file_parse(form.cleaned_data["days"])
                if "commit" in request.POST:
                    changed = services.calendar_days_import(actor=request.user, entries=entries)
                    messages.success(request, _("%(n)d calendar days entered.") % {"n": changed})
                    return redirect("admin:petitions_calendarday_changelist")
                changes = calendar_changes(entries)
            except DomainError as exc:
                form.add_error("days", exc.message)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Enter a year's calendar"),
            "form": form,
            "changes": changes,
            "entries": entries,
        }
        return TemplateResponse(request, "admin/petitions/calendarday/import.html", context)

    def save_model(self, request, obj, form, change):
        try:
            services.calendar_day_set(actor=request.user, date=obj.date, is_workday=obj.is_workday, name=obj.name)
        except DomainError as exc:
            messages.error(request, exc.message)


@admin.register(Open311Key)
class Open311KeyAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ["name", "prefix", "created_at", "revoked_at"]
    readonly_fields = ["name", "prefix", "created_at", "revoked_at"]
    fields = readonly_fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # keys are issued by `manage.py open311_key NAME`, which prints the key once

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        for key in queryset:
            services.open311_key_revoke(actor=request.user, name=key.name)
        messages.success(request, _("Revoked."))


class AppealEventInline(admin.TabularInline):
    model = AppealEvent
    fields = ["at", "actor", "action", "from_status", "to_status", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Appeal)
class AppealAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ["id", "created_at", "module", "status", "source", "street", "deadline", "colour"]
    list_filter = ["status", "source", "priority", "colour", "module"]
    list_select_related = ["module", "street"]
    readonly_fields = [
        "source", "status", "module", "priority", "description", "address", "reporter_name_masked",
        "reporter_phone_masked", "lon", "lat", "unit_grid", "community", "street", "handling_department",
        "handling_node", "deadline", "rework_count", "repeat_count", "duplicate_of", "colour", "reply",
        "satisfaction", "created_at", "replied_at", "closed_at", "next_check_at", "supervising_node",
    ]  # fmt: skip
    fields = readonly_fields
    inlines = [AppealEventInline]
    show_full_result_count = False  # a count(*) over a million rows on every list page

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(SupervisionSlip)
class SupervisionSlipAdmin(NoDeleteMixin, admin.ModelAdmin):
    """Read-only: slips are issued, acknowledged and closed through their services (the
    board, the appeal page, the API); never edited or deleted."""

    list_display = ["id", "appeal", "colour", "issued_at", "manual", "acknowledged_at", "closed_at"]
    list_filter = ["colour", "manual", "to_bureau"]
    readonly_fields = [
        "appeal", "colour", "reason", "manual", "window_start", "issued_at", "issued_by", "handling_department",
        "handling_node", "escalated_to", "to_bureau", "acknowledged_at", "acknowledged_by", "closed_at",
        "closed_by", "close_note",
    ]  # fmt: skip
    fields = readonly_fields
    raw_id_fields = ["appeal"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
