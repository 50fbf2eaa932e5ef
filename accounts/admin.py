from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import RevealLog, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "name", "is_active", "is_staff", "last_login"]
    search_fields = ["username", "name"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["name", "email"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]

    def save_model(self, request, obj, form, change):
        # Through the service, which records the change in the audit trail.
        from .services import user_save

        user_save(actor=request.user, user=obj, also_changed=form.changed_data)


@admin.register(RevealLog)
class RevealLogAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only and written by the reveal service alone."""

    list_display = ["revealed_at", "user", "subject", "field", "reason", "content_type", "object_id"]
    list_filter = ["field", "content_type"]
    search_fields = ["user__username", "user__name", "subject"]
    list_select_related = ["user", "content_type"]
    date_hierarchy = "revealed_at"

    def get_queryset(self, request):
        # The district (command center, admins) audits everyone; anyone else sees their own.
        from .scopes import scope_for

        qs = super().get_queryset(request)
        return qs if scope_for(request.user).everything else qs.filter(user=request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
