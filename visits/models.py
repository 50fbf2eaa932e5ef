"""Visits (走访), docs/domain.md §5: the cadres' concentrated campaigns, the grid staff's
routine visits, the opinions collected (each one an appeal), the people's diary 民情日志 and
services done on a resident's behalf 走访代办.

Rows that lists and coverage filter by place store the household's unit grid, community and
street beside them (as the registry does), so scope filters are indexed equality filters.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.files import extension_of, file_url, stored_name, thumbnail_url
from grids.models import GridNode
from grids.scopes import LocatedQuerySet, scope_for
from petitions.models import Appeal, ServiceModule
from residents.models import Household, Resident, ResidentTag


class VisitQuerySet(LocatedQuerySet):
    def visible_to(self, user):
        """Visits located in the user's subtree, and a cadre's own visits wherever their post
        is: the one rule of the visits list, the visit page, its photos and a resident's history."""
        return self.filter(scope_for(user).located_q() | Q(visitor=user.pk))


class Placed(models.Model):
    """The household's grids, copied when the row is written."""

    unit_grid = models.ForeignKey(GridNode, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(GridNode, on_delete=models.PROTECT, related_name="+")
    street = models.ForeignKey(GridNode, on_delete=models.PROTECT, related_name="+")

    objects = LocatedQuerySet.as_manager()

    class Meta:
        abstract = True


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = scope_for(user)
        # A campaign is visible to those whose area overlaps its scope node (either holds the
        # other) and to its own cadres.
        if scope.everything:
            return self
        inside = scope.node_q("scope_node__")
        above = Q(pk__in=[])
        for node in scope.nodes:
            above |= Q(scope_node__tree_id=node.tree_id, scope_node__lft__lte=node.lft, scope_node__rght__gte=node.rght)
        # The cadres as a subquery, not a join: a join repeats each campaign once per cadre
        # and multiplies every count annotated on it (the visits home once said 2,400/3,480
        # for a cadre's 20 of 29 households).
        own = Q(pk__in=Campaign.cadres.through.objects.filter(user=user).values("campaign_id"))
        return self.filter(inside | above | own)


class Campaign(models.Model):
    """A concentrated visit campaign (集中走访): households of a scope node shared among cadres."""

    name = models.CharField(_("name"), max_length=100)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))
    scope_node = models.ForeignKey(
        GridNode, on_delete=models.PROTECT, related_name="+", verbose_name=_("area"), limit_choices_to={"level__lte": 3}
    )
    cadres = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="visit_campaigns", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit campaign")
        verbose_name_plural = _("visit campaigns")
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="campaign_period"),
        ]

    def __str__(self) -> str:
        return self.name


