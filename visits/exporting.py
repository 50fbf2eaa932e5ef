"""Coverage exports to .xlsx (openpyxl write-only)."""

import tempfile

from django.utils.translation import gettext as _
from openpyxl import Workbook


def coverage_xlsx(*, campaign, total, rows, cadres, unvisited) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Coverage"))
    ws.append([campaign.name, f"{campaign.start_date} – {campaign.end_date}"])
    ws.append([_("Area"), _("Assigned"), _("Visited"), _("Not visited"), _("Rate")])
    for row in [total, *rows]:
        ws.append([row.label, row.assigned, row.visited, row.never, round(row.rate, 4)])
    ws = wb.create_sheet(_("By cadre"))
    ws.append([_("Cadre"), _("Assigned"), _("Visited"), _("Not visited"), _("Rate")])
    for row in cadres:
        ws.append([row.label, row.assigned, row.visited, row.never, round(row.rate, 4)])
    ws = wb.create_sheet(_("Not visited"))
    ws.append([_("Household number"), _("Address"), _("Unit grid"), _("Cadre")])
    for a in unvisited.iterator(chunk_size=2000):
        ws.append([a.household.number, a.household.address, a.unit_grid.code, a.cadre.name or a.cadre.username])
    with tempfile.TemporaryFile() as handle:
        wb.save(handle)
        handle.seek(0)
        return handle.read()
