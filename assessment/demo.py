"""Demo data of the assessment: the default rule set and the scores of the last complete months
(and quarters) the seeded appeals cover, so the rankings and trends have something in them."""

import datetime

from django.utils import timezone

from . import services
from .models import PeriodKind

MONTHS = {"paper": 6, "small": 2}


def seed_assessment(ctx) -> str:
    services.rules_default_ensure()
    today = timezone.localdate()
    first = today.replace(day=1)
    months = []
    for _ in range(MONTHS[ctx.scale]):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
        months.append(first)
    labels = [services.period_label(PeriodKind.MONTH, m) for m in reversed(months)]
    # The quarters wholly inside those months.
    labels += [
        services.period_label(PeriodKind.QUARTER, m)
        for m in reversed(months)
        if m.month % 3 == 1 and m.replace(month=m.month + 2) in months
    ]
    runs = [services.period_score(actor=None, label=label, today=today) for label in labels]
    units = sum(run.unit_scores.count() for run in runs)
    staff = sum(run.staff_scores.count() for run in runs)
    return f"{len(runs)} periods scored ({', '.join(labels)}): {units:,} unit scores, {staff:,} staff scores"
