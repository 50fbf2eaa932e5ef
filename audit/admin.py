from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the trail is written by audit.record alone and refused UPDATE/DELETE by the
    database."""

    list_display = ["at", "actor_label", "action", "model", "object_id", "object_label", "reason"]
    list_filter = ["action", "model"]
    search_fields = ["actor_label", "object_label", "object_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
