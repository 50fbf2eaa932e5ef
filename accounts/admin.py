from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from gridgov.admin import ReadOnlyAdmin

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


@admin.register(RevealLog)
class RevealLogAdmin(ReadOnlyAdmin):
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
