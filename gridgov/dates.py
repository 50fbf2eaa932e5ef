"""The one domain range for dates, periods and datetimes that users type.

A year outside GRIDGOV_YEARS (default 2000–2100) is a typing error or a probe, never a real
appeal, period or budget: refusing it here with a clear 400 keeps `9999-12` (whose next month
Python cannot build) and `0482-06-07T18:15:35+20:20` (an offset PostgreSQL refuses) out of
every query. Offsets beyond ±14:00 (the widest in use, UTC+14) are refused for the same reason.
Used by the assessment period parser, funding's `year` parameter, the API's datetime filters,
Open311's dates, and every date a user writes: the form fields (`DomainDateField`), the API's
serializer fields (`ApiDateField`, `ApiDateTimeField`) and, behind them, every service that
stores a date (`check_date`), so a management command or a future caller is held to it too.
Birth dates are the one exception: they lie before 2000 and have their own rule (1900 to today,
residents.services).
"""

import datetime

import django_filters
from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import serializers

from gridgov.errors import InvalidInput

MAX_OFFSET = datetime.timedelta(hours=14)


def year_range() -> tuple[int, int]:
    first, last = getattr(settings, "GRIDGOV_YEARS", (2000, 2100))
    return int(first), int(last)


def _out_of_range(field: str) -> InvalidInput:
    first, last = year_range()
    return InvalidInput(
        _("The year must be between %(first)s and %(last)s.") % {"first": first, "last": last},
        field=field,
        code="out_of_range",
    )


def check_year(year: int, *, field: str = "year") -> int:
    first, last = year_range()
    if not first <= year <= last:
        raise _out_of_range(field)
    return year


def check_date(value: datetime.date | None, *, field: str = "date") -> datetime.date | None:
    """The one date rule of every service that stores a date; None (not given) passes."""
    if value is not None:
        check_year(value.year, field=field)
    return value


def check_datetime(value: datetime.datetime, *, field: str = "datetime") -> datetime.datetime:
    offset = value.utcoffset()
    if offset is not None and abs(offset) > MAX_OFFSET:
        raise InvalidInput(
            _("The time zone offset must be between -14:00 and +14:00."), field=field, code="out_of_range"
        )
    check_year(value.year, field=field)
    return value


def _in_range(check, error, value, name: str):
    """`value` (parsed by the field, None when empty) through `check` (check_date or
    check_datetime); a refusal becomes the field's own validation error (`error`)."""
    if value is not None:
        try:
            check(value, field=name)
        except InvalidInput as exc:
            raise error(exc.message, code="out_of_range") from None
    return value


class DomainDateField(forms.DateField):
    """A form date field that keeps to the domain range (a form error, not a 400 page)."""

    def to_python(self, value):
        return _in_range(check_date, forms.ValidationError, super().to_python(value), self.label or "date")


class ApiDateField(serializers.DateField):
    """DRF's DateField within the domain range: an out-of-range date is a 400 on the field."""

    def to_internal_value(self, value):
        result = super().to_internal_value(value)
        return _in_range(check_date, serializers.ValidationError, result, self.field_name or "date")


class ApiDateTimeField(serializers.DateTimeField):
    """DRF's DateTimeField within the domain range and the ±14:00 offsets."""

    def to_internal_value(self, value):
        result = super().to_internal_value(value)
        return _in_range(check_datetime, serializers.ValidationError, result, self.field_name or "datetime")


class DomainDateTimeField(forms.DateTimeField):
    """A form (and django-filter) datetime field that keeps to the domain range."""

    def to_python(self, value):
        return _in_range(check_datetime, forms.ValidationError, super().to_python(value), self.label or "datetime")


class DomainDateTimeFilter(django_filters.DateTimeFilter):
    """django-filter's DateTimeFilter within the domain range (an out-of-range value is a 400)."""

    field_class = DomainDateTimeField
