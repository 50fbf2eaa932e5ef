"""A period's scores to .xlsx (openpyxl write-only): a sheet per unit level and per staff role,
only the rows the user may see, each with every count, the score and the rank."""

from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov import xlsx

from . import explain, selectors
from .models import Period

UNIT_COLUMNS = ("handled", "completed", "on_time", "rated", "satisfied", "reworked", "return_visited", "extensions")
SLIP_COLUMNS = ("blue", "yellow", "orange", "red")
STAFF_COLUMNS = ("households", "visited", "reports", "services", "services_on_time", "diary_days")


def _sheet_title(text: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\
    return "".join(ch for ch in text if ch not in "[]:*?/\\")[:31]


def period_xlsx(user, period: Period) -> bytes:
    from .models import StaffScore, UnitScore

    run = period.current_run
    heading = [
        period.label,
        _("run %(number)s") % {"number": run.number},
        _("computed %(when)s") % {"when": f"{timezone.localtime(run.computed_at):%Y-%m-%d %H:%M}"},
        _("rules in force from %(day)s") % {"day": run.rules.effective_from},
    ]
    wb = xlsx.workbook()
    for level in selectors.LEVELS:
        ws = wb.create_sheet(_sheet_title(selectors.level_label(level)))
        xlsx.append(ws, heading)
        rows = selectors.ranking(user, period, level)
        if selectors.is_staff_level(level):
            fields = [StaffScore._meta.get_field(name) for name in STAFF_COLUMNS]
            xlsx.append(ws, [_("Rank"), _("Name"), _("Grid"), *[str(f.verbose_name) for f in fields], _("Score")])
            for row in rows.iterator(chunk_size=2000):
                values = [getattr(row, f.name) for f in fields]
                xlsx.append(ws, [row.rank, row.name, row.node.name, *values, float(row.score)])
        else:
            fields = [UnitScore._meta.get_field(name) for name in (*UNIT_COLUMNS, *SLIP_COLUMNS)]
            rates = [_("On-time rate"), _("Completion rate"), _("Satisfaction rate"), _("Rework rate")]
            xlsx.append(ws, [_("Rank"), _("Unit"), *[str(f.verbose_name) for f in fields], *rates, _("Score")])
            for row in rows.iterator(chunk_size=2000):
                r = explain.unit_rates(row)
                xlsx.append(
                    ws,
                    [
                        row.rank,
                        row.name,
                        *[getattr(row, f.name) for f in fields],
                        *[round(float(r[k]), 4) for k in ("on_time_rate", "completion_rate", "satisfaction_rate")],
                        round(float(r["rework_rate"]), 4),
                        float(row.score),
                    ],
                )
    return xlsx.to_bytes(wb)
