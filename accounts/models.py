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
