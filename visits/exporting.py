"""Coverage exports to .xlsx (openpyxl write-only)."""

from django.utils.translation import gettext as _

from gridgov import xlsx


def coverage_xlsx(*, campaign, total, rows, cadres, unvisited) -> bytes:
    wb = xlsx.workbook()
    ws = wb.create_sheet(_("Coverage"))
    xlsx.append(ws, [campaign.name, f"{campaign.start_date} – {campaign.end_date}"])
    xlsx.append(ws, [_("Area"), _("Assigned"), _("Visited"), _("Not visited"), _("Rate")])
    for row in [total, *rows]:
        xlsx.append(ws, [row.label, row.assigned, row.visited, row.never, round(row.rate, 4)])
    ws = wb.create_sheet(_("By cadre"))
    xlsx.append(ws, [_("Cadre"), _("Assigned"), _("Visited"), _("Not visited"), _("Rate")])
    for row in cadres:
        xlsx.append(ws, [row.label, row.assigned, row.visited, row.never, round(row.rate, 4)])
    ws = wb.create_sheet(_("Not visited"))
    xlsx.append(ws, [_("Household number"), _("Address"), _("Unit grid"), _("Cadre")])
    for a in unvisited.iterator(chunk_size=2000):
        xlsx.append(ws, [a.household.number, a.household.address, a.unit_grid.code, a.cadre.name or a.cadre.username])
    return xlsx.to_bytes(wb)
