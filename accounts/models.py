from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. What they may see and do comes from their assignments
    (grids.Assignment), not from fields here."""

    # Chinese names are not split into given and family names.
    name = models.CharField(_("name"), max_length=50, blank=True)
    # When the password was last set: the rotation rule (GRIDGOV_PASSWORD_MAX_AGE_DAYS,
    # accounts.middleware.PasswordRotationMiddleware) counts from here.
    password_changed_at = models.DateTimeField(_("password changed"), default=timezone.now)
    # Has a confirmed authenticator (TOTP device), kept by accounts.twofactor's services, so the
    # two-step check of every request needs no query for the many users without one.
    two_factor_enabled = models.BooleanField(_("two-step sign-in"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.username

    def set_password(self, raw_password) -> None:
        # Every way of setting a password (the change page, the admin, createsuperuser, seeding)
        # passes here; the caller saves.
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()


class PasswordHistory(models.Model):
    """A user's earlier password hashes (口令历史), so the last GRIDGOV_PASSWORD_HISTORY are not
    chosen again. Written by accounts.passwords.password_change; never the plaintext."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="passwordhistory_user")]

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d}"


class ApiTokenQuerySet(models.QuerySet):
    def usable(self) -> "ApiTokenQuerySet":
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """An API token for a script (API 令牌): it acts as its owner, with the owner's scope.

    The token is `ggt_<prefix>_<secret>`; only the prefix (to find the row) and a SHA-256 of
    the whole token are stored. The secret is 256 random bits, so a fast hash is enough, and
    checking a token costs one indexed read and one SHA-256 (no password hasher). The plaintext
    is shown once, when the token is made (accounts.tokens.api_token_create)."""

    name = models.CharField(_("Token name"), max_length=100)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("owner"))
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("revoked by")
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())


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
