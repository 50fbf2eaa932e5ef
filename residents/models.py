"""The registry (人、地、物、组织): places, households, residents, organisations and the
special-population tags, docs/domain.md §3.

Everything with a place stores its point and, beside it, the unit grid the locator found for
the point and that grid's community and street. Scope filters on these big tables are then
plain indexed equality filters (`Scope.located_q`), never MPTT range joins.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from grids.models import GridNode
from grids.scopes import LocatedQuerySet, scope_for


class HouseholdQuerySet(LocatedQuerySet):
    def in_bbox(self, min_lon: float, min_lat: float, max_lon: float, max_lat: float):
        return self.filter(lon__gte=min_lon, lon__lte=max_lon, lat__gte=min_lat, lat__lte=max_lat)


class Located(models.Model):
    """A point in the district and the grids holding it, written together by the services."""

    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    unit_grid = models.ForeignKey(
        GridNode, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit grid"), limit_choices_to={"level": 4}
    )
    # Denormalised from unit_grid: a street's or community's rows are one indexed equality.
    community = models.ForeignKey(GridNode, on_delete=models.PROTECT, related_name="+", verbose_name=_("community"))
    street = models.ForeignKey(GridNode, on_delete=models.PROTECT, related_name="+", verbose_name=_("street"))

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        abstract = True


class Building(Located):
    """A building or place (楼栋/场所): where households live and organisations sit."""

    class Kind(models.TextChoices):
        APARTMENT = "apartment", _("Apartment building")  # 楼房
        COURTYARD = "courtyard", _("Courtyard house")  # 平房院落
        SHOP = "shop", _("Shop front")  # 沿街商铺
        PUBLIC = "public", _("Public place")  # 公共场所
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.APARTMENT)
    address = models.CharField(_("address"), max_length=200)
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("building or place")
        verbose_name_plural = _("buildings and places")

    def __str__(self) -> str:
        return self.name


class Household(Located):
    """A household (户): an address, a point, its members and one of them as head."""

    # 户号: the unit grid's code and a serial; a household keeps it if it moves.
    number = models.CharField(_("household number"), max_length=24, unique=True)
    address = models.CharField(_("address"), max_length=200)
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, null=True, blank=True, related_name="households", verbose_name=_("building")
    )
    head = models.ForeignKey(
        "Resident", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("head")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [
            # The household map asks for the households inside a viewport (households_in_bbox).
            models.Index(fields=["lon", "lat"], name="household_lon_lat"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.address}"


class Relation(models.TextChoices):
    """Relation to the head of the household (与户主关系)."""

    HEAD = "head", _("Head of household")  # 户主
    SPOUSE = "spouse", _("Spouse")  # 配偶
    CHILD = "child", _("Child")  # 子女
    PARENT = "parent", _("Parent")  # 父母
    GRANDCHILD = "grandchild", _("Grandchild")  # 孙子女
    GRANDPARENT = "grandparent", _("Grandparent")  # 祖父母
    SIBLING = "sibling", _("Sibling")  # 兄弟姐妹
    CHILD_IN_LAW = "child_in_law", _("Son- or daughter-in-law")  # 儿媳/女婿
    OTHER = "other", _("Other")


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class ResidentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(
            scope_for(user).located_q(
                street="household__street", community="household__community", unit_grid="household__unit_grid"
            )
        )


class Resident(models.Model):
    """A person registered in a household. ID number and phone are personal data: see
    gridgov.personal_data for the three columns each is stored as."""

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="members", verbose_name=_("household")
    )
    name = models.CharField(_("name"), max_length=50, db_index=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    relation = models.CharField(_("relation to head"), max_length=20, choices=Relation.choices, default=Relation.OTHER)
    id_number_cipher = models.TextField(blank=True, editable=False)
    # Keyed hash: "find by ID number" is an indexed exact match; the unique constraint below
    # keeps a person from being registered twice. The plain index is there too because
    # SQLite's planner does not use the constraint's partial index for `= <hash>`.
    id_number_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    id_number_masked = models.CharField(_("ID number"), max_length=24, blank=True, editable=False)
    phone_cipher = models.TextField(blank=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    phone_masked = models.CharField(_("phone"), max_length=16, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"], condition=~Q(id_number_hash=""), name="resident_id_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def age(self, on: datetime.date | None = None) -> int:
        on = on or timezone.localdate()
        b = self.birth_date
        return on.year - b.year - ((on.month, on.day) < (b.month, b.day))


class SpecialCategory(models.Model):
    """A special-population category (特殊人群) and its follow-up rule: who visits, how often.
    Editable data; the demo seeds the usual eight."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    # One character drawn on the household map marker, and its colour.
    symbol = models.CharField(_("map symbol"), max_length=2)
    color = models.CharField(_("colour"), max_length=7, default="#b3261e")
    responsible_role = models.CharField(
        _("who follows up"), max_length=20, choices=Role.choices, default=Role.GRID_MANAGER
    )
    visit_interval_days = models.PositiveSmallIntegerField(_("visit every (days)"), default=30)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("special-population category")
        verbose_name_plural = _("special-population categories")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(visit_interval_days__gte=1), name="category_visit_interval_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class ResidentTagQuerySet(models.QuerySet):
    def active(self, on: datetime.date | None = None):
        on = on or timezone.localdate()
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gt=on), start_date__lte=on)


