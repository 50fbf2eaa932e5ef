"""Full-width digits (issue 15): one rule for every numeric input (gridgov/numbers.py).
Full-width digits, what a Chinese input method types, are read as 0–9 everywhere; digits of
other scripts are refused everywhere with the same message."""

import pytest
from django import forms
from django.urls import reverse
from rest_framework import serializers

from funding.forms import LineForm
from funding.models import FundingRate
from gridgov import numbers, personal_data
from gridgov.errors import InvalidInput
from tests.security.test_impossible_dates import _classes

REFUSED = "Write numbers with the digits 0–9."


def test_full_width_digits_are_folded_and_other_scripts_refused():
    assert numbers.ascii_digits("１００") == "100"
    assert numbers.ascii_digits("－１２．５") == "-12.5"
    with pytest.raises(InvalidInput, match=REFUSED):
        numbers.ascii_digits("١٠٠")


def test_a_full_width_phone_or_id_number_is_the_same_number_as_the_ascii_one():
    assert personal_data.parse_phone("１３８ １２３４ ５６７８") == "13812345678"
    assert personal_data.id_number_hash("１１０１０５１９４９１２３１００２Ｘ") == personal_data.id_number_hash(
        "11010519491231002X"
    )
    with pytest.raises(InvalidInput):
        personal_data.parse_phone("١٣٨١٢٣٤٥٦٧٨")


def test_an_amount_typed_in_full_width_digits_is_read_as_the_same_amount_in_a_form():
    form = LineForm({"category": "devices", "amount": "１００"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == 10000  # fen
    form = LineForm({"category": "devices", "amount": "١٠٠"})
    assert not form.is_valid() and REFUSED in str(form.errors)


@pytest.mark.django_db
def test_the_api_reads_full_width_digits_and_refuses_other_scripts_with_a_400(client_for, people):
    client = client_for(people.center)
    url = reverse("funding-rate-list")
    refused = client.post(url, {"fen_per_household": "١٠٠٠", "effective_from": "2030-01-01"}, "application/json")
    assert refused.status_code == 400 and REFUSED in refused.content.decode()
    assert not FundingRate.objects.filter(effective_from="2030-01-01").exists()
    created = client.post(url, {"fen_per_household": "１０００", "effective_from": "2030-01-01"}, "application/json")
    assert created.status_code == 201, created.content
    assert FundingRate.objects.get(effective_from="2030-01-01").fen_per_household == 1000


NUMERIC_FORM = (forms.IntegerField, forms.DecimalField, forms.FloatField)
NUMERIC_API = (serializers.IntegerField, serializers.FloatField, serializers.DecimalField)


def test_every_numeric_field_of_every_form_uses_the_one_digit_rule():
    wrong = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in _classes(forms.BaseForm)
        for name, field in getattr(cls, "base_fields", {}).items()
        if isinstance(field, NUMERIC_FORM) and not isinstance(field, numbers.DigitsFormMixin) and not field.disabled
    ]
    assert wrong == []


def test_every_writable_numeric_field_of_every_serializer_uses_the_one_digit_rule():
    wrong = []
    for cls in _classes(serializers.BaseSerializer):
        if issubclass(cls, serializers.ListSerializer):
            continue
        try:
            fields = cls().fields
        except Exception:
            continue
        for name, field in fields.items():
            if field.read_only:
                continue
            for f in (field, getattr(field, "child", None)):
                if isinstance(f, NUMERIC_API) and not isinstance(f, numbers.DigitsApiMixin):
                    wrong.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert wrong == []
