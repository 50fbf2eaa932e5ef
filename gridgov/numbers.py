"""The one rule for digits users type (数字) in any numeric input: amounts, counts, years, ids.

Chinese input methods type full-width digits (`１００`, `１３８１２３４５６７８`). Python's
`int()`, `Decimal()` and the regex `\\d` accept those and the digits of every other script too
(`١٠٠`), so one path accepted `１００` as an amount while another stored a full-width phone
number that no look-up would ever find. Here: NFKC folds full-width forms to ASCII (`１００` →
`100`, `＋` → `+`, `．` → `.`, a full-width space to a space); any digit still outside 0–9
afterwards is refused with a clear message. Used by the numeric form fields (`IntegerField`,
`DecimalField`), the API's numeric serializer fields (`ApiIntegerField`, `ApiFloatField`,
`ApiDecimalField`), the phone and ID-number parsers (gridgov/personal_data.py) and the services
that take amounts (funding's `check_amount`, the assessment rule values).
"""

import unicodedata

from django import forms
from django.utils.translation import gettext as _
from rest_framework import serializers

from gridgov.errors import InvalidInput


def ascii_digits(value, *, field: str = "") -> str:
    """`value` as text with full-width forms folded to ASCII; a non-ASCII digit is refused."""
    text = unicodedata.normalize("NFKC", str(value))
    if any(ch.isdigit() and not ch.isascii() for ch in text):
        raise InvalidInput(_("Write numbers with the digits 0–9."), field=field or None, code="digits")
    return text


def normalised(value, *, field: str = ""):
    """Strings are folded (see ascii_digits); numbers and None pass unchanged."""
    return ascii_digits(value, field=field) if isinstance(value, str) else value


class DigitsFormMixin:
    """For Django form fields: fold the typed text before the field parses it."""

    def to_python(self, value):
        try:
            value = normalised(value, field=getattr(self, "label", "") or "")
        except InvalidInput as exc:
            raise forms.ValidationError(exc.message, code="digits") from None
        return super().to_python(value)


class IntegerField(DigitsFormMixin, forms.IntegerField):
    pass


class DecimalField(DigitsFormMixin, forms.DecimalField):
    pass


class FloatField(DigitsFormMixin, forms.FloatField):
    pass


class DigitsApiMixin:
    """For DRF fields: fold the sent text before the field parses it."""

    def to_internal_value(self, data):
        try:
            data = normalised(data, field=self.field_name or "")
        except InvalidInput as exc:
            raise serializers.ValidationError(exc.message, code="digits") from None
        return super().to_internal_value(data)


class ApiIntegerField(DigitsApiMixin, serializers.IntegerField):
    pass


class ApiFloatField(DigitsApiMixin, serializers.FloatField):
    pass


class ApiDecimalField(DigitsApiMixin, serializers.DecimalField):
    pass
