import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey
from mptt.querysets import TreeQuerySet

from .levels import Level
from .roles import Role

# Digits each level adds to its parent's code: county 370402 + street 3 + community 3
# + base grid 2 + unit grid 2 (GB/T 2260, CJ/T 349 practice).
CODE_DIGITS = {Level.DISTRICT: 6, Level.STREET: 3, Level.COMMUNITY: 3, Level.BASE_GRID: 2, Level.UNIT_GRID: 2}
CODE_LENGTH = {level: sum(CODE_DIGITS[lv] for lv in Level if lv <= level) for level in Level}


class GridNodeQuerySet(TreeQuerySet):
    def visible_to(self, user) -> "GridNodeQuerySet":
        # Imported here: grids.scopes reads this module's models.
        from .scopes import scope_for

        return self.filter(scope_for(user).node_q())

    def at_level(self, level: int) -> "GridNodeQuerySet":
        return self.filter(level=level)


class GridNodeManager(TreeManager.from_queryset(GridNodeQuerySet)):
    pass


class GridNode(MPTTModel):
    """A node of the five-level grid tree. Nodes are never deleted, so a code is never reused."""

    parent = TreeForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=100)
    # GeoJSON geometry (Polygon or MultiPolygon), WGS84 longitude/latitude.
    boundary = models.JSONField(_("boundary"))
    # The boundary's bounding box, so viewport queries are plain indexed range filters.
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()
    # Cached counts, refreshed by the registry's services.
    households = models.PositiveIntegerField(_("households"), default=0)
    residents = models.PositiveIntegerField(_("residents"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GridNodeManager()

    class MPTTMeta:
        order_insertion_by = ["code"]

    class Meta:
        verbose_name = _("grid node")
        verbose_name_plural = _("grid nodes")
        indexes = [
            # The map asks for one level's nodes inside a viewport.
            models.Index(fields=["level", "min_lon", "max_lon", "min_lat", "max_lat"], name="gridnode_level_bbox"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(level__lte=4), name="gridnode_level_at_most_4"),
            models.CheckConstraint(condition=Q(min_lon__lte=models.F("max_lon")), name="gridnode_bbox_lon"),
            models.CheckConstraint(condition=Q(min_lat__lte=models.F("max_lat")), name="gridnode_bbox_lat"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def level_label(self) -> str:
        return Level(self.level).label


class Department(models.Model):
    """A district department (区直部门): a handling unit beside the tree."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class AssignmentQuerySet(models.QuerySet):
    def active(self, on: datetime.date | None = None) -> "AssignmentQuerySet":
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on), valid_from__lte=on)

    def overlapping(self, start: datetime.date, end: datetime.date) -> "AssignmentQuerySet":
        """Valid on some day of [start, end)."""
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=start), valid_from__lt=end)


class Assignment(models.Model):
    """A user holding a role on a grid node or a department (一格多员, 一员多能).

    Valid on the half-open range [valid_from, valid_to): ending one sets valid_to and keeps
    the row, so who held which post on any past day can always be answered.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    node = models.ForeignKey(GridNode, on_delete=models.PROTECT, null=True, blank=True, related_name="assignments")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="assignments"
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        indexes = [
            # Scope resolution reads a user's active assignments on every request.
            models.Index(fields=["user", "valid_from", "valid_to"], name="assignment_user_validity"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(node__isnull=False, department__isnull=True)
                | Q(node__isnull=True, department__isnull=False),
                name="assignment_node_xor_department",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="assignment_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.node or self.department}"

    @property
    def place(self):
        return self.node or self.department
