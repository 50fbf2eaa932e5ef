"""Admin for the tree, departments and assignments. Saves go through the services, so the
admin can do nothing the rules refuse elsewhere; nothing here is ever deleted."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from mptt.admin import MPTTModelAdmin

from gridgov import dates
from gridgov.admin import ServiceAdmin, ServiceForm
from gridgov.errors import DomainError

from . import selectors, services
from .models import Assignment, Department, GridNode


class GridNodeForm(ServiceForm):
    # Optional: grid_node_create gives the next free code under the parent when it is left empty.
    code = forms.CharField(label=GridNode._meta.get_field("code").verbose_name, max_length=16, required=False)
    boundary = forms.JSONField(
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("GeoJSON Polygon or MultiPolygon, WGS84 longitude/latitude."),
    )

    class Meta:
        model = GridNode
        fields = ["parent", "code", "name", "boundary"]

    def save_through_service(self, data):
        if self.instance.pk:
            return services.grid_node_update(
                actor=self.request_user, node=self.instance, name=data.get("name"), boundary=data.get("boundary")
            )
        return services.grid_node_create(
            actor=self.request_user,
            parent=data.get("parent"),
            name=data.get("name", ""),
            boundary=data.get("boundary"),
            code=data.get("code") or None,
        )


@admin.register(GridNode)
class GridNodeAdmin(ServiceAdmin, MPTTModelAdmin):
    form = GridNodeForm
    list_display = ["name", "code", "level", "households", "residents"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    mptt_level_indent = 16
    list_per_page = 200

    def get_queryset(self, request):
        return selectors.visible_nodes(request.user).defer("boundary")

    def get_readonly_fields(self, request, obj=None):
        return ["parent", "code", "households", "residents"] if obj else ["households", "residents"]


class DepartmentForm(ServiceForm):
    class Meta:
        model = Department
        fields = ["code", "name", "is_active"]

    def save_through_service(self, data):
        if self.instance.pk:
            return services.department_update(
                actor=self.request_user, department=self.instance, name=data.get("name", ""),
                is_active=data.get("is_active", False),
            )  # fmt: skip
        return services.department_create(actor=self.request_user, code=data.get("code", ""), name=data.get("name", ""))


@admin.register(Department)
class DepartmentAdmin(ServiceAdmin):
    form = DepartmentForm
    list_display = ["code", "name", "is_active"]
    search_fields = ["code", "name"]

    def get_queryset(self, request):
        return selectors.visible_departments(request.user)

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []


class AssignmentForm(ServiceForm):
    valid_from = dates.DomainDateField(label=_("valid from"))

    class Meta:
        model = Assignment
        fields = ["user", "role", "node", "department", "valid_from", "note"]

    def save_through_service(self, data):
        return services.assignment_start(
            actor=self.request_user,
            user=data["user"],
            role=data["role"],
            node=data.get("node"),
            department=data.get("department"),
            valid_from=data.get("valid_from"),
            note=data.get("note", ""),
        )


@admin.register(Assignment)
class AssignmentAdmin(ServiceAdmin):
    form = AssignmentForm
    list_display = ["user", "role", "node", "department", "valid_from", "valid_to"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__name", "node__name", "node__code"]
    raw_id_fields = ["user", "node"]
    list_select_related = ["user", "node", "department"]
    actions = ["end_today"]

    def get_queryset(self, request):
        return selectors.visible_assignments(request.user)

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    @admin.action(description=_("End the selected assignments today"))
    def end_today(self, request, queryset):
        ended = 0
        for assignment in queryset.filter(valid_to__isnull=True):
            try:
                services.assignment_end(actor=request.user, assignment=assignment)
                ended += 1
            except DomainError as exc:
                self.message_user(request, f"{assignment}: {exc.message}", messages.ERROR)
        self.message_user(request, _("%(n)d assignments ended.") % {"n": ended})
