"""Page forms: they validate and shape input; the services write."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov import numbers

from .models import Category


class YuanField(numbers.DecimalField):
    """An amount typed in yuan (two decimals), cleaned to whole fen."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=12, decimal_places=2, min_value=Decimal("0.01"), **kwargs)

    def clean(self, value):
        amount = super().clean(value)
        return None if amount is None else int(amount * 100)


class LineForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    amount = YuanField(label=_("Amount (yuan)"))
    payee = forms.TypedChoiceField(label=_("Payee (subsidies)"), coerce=int, required=False, empty_value=None)
    description = forms.CharField(label=pgettext_lazy("expense line", "Description"), max_length=200, required=False)

    def __init__(self, *args, payees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payee"].choices = [("", "—"), *payees]


class ReportNewForm(forms.Form):
    year = numbers.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    month = numbers.IntegerField(label=_("Month"), min_value=1, max_value=12)


class ReceiptForm(forms.Form):
    file = forms.FileField(label=_("Receipt (PDF, JPEG or PNG)"))
    line = forms.TypedChoiceField(label=_("For line"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [("", "—"), *lines]


class ReviewForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
