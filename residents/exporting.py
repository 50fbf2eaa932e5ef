"""Exports of scoped registry lists to .xlsx (openpyxl write-only: rows stream to the file,
memory stays flat). Personal data goes out masked, as everywhere else."""

import tempfile

from django.utils.translation import gettext as _
from openpyxl import Workbook

from .models import Relation, Sex

CHUNK = 2000


def _save(wb: Workbook) -> bytes:
    with tempfile.TemporaryFile() as handle:
        wb.save(handle)
        handle.seek(0)
        return handle.read()


def households_xlsx(queryset) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Households"))
    ws.append([_("Household number"), _("Address"), _("Street"), _("Community"), _("Unit grid"), _("Head"),
               _("Members"), _("Longitude"), _("Latitude")])  # fmt: skip
    for h in queryset.iterator(chunk_size=CHUNK):
        ws.append([h.number, h.address, h.street.name, h.community.name, h.unit_grid.code,
                   h.head.name if h.head else "", h.member_count, h.lon, h.lat])  # fmt: skip
    return _save(wb)


def residents_xlsx(queryset) -> bytes:
    relations, sexes = dict(Relation.choices), dict(Sex.choices)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Residents"))
    ws.append([_("Name"), _("Sex"), _("Birth date"), _("Relation to head"), _("ID number"), _("Phone"),
               _("Household number"), _("Address"), _("Special populations")])  # fmt: skip
    for r in queryset.iterator(chunk_size=CHUNK):
        ws.append([r.name, str(sexes.get(r.sex, r.sex)), r.birth_date, str(relations.get(r.relation, r.relation)),
                   r.id_number_masked, r.phone_masked, r.household.number, r.household.address,
                   "、".join(t.category.name for t in r.active_tags)])  # fmt: skip
    return _save(wb)
