"""Appeals (诉求) of the 96361 service system: the 17 service modules, the working-day
calendar, appeals, their append-only event timeline, photos, extension requests and the
Open311 client keys."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.files import file_url, stored_name, thumbnail_url
from grids.models import Department, GridNode

# Re-exported: the choices are read as petitions.models.Status and so on.
from .choices import (  # noqa: F401
    COLOUR_RANK,
    HANDLING_STATUSES,
    OPEN_STATUSES,
    Colour,
    Priority,
    Rating,
    Source,
    Status,
)


class ServiceModule(models.Model):
    """One of the 17 service modules (服务模块): editable data with an owning department and
    a default time limit in working days. Open311 serves them as its services."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    owner = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="modules", verbose_name=_("owner")
    )
    limit_days = models.PositiveSmallIntegerField(_("time limit (working days)"), default=5)
    is_active = models.BooleanField(_("active"), default=True)
    # Open311's GET requests needs no key, so anyone can read what it lists: modules whose
    # appeals are about people rather than places (petitions, disputes, relief, public order)
    # stay out of it. Their appeals can still be submitted through Open311.
    open311_public = models.BooleanField(_("listed publicly through Open311"), default=True)

    class Meta:
        verbose_name = _("service module")
        verbose_name_plural = _("service modules")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class CalendarDay(models.Model):
    """An exception to the weekend rule: a public holiday on a weekday (is_workday False) or a
    make-up working day on a weekend (调休, is_workday True). Days not listed follow the rule."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class AppealQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AppealQuerySet":
        from .selectors import appeal_scope_q

        return self.filter(appeal_scope_q(user))

    def open(self) -> "AppealQuerySet":
        return self.filter(status__in=OPEN_STATUSES)

    def handling(self) -> "AppealQuerySet":
        return self.filter(status__in=HANDLING_STATUSES)

    def overdue(self, now=None) -> "AppealQuerySet":
        return self.handling().filter(deadline__lt=now or timezone.now())

    def due_soon(self, until, now=None) -> "AppealQuerySet":
        return self.handling().filter(deadline__gte=now or timezone.now(), deadline__lt=until)


class Appeal(models.Model):
    """A resident's appeal (诉求), from any channel, through the closed loop of docs/domain.md §4."""

    # Open311 clients that get no id at once poll tokens/{token}; ours is issued with the id.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    module = models.ForeignKey(ServiceModule, on_delete=models.PROTECT, related_name="appeals")
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    description = models.TextField(_("description"), max_length=4000)
    address = models.CharField(_("address"), max_length=200, blank=True)
    # 公开: the resident chose to publish this appeal (an Open311 POST, or a report whose reporter
    # ticked the consent box). Only these are listed by the public Open311 GET, redacted and at
    # the unit grid's centroid; hotline calls and visit opinions are never public (a constraint).
    public = models.BooleanField(_("published with the reporter's consent"), default=False)

    # Reporter (反映人). Name and phone are personal data: stored only as cipher + lookup hash +
    # masked display form (gridgov.personal_data), never in plain text.
    reporter_name_cipher = models.TextField(blank=True, default="")
    reporter_name_masked = models.CharField(_("reporter"), max_length=50, blank=True, default="")
    reporter_phone_cipher = models.TextField(blank=True, default="")
    # Finds a caller's earlier appeals by phone without decrypting anything.
    reporter_phone_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    reporter_phone_masked = models.CharField(_("reporter phone"), max_length=20, blank=True, default="")
    # The registered resident (registry issue) when the caller was found there.
    reporter_resident = models.ForeignKey(
        "residents.Resident", on_delete=models.PROTECT, null=True, blank=True, related_name="appeals"
    )

    # The point and where it lies, stored so that scopes are plain equality filters
    # (accounts.scopes.Scope.located_q).
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    unit_grid = models.ForeignKey(GridNode, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(GridNode, on_delete=models.PROTECT, related_name="+")
    street = models.ForeignKey(GridNode, on_delete=models.PROTECT, related_name="+")

    # Handling unit (承办单位): a department or a street/community, never both.
    handling_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="appeals"
    )
    handling_node = models.ForeignKey(GridNode, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The street of the handling node, stored so a street's queue is an equality filter.
    handling_street = models.ForeignKey(GridNode, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    # Read by the four-colour supervision task (issue 5) and the queues' "overdue / due soon"
    # tabs: both filter status + deadline ranges through appeal_status_deadline.
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    # When the current handling window opened (dispatch), for "share of the window used".
    window_start = models.DateTimeField(null=True, blank=True)
    rework_count = models.PositiveSmallIntegerField(_("rework count"), default=0)
    repeat_count = models.PositiveSmallIntegerField(_("repeat appeals"), default=0)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="repeats", verbose_name=_("repeat of")
    )
    colour = models.CharField(_("colour"), max_length=6, choices=Colour.choices, default="", blank=True)
    # When the supervision sweep must look at this appeal next (its next threshold), or null when
    # no threshold is ahead. Set by the lifecycle services whenever the window, the deadline or
    # the status changes, and by the sweep itself (petitions.services.supervision).
    next_check_at = models.DateTimeField(_("next supervision check"), null=True, blank=True)
    # The first year of the deadline's span that had no holiday calendar when the deadline was
    # computed (its holidays were counted as working days); null when the calendar was complete.
    # Set with the deadline (lifecycle services); the appeal's page warns of it.
    deadline_calendar_missing = models.PositiveSmallIntegerField(
        _("deadline computed without the calendar of"), null=True, blank=True
    )
    # The level supervising the case: raised one step up the tree by an orange slip
    # (community → street → district). Null: the command center's ordinary supervision.
    supervising_node = models.ForeignKey(
        GridNode, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("supervised by")
    )
    reply = models.TextField(_("reply"), blank=True, default="")
    satisfaction = models.CharField(_("satisfaction"), max_length=12, choices=Rating.choices, blank=True, default="")

    created_at = models.DateTimeField(_("received at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    open311_client = models.ForeignKey(
        "Open311Key", on_delete=models.PROTECT, null=True, blank=True, related_name="appeals"
    )

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The public Open311 GET: published appeals, newest first, in a date range.
            models.Index(fields=["public", "created_at"], name="appeal_public_created"),
            # The supervision task (issue 5) and the overdue / due-soon queues.
            models.Index(fields=["status", "deadline"], name="appeal_status_deadline"),
            # Street and department queues: "dispatched to me" in status order.
            models.Index(fields=["handling_street", "status", "deadline"], name="appeal_hstreet_status"),
            models.Index(fields=["handling_node", "status", "deadline"], name="appeal_hnode_status"),
            models.Index(fields=["handling_department", "status", "deadline"], name="appeal_hdept_status"),
            # Scoped lists (located_q) newest first.
            models.Index(fields=["street", "created_at"], name="appeal_street_created"),
            models.Index(fields=["community", "created_at"], name="appeal_community_created"),
            models.Index(fields=["unit_grid", "created_at"], name="appeal_unit_created"),
            # Command-center inbox and Open311's date-ranged requests list.
            models.Index(fields=["status", "created_at"], name="appeal_status_created"),
            models.Index(fields=["created_at", "id"], name="appeal_created"),
            # The list filters by module (and status) over a date range (API, Open311 service_code);
            # its count(*) then reads the index alone.
            models.Index(fields=["module", "status", "created_at"], name="appeal_module_status_created"),
            # Read by petitions.tasks.sweep_deadlines (every minute): only the appeals due a check.
            models.Index(fields=["next_check_at"], name="appeal_next_check", condition=Q(next_check_at__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(handling_department__isnull=True) | Q(handling_node__isnull=True),
                name="appeal_one_handling_unit",
            ),
            models.CheckConstraint(
                condition=Q(public=False) | ~Q(source__in=["hotline", "visit"]), name="appeal_public_not_hotline_visit"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.module.name if self.module_id else ''}"

    @property
    def handling_unit(self):
        return self.handling_department or self.handling_node

    @property
    def handling_unit_name(self) -> str:
        unit = self.handling_unit
        return unit.name if unit else ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.status in HANDLING_STATUSES and self.deadline is not None and self.deadline < timezone.now()


class AppealEvent(models.Model):
    """One step of an appeal's timeline. Append-only: written by the services in the same
    transaction as the change it records, never edited or deleted."""

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    note = models.TextField(_("note"), blank=True, default="")
    # What else the step decided: the unit dispatched to, the new deadline, the rating …
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("appeal event")
        verbose_name_plural = _("appeal events")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["appeal", "at"], name="appealevent_appeal_at"),
            # The dashboard's flow figures (dashboard.selectors: registered, dispatched, signed,
            # replied, verified in a date range) read one action's events by time.
            models.Index(fields=["action", "at"], name="appealevent_action_at"),
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.action} {self.from_status}→{self.to_status}"


def photo_path(instance, filename: str) -> str:
    # The name is ours, never the uploader's: uploads cannot choose paths (gridgov/files.py).
    return stored_name("appeals", instance.extension)


class AppealPhoto(models.Model):
    """A photo or attachment of an appeal, optionally of one event (a reply's proof, …)."""

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="photos")
    event = models.ForeignKey(AppealEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="photos")
    image = models.FileField(upload_to=photo_path, max_length=200)
    extension = models.CharField(max_length=5)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("appeal photo")
        verbose_name_plural = _("appeal photos")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.appeal_id}: {self.image.name}"

    # Not the storage URL: there is no public /media/; gridgov.files checks the viewer's scope.
    @property
    def url(self) -> str:
        return file_url("appeal-photo", self.pk)

    @property
    def thumbnail_url(self) -> str:
        return thumbnail_url("appeal-photo", self.pk)


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ExtensionRequest(models.Model):
    """An extension (延期) request: asked for by the handling unit before the deadline, decided by
    the command center. Kept after the decision, so the record shows every moved deadline."""

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="extensions")
    days = models.PositiveSmallIntegerField(_("working days"))
    reason = models.TextField(_("reason"))
    status = models.CharField(max_length=8, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    old_deadline = models.DateTimeField(null=True, blank=True)
    new_deadline = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["requested_at", "id"]
        constraints = [
            # At most one undecided request per appeal.
            models.UniqueConstraint(
                fields=["appeal"], condition=Q(status="pending"), name="extension_one_pending_per_appeal"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id}: +{self.days} ({self.status})"


class Open311Key(models.Model):
    """An API key of one Open311 client system. Only its SHA-256 is stored; the key itself
    is printed once by `manage.py open311_key NAME`."""

    name = models.CharField(_("client name"), max_length=100, unique=True)
    prefix = models.CharField(max_length=8, help_text=_("the key's first characters, to tell keys apart"))
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class SlipState(models.TextChoices):
    OPEN = "open", pgettext_lazy("supervision slip", "Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CLOSED = "closed", pgettext_lazy("supervision slip", "Closed")


class SupervisionSlip(models.Model):
    """A four-colour supervision slip (blue 提示单, yellow 督办单, orange 警示单, red 问责单),
    issued by the sweep (issued_by null, `manual` False) or by hand. Acknowledged and closed,
    never deleted. The sweep issues each colour at most once per appeal and handling window:
    the window is identified by its start (`window_start`), so a rework or a reopened case
    earns new slips."""

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="slips")
    colour = models.CharField(_("colour"), max_length=6, choices=[c for c in Colour.choices if c[0]])
    reason = models.CharField(_("reason"), max_length=300)
    manual = models.BooleanField(_("issued by hand"), default=False)
    window_start = models.DateTimeField(_("handling window"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The unit the slip is addressed to, as it was when issued.
    handling_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handling_node = models.ForeignKey(GridNode, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Orange: the level the case was escalated to; red: the supervision bureau.
    escalated_to = models.ForeignKey(GridNode, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_bureau = models.BooleanField(_("to the supervision bureau"), default=False)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    close_note = models.CharField(_("closing note"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("supervision slip")
        verbose_name_plural = _("supervision slips")
        ordering = ["-issued_at", "-id"]
        indexes = [
            models.Index(fields=["appeal", "issued_at"], name="slip_appeal_issued"),
            # The supervision board: open slips by colour, oldest first.
            models.Index(fields=["colour", "issued_at"], name="slip_open_colour", condition=Q(closed_at__isnull=True)),
        ]
        constraints = [
            # The sweep issues each colour once per appeal and handling window, however often it
            # runs and however many workers run it.
            models.UniqueConstraint(
                fields=["appeal", "window_start", "colour"], condition=Q(manual=False), name="slip_once_per_window"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.appeal_id} {self.colour} {self.issued_at:%Y-%m-%d}"

    @property
    def state(self) -> str:
        if self.closed_at:
            return SlipState.CLOSED
        if self.acknowledged_at:
            return SlipState.ACKNOWLEDGED
        return SlipState.OPEN
