"""The one cleaner of free text typed by people: stripped, a NUL refused (PostgreSQL cannot
store it), required when asked, and at most `max_length` characters. Every service that takes
a name, a note, a reason or an address reads it through `clean_text`."""

from django.utils.translation import gettext as _

from gridgov.errors import InvalidInput


def clean_text(value, *, field: str, label: str, required: bool = False, max_length: int = 4000) -> str:
    text = "" if value is None else str(value)
    if "\x00" in text:
        raise InvalidInput(_("%(label)s contains a NUL character.") % {"label": label}, field=field, code="nul")
    text = text.strip()
    if required and not text:
        raise InvalidInput(_("%(label)s is required.") % {"label": label}, field=field, code="required")
    if len(text) > max_length:
        raise InvalidInput(
            _("%(label)s is longer than %(max)d characters.") % {"label": label, "max": max_length}, field=field
        )
    return text
