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


class RevealLog(models.Model):
    """One reveal of one personal-data value (查看明文记录): who saw whose which field, when.
    Append-only: written by the reveal service in the transaction that returns the value."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="reveals", verbose_name=_("who"))
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    field = models.CharField(_("field"), max_length=40)
    # A label of the record at the time (e.g. the resident's name), so the log reads without joins.
    subject = models.CharField(_("whose"), max_length=100, blank=True)
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
