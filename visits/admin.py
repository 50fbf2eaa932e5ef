"""Admin for visits: read-only views of the records (every write goes through the services,
which the pages and the API call); lists are scoped like every other read."""

from django.contrib import admin

from accounts.scopes import scope_for
from gridgov.admin import ReadOnlyAdmin

from .models import Campaign, CampaignAssignment, DiaryEntry, Opinion, ProxyService, Visit


class LocatedAdmin(ReadOnlyAdmin):
    def get_queryset(self, request):
        return super().get_queryset(request).filter(scope_for(request.user).located_q())


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["name", "start_date", "end_date", "scope_node"]
    list_select_related = ["scope_node"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=Campaign.objects.visible_to(request.user).values("pk"))


@admin.register(CampaignAssignment)
class CampaignAssignmentAdmin(LocatedAdmin):
    list_display = ["campaign", "household", "cadre", "visited_on"]
    list_select_related = ["campaign", "household", "cadre"]
    raw_id_fields = ["household", "cadre", "first_visit"]


@admin.register(Visit)
class VisitAdmin(LocatedAdmin):
    list_display = ["visited_on", "household", "visitor", "campaign"]
    list_select_related = ["household", "visitor", "campaign"]
    raw_id_fields = ["household", "visitor"]


@admin.register(Opinion)
class OpinionAdmin(ReadOnlyAdmin):
    list_display = ["visit", "module", "appeal"]
    list_select_related = ["visit__household", "module", "appeal"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(
                scope_for(request.user).located_q(
                    street="visit__street", community="visit__community", unit_grid="visit__unit_grid"
                )
            )
        )


@admin.register(DiaryEntry)
class DiaryEntryAdmin(ReadOnlyAdmin):
    list_display = ["date", "author", "node"]
    list_select_related = ["author", "node"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(scope_for(request.user).node_q("node__"))


@admin.register(ProxyService)
class ProxyServiceAdmin(LocatedAdmin):
    list_display = ["what", "resident", "status", "handled_by"]
    list_select_related = ["resident", "handled_by"]