class ResidentTag(models.Model):
    """A resident in a special-population category over [start_date, end_date). Ending one
    sets end_date and keeps the row: who was in which category on any day stays answerable."""

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="tags", verbose_name=_("resident"))
    # The resident's household's grids, copied here (and moved with the household) so that
    # tagged-resident counts by grid and scoped tag lists read this small table alone,
    # never the wide resident and household tables.
    unit_grid = models.ForeignKey(GridNode, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(GridNode, on_delete=models.PROTECT, related_name="+")
    street = models.ForeignKey(GridNode, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(
        SpecialCategory, on_delete=models.PROTECT, related_name="tags", verbose_name=_("category")
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    # The next follow-up is due on this day (下次随访): the tag's start_date until it is first
    # followed up, then its latest follow-up's date + the category's visit_interval_days.
    # Never null: every writer of tags, follow-ups and intervals sets it (next_visit_on_refresh
    # recomputes it from the follow-ups), and a missing date would drop a person from the due
    # list without a word. An ended tag keeps its last value; nothing reads it.
    next_visit_on = models.DateField(_("next follow-up due"), editable=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ResidentTagQuerySet.as_manager()

    class Meta:
        verbose_name = _("special-population tag")
        verbose_name_plural = _("special-population tags")
        indexes = [
            # Counts of tagged residents by category (the map's measure, follow-up lists).
            models.Index(fields=["category", "end_date"], name="residenttag_category_end"),
            # visits.selectors.due_visits (the due-visits page and /api/visits/due/): a range
            # `next_visit_on <= Sunday` read in this order, so a page of the district-wide
            # list is an ordered index scan stopped by its LIMIT, not a sort of every tag.
            models.Index(fields=["next_visit_on"], name="residenttag_next_visit"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")), name="residenttag_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident} · {self.category}"

    @property
    def is_active(self) -> bool:
        today = timezone.localdate()
        return self.start_date <= today and (self.end_date is None or self.end_date > today)


class Organisation(Located):
    """An enterprise, shop or social organisation (企业、商铺、社会组织) in a grid."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise")  # 企业
        SHOP = "shop", _("Shop")  # 个体商铺
        SOCIAL = "social", _("Social organisation")  # 社会组织
        INSTITUTION = "institution", _("Public institution")  # 机关事业单位

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # 统一社会信用代码 (GB 32100), optional: shops often have none.
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    address = models.CharField(_("address"), max_length=200)
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, null=True, blank=True, related_name="organisations"
    )
    contact_name = models.CharField(_("contact"), max_length=50, blank=True)
    contact_phone_cipher = models.TextField(blank=True, editable=False)
    contact_phone_hash = models.CharField(max_length=64, blank=True, editable=False)
    contact_phone_masked = models.CharField(_("contact phone"), max_length=16, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class RegistryImport(models.Model):
    """One Excel import (户籍导入) of the registry: the uploaded sheet waits in MEDIA_ROOT/imports/
    while a Celery task checks it, then, once the uploader confirms, imports it
    (residents.importing). The page polls `rows_done` of `rows_total` for its progress bar."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Ready to import")
        REJECTED = "rejected", _("Problems found")
        IMPORTING = "importing", _("Importing")
        IMPORTED = "imported", _("Imported")
        FAILED = "failed", _("Failed")

    token = models.UUIDField(unique=True, editable=False)  # in the page's URL; the pk is guessable
    node = models.ForeignKey(GridNode, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CHECKING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    households = models.PositiveIntegerField(default=0)
    residents = models.PositiveIntegerField(default=0)
    tags = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # [{"row", "column", "message"}]
    message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("registry import")
        verbose_name_plural = _("registry imports")

    def __str__(self) -> str:
        return f"{self.node} {self.created_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.IMPORTING)


# The personal-data fields a reveal may name, per model: field (its columns are <field>_cipher, _hash, _masked) → label.
PERSONAL_FIELDS = {
    Resident: {"id_number": _("ID number"), "phone": _("phone")},
    Organisation: {"contact_phone": _("contact phone")},
}
