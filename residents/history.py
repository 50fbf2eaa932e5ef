"""看人知情: a resident's, or a household's, history across the apps — the appeals they made
or that were collected at their door, the visits to their household, the follow-ups of their
special-population tags, the diary entries that name them and the services done on their
behalf (docs/domain.md §3, the household grid map's "map → house → people → their cases and visits").

Each list is scoped through the same selectors as its own app's pages (an appeal, visit or
diary entry the user could not open is not listed), newest first, cut at LIMIT rows with the
total beside it (a window count in the same query): one query per list whatever the history's
length, so the pages' query counts are constant.
"""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Window

from .models import Household, Resident

LIMIT = 20


@dataclass
class Listed:
    rows: list
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def _listed(qs: QuerySet) -> Listed:
    """The newest LIMIT rows and, from a window count over the same query, how many there are
    in all: one query however long the list."""
    rows = list(qs.annotate(listed_total=Window(Count("id")))[:LIMIT])
    return Listed(rows, rows[0].listed_total if rows else 0)


@dataclass
class History:
    appeals: Listed
    visits: Listed
    followups: Listed
    diary: Listed
    services: Listed


def _history(user, *, residents, household_ids) -> History:
    """`residents`: a queryset of the residents concerned; `household_ids`: their households."""
    from petitions.selectors import appeal_list
    from visits.models import DiaryEntry, FollowUp, ProxyService, Visit

    # The resident called (reporter) or the opinion was collected on a visit to the household.
    appeals = (
        appeal_list(user)
        .filter(Q(reporter_resident__in=residents) | Q(opinion__visit__household_id__in=household_ids))
        .order_by("-created_at", "-id")
    )
    visible_visits = Visit.objects.visible_to(user)
    visits = (
        visible_visits.filter(household_id__in=household_ids)
        .select_related("visitor", "campaign")
        .order_by("-visited_on", "-id")
    )
    followups = (
        FollowUp.objects.filter(tag__resident__in=residents, visit__in=visible_visits.values("pk"))
        .select_related("tag__category", "tag__resident", "visit__visitor")
        .order_by("-visited_on", "-id")
    )
    diary = (
        DiaryEntry.objects.visible_to(user)
        .filter(pk__in=DiaryEntry.mentions.through.objects.filter(resident__in=residents).values("diaryentry_id"))
        .select_related("author", "node")
        .order_by("-date", "-id")
    )
    services = (
        ProxyService.objects.visible_to(user)
        .filter(resident__in=residents)
        .select_related("resident", "handled_by")
        .order_by("-created_at", "-id")
    )
    return History(_listed(appeals), _listed(visits), _listed(followups), _listed(diary), _listed(services))


def resident_history(user, resident: Resident) -> History:
    """The history of a resident the user may see (selectors.resident_detail)."""
    return _history(user, residents=Resident.objects.filter(pk=resident.pk), household_ids=[resident.household_id])


def household_history(user, household: Household) -> History:
    """The history of a household and all its members."""
    return _history(user, residents=Resident.objects.filter(household_id=household.pk), household_ids=[household.pk])
