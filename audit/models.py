"""The audit trail (审计日志): one append-only row per write to master data and permissions.

Append-only in the database itself (migration 0002_append_only_triggers): an UPDATE is always
refused, a DELETE only inside the purge transaction of `audit_purge` and only of rows older
than the legal minimum of 180 days. Written by `audit.record()` from inside each service's
transaction, so a write and its entry commit or roll back together.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    END = "end", _("Ended")
    DELETE = "delete", _("Deleted")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("when"), default=timezone.now)
    # No foreign-key constraint and no cascade: deleting a user must neither delete nor update
    # the entries about what they did (an UPDATE would be refused anyway). `actor_label` keeps
    # the name as it was; an empty actor is the system (a management command or a task).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_label = models.CharField(_("who"), max_length=150)
    model = models.CharField(_("record type"), max_length=60)  # "residents.resident"
    object_id = models.CharField(_("record"), max_length=40)
    object_label = models.CharField(_("record"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    # {field: [before, after]}; personal data only in its masked form (see audit.record).
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            # The audit page lists newest first; audit_purge deletes by age.
            models.Index(fields=["at"], name="audit_at"),
            # "What did this person change?" and "what happened to this record?"
            models.Index(fields=["actor", "at"], name="audit_actor"),
            models.Index(fields=["model", "object_id", "at"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.model}#{self.object_id}"
