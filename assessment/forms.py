"""Forms of the assessment pages. They check types and shape the input; the services decide
(weights that add up, dates that do not reach into a scored period, who may act)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov import dates, numbers

from .models import SLIP_DEDUCTIONS, STAFF_WEIGHTS, UNIT_WEIGHTS, RuleSet

RULE_FIELDS = (
    *UNIT_WEIGHTS,
    *SLIP_DEDUCTIONS,
    *STAFF_WEIGHTS,
    "visit_share",
    "reports_target",
    "response_hours",
    "diary_target",
)


class RuleSetForm(forms.Form):
    effective_from = dates.DomainDateField(label=_("In force from"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, latest: RuleSet | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # The weights take the model's own fields (labels, decimals); they start from the
        # rule set in force now, so a change is an edit of what is there.
        for name in RULE_FIELDS:
            field = RuleSet._meta.get_field(name).formfield(form_class=numbers.DecimalField)
            field.initial = getattr(latest, name) if latest else RuleSet._meta.get_field(name).default
            self.fields[name] = field
        self.order_fields(["effective_from", *RULE_FIELDS, "note"])

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in RULE_FIELDS}

    def groups(self) -> list[tuple[str, list]]:
        return [
            (_("Unit score weights (add up to 100)"), [self[n] for n in UNIT_WEIGHTS]),
            (_("Deductions per supervision slip"), [self[n] for n in SLIP_DEDUCTIONS]),
            (_("Staff score weights (add up to 100)"), [self[n] for n in STAFF_WEIGHTS]),
            (_("Targets"), [self[n] for n in ("visit_share", "reports_target", "response_hours", "diary_target")]),
        ]


class ScoreForm(forms.Form):
    period = forms.CharField(
        label=_("Period"), max_length=7, help_text=_("A month as YYYY-MM (2026-05) or a quarter as YYYY-Qn (2026-Q2).")
    )


class RecomputeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
