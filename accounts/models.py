from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. What they may see and do comes from their assignments
    (grids.Assignment), not from fields here."""

    # Chinese names are not split into given and family names.
    name = models.CharField(_("name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.username


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)

    def undelivered(self) -> "NotificationQuerySet":
        return self.filter(delivered_at__isnull=True)


class Notification(models.Model):
    """A notice in a user's notification centre (通知).

    The row is written in the same transaction as the change it tells of, so a notice is never
    lost when the broker is down; pushing it out (e-mail) is the delivery task's job, retried
    until `delivered_at` is set.
    """

    class Kind(models.TextChoices):
        SLIP = "slip", _("Supervision slip")
        DISPATCH = "dispatch", _("Dispatched to my unit")
        DEADLINE = "deadline", _("Deadline approaching")
        REVISIT = "revisit", _("Return visit due")
        REPORT_DUE = "report_due", _("Report due")
        REPORT_LATE = "report_late", _("Report late")
        SCORES = "scores", _("Scores published")
        OTHER = "other", _("Notice")

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # What the notice is about, e.g. "slip:812:yellow": sending the same notice twice makes one row.
    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key")]
        indexes = [
            # The header's unread count and the notification list.
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox"),
            # notifications_redeliver (beat) reads only the undelivered rows.
            models.Index(
                fields=["created_at"], condition=models.Q(delivered_at__isnull=True), name="notification_undelivered"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class RevealLog(models.Model):
    """One reveal of one personal-data value (查看明文记录): who saw whose which field, when.
    Append-only: written by the reveal service in the transaction that returns the value."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="reveals", verbose_name=_("who"))
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    field = models.CharField(_("field"), max_length=40)
    # A label of the record at the time (e.g. the resident's name), so the log reads without joins.
    subject = models.CharField(_("whose"), max_length=100, blank=True)
    # Why the value was needed, said by the user before it was shown (rows older than the
    # question hold "").
    reason = models.CharField(_("reason"), max_length=200, blank=True, default="")
    revealed_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("personal-data reveal")
        verbose_name_plural = _("personal-data reveals")
        indexes = [
            # "Who has looked at this person?" is the question an audit asks.
            models.Index(fields=["content_type", "object_id", "revealed_at"], name="reveallog_subject"),
            models.Index(fields=["user", "revealed_at"], name="reveallog_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.subject} · {self.field}"
