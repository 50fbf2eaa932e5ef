"""Exports of scoped registry lists to .xlsx (openpyxl write-only: rows stream to the file,
memory stays flat). Personal data goes out masked, as everywhere else."""

from django.utils.translation import gettext as _

from gridgov import xlsx

from .models import Relation, Sex

CHUNK = 2000


def households_xlsx(queryset) -> bytes:
    wb = xlsx.workbook()
    ws = wb.create_sheet(_("Households"))
    xlsx.append(ws, [_("Household number"), _("Address"), _("Street"), _("Community"), _("Unit grid"), _("Head"),
               _("Members"), _("Longitude"), _("Latitude")])  # fmt: skip
    for h in queryset.iterator(chunk_size=CHUNK):
        xlsx.append(ws, [h.number, h.address, h.street.name, h.community.name, h.unit_grid.code,
                   h.head.name if h.head else "", h.member_count, h.lon, h.lat])  # fmt: skip
    return xlsx.to_bytes(wb)


def residents_xlsx(queryset) -> bytes:
    relations, sexes = dict(Relation.choices), dict(Sex.choices)
    wb = xlsx.workbook()
    ws = wb.create_sheet(_("Residents"))
    xlsx.append(ws, [_("Name"), _("Sex"), _("Birth date"), _("Relation to head"), _("ID number"), _("Phone"),
               _("Household number"), _("Address"), _("Special populations")])  # fmt: skip
    for r in queryset.iterator(chunk_size=CHUNK):
        xlsx.append(ws, [r.name, str(sexes.get(r.sex, r.sex)), r.birth_date, str(relations.get(r.relation, r.relation)),
                   r.id_number_masked, r.phone_masked, r.household.number, r.household.address,
                   "、".join(t.category.name for t in r.active_tags)])  # fmt: skip
    return xlsx.to_bytes(wb)