class CampaignAssignment(Placed):
    """A household given to a cadre for a campaign (包户). `first_visit` is set by the first visit
    recorded for it, so coverage is a count over this table alone."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="assignments")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visit_assignments")
    first_visit = models.ForeignKey("Visit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    visited_on = models.DateField(_("visited on"), null=True, blank=True)

    class Meta:
        verbose_name = _("campaign household")
        verbose_name_plural = _("campaign households")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "household"], name="campaign_household_once"),
        ]
        indexes = [
            # The cadre's own list (my households) and coverage by cadre.
            models.Index(fields=["campaign", "cadre"], name="campaignassign_cadre"),
            # Coverage by node counts these per campaign and grid.
            models.Index(fields=["campaign", "street", "community"], name="campaignassign_place"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} · {self.household_id} → {self.cadre_id}"


class Visit(Placed):
    """One visit to a household (入户走访): by a cadre in a campaign, or routine by grid staff."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="visits")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="visits")
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField(_("date"))
    met = models.CharField(_("who was met"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=4000)
    followed_tags = models.ManyToManyField(
        ResidentTag, through="FollowUp", related_name="visits", blank=True, verbose_name=_("follow-ups done")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [
            models.Index(fields=["household", "visited_on"], name="visit_household_date"),
            models.Index(fields=["visitor", "visited_on"], name="visit_visitor_date"),
            models.Index(fields=["street", "visited_on"], name="visit_street_date"),
        ]

    def __str__(self) -> str:
        return f"{self.household} · {self.visited_on}"


class FollowUp(models.Model):
    """A special-population follow-up done on a visit; the due-visits list reads the latest."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="followups")
    tag = models.ForeignKey(ResidentTag, on_delete=models.PROTECT, related_name="followups")
    # Copied from the visit: the due list's "latest follow-up per tag" is an index-only max.
    visited_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["visit", "tag"], name="followup_once_per_visit")]
        indexes = [models.Index(fields=["tag", "visited_on"], name="followup_tag_date")]

    def __str__(self) -> str:
        return f"{self.tag_id} @ {self.visited_on}"


def visit_photo_path(instance, filename: str) -> str:
    # A random name of ours (gridgov/files.py); `filename` only lends the checked extension.
    return stored_name("visits", extension_of(filename))


class VisitPhoto(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="photos")
    image = models.FileField(upload_to=visit_photo_path, max_length=200)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.image.name

    # Not the storage URL: there is no public /media/; gridgov.files checks the viewer's scope.
    @property
    def url(self) -> str:
        return file_url("visit-photo", self.pk)

    @property
    def thumbnail_url(self) -> str:
        return thumbnail_url("visit-photo", self.pk)


class Opinion(models.Model):
    """An opinion collected on a visit (民意). It is an appeal with source "visit" from the moment
    it is written: the appeal carries the classification, dispatch, deadline and outcome."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="opinions")
    module = models.ForeignKey(ServiceModule, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("opinion"), max_length=4000)
    appeal = models.OneToOneField(Appeal, on_delete=models.PROTECT, related_name="opinion")

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")

    def __str__(self) -> str:
        return self.text[:40]


class Topic(models.TextChoices):
    """Topics of the people's diary (民情日志)."""

    LIVELIHOOD = "livelihood", _("Livelihood")  # 民生
    SAFETY = "safety", _("Safety")  # 安全
    ENVIRONMENT = "environment", _("Environment")  # 环境
    DISPUTE = "dispute", _("Disputes")  # 矛盾纠纷
    SPECIAL = "special", _("Special population")  # 特殊人群
    PUBLIC_ORDER = "public_order", _("Public order")  # 治安
    OTHER = "other", _("Other")


class DiaryQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(scope_for(user).node_q("node__"))


class DiaryEntry(models.Model):
    """A day's entry in the people's diary (民情日志) by a grid worker, about a grid."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="diary_entries")
    date = models.DateField(_("date"))
    node = models.ForeignKey(GridNode, on_delete=models.PROTECT, related_name="+", verbose_name=_("grid"))
    topics = models.JSONField(_("topics"), default=list, blank=True)
    text = models.TextField(_("text"), max_length=4000)
    # The residents the entry is about (看人知情: listed on their page and their household's).
    mentions = models.ManyToManyField(
        Resident, related_name="diary_mentions", blank=True, verbose_name=_("residents mentioned")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DiaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("diary entry")
        verbose_name_plural = _("diary entries")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["author", "date"], name="diary_author_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.text[:30]}"


class ProxyService(Placed):
    """A service done on a resident's behalf (走访代办): what, for whom, and how it ended."""

    class Status(models.TextChoices):
        OPEN = "open", _("In hand")
        DONE = "done", _("Done")
        FAILED = "failed", _("Could not be done")

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+", verbose_name=_("for"))
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, null=True, blank=True, related_name="proxy_services")
    what = models.CharField(_("what"), max_length=200)
    result = models.TextField(_("result"), blank=True, max_length=2000)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("service on a resident's behalf")
        verbose_name_plural = _("services on residents' behalf")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.what
