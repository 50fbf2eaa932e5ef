"""Forms of the visit pages: they validate and shape; the services write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov import dates, numbers

from .models import Topic

OPINION_ROWS = 3  # blank opinion rows on the visit form; empty rows are skipped


class VisitForm(forms.Form):
    visited_on = dates.DomainDateField(
        label=_("Date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    met = forms.CharField(label=_("Who was met"), max_length=100, required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class DiaryForm(forms.Form):
    date = dates.DomainDateField(label=_("Date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    node = numbers.IntegerField(label=_("Grid"), widget=forms.Select)
    topics = forms.MultipleChoiceField(
        label=_("Topics"), choices=Topic.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    text = forms.CharField(label=_("Entry"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
