"""Forms of the appeals app that are not the pages' own (those validate in the services)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CalendarImportForm(forms.Form):
    """A year's calendar in the calendar file's format (petitions.calendar.calendar_file_parse)."""

    days = forms.CharField(
        label=_("The year's days"),
        widget=forms.Textarea(attrs={"rows": 20, "cols": 60, "placeholder": "YYYY-MM-DD off 元旦\nYYYY-MM-DD work"}),
        help_text=_(
            "One day a line, copied from the State Council's announcement: “YYYY-MM-DD off NAME” for a "
            "public holiday, “YYYY-MM-DD work” for a make-up working day on a weekend. Lines starting "
            "with # are ignored."
        ),
    )
