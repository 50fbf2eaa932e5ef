"""Excel (.xlsx) import of households and residents for one grid node, and its template.

One row per resident, in the layout a community keeps (户籍登记表): the household columns
repeat (or are left blank) on each member's row, and rows with the same 户号 form one
household. `registry_import` is the one service the management command and the import page
both call: it checks every row and reports every bad one (row number, column, reason); with
`commit=True` and no bad row it writes everything in one transaction, else nothing.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import REGISTRY_EDITORS
from accounts.scopes import require_role, scope_for
from audit import services as audit
from gridgov import personal_data, xlsx
from gridgov.errors import InvalidInput, NotAllowed
from grids.locator import get_locator
from grids.models import GridNode

from .import_sheet import COLUMNS, REQUIRED, _cell, _read_rows
from .models import Household, Relation, Resident, ResidentTag, SpecialCategory
from .services import grid_counts_refresh
from .services.households import RESIDENT_FIELDS, sex_and_birth
from .services.tags import first_visit_due

RELATIONS = {
    "户主": Relation.HEAD,
    "本人": Relation.HEAD,
    "配偶": Relation.SPOUSE,
    "妻": Relation.SPOUSE,
    "夫": Relation.SPOUSE,
    "子女": Relation.CHILD,
    "子": Relation.CHILD,
    "女": Relation.CHILD,
    "父母": Relation.PARENT,
    "父亲": Relation.PARENT,
    "母亲": Relation.PARENT,
    "孙子女": Relation.GRANDCHILD,
    "孙子": Relation.GRANDCHILD,
    "孙女": Relation.GRANDCHILD,
    "祖父母": Relation.GRANDPARENT,
    "兄弟姐妹": Relation.SIBLING,
    "儿媳": Relation.CHILD_IN_LAW,
    "女婿": Relation.CHILD_IN_LAW,
    "其他": Relation.OTHER,
}
SEXES = {"男": "M", "女": "F", "m": "M", "f": "F", "male": "M", "female": "F"}
TAG_SPLIT = re.compile(r"[、,，;；/\s]+")


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    node: GridNode
    households: int = 0
    residents: int = 0
    tags: int = 0
    errors: list[RowError] = field(default_factory=list)
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def template_workbook() -> bytes:
    """The sheet to fill in: headers, an example household of two, and notes."""
    wb = xlsx.workbook(write_only=False)
    ws = wb.active
    ws.title = "户籍登记表"
    xlsx.append(ws, [header for _key, header, _aliases in COLUMNS])
    xlsx.append(
        ws,
        [
            "370402001001010199",
            "中心街街道光明路12号1号楼1单元101室",
            117.5551,
            34.8571,
            "张伟",
            "户主",
            "370402198001010011",
            "男",
            "1980-01-01",
            "13812345678",
            "残疾人",
        ],
    )
    xlsx.append(ws, ["370402001001010199", "", "", "", "李娜", "配偶", "", "女", "1982-05-06", "", ""])
    notes = wb.create_sheet("填写说明")
    for line in [
        _("One row per resident. Rows with the same household number (户号) form one household."),
        _("Address, longitude and latitude (WGS84) are needed on the household's first row."),
        _("Relation: 户主, 配偶, 子女, 父母, 孙子女, 祖父母, 兄弟姐妹, 儿媳, 女婿, 其他. One 户主 per household."),
        _("Sex and birth date may be left out when the ID number is given: they are read from it."),
        _("Special populations: category names separated by 、 (e.g. 独居老人、残疾人)."),
        _("Delete the example rows before importing."),
    ]:
        xlsx.append(notes, [line])
    return xlsx.to_bytes(wb)


def _parse_date(text: str) -> datetime.date:
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise InvalidInput(_("%(text)s is not a date (write 1980-01-31).") % {"text": text})


PROGRESS_EVERY = 500  # rows between two progress reports (one UPDATE each)


def registry_import(
    *,
    actor,
    node: GridNode,
    data: bytes,
    commit: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Check a workbook for `node` and, with `commit`, import it all or nothing. `progress`
    (rows done, rows in all) is called every PROGRESS_EVERY rows while checking."""
    require_role(actor, *REGISTRY_EDITORS, action=_("import into the residents registry"))
    if actor is not None and not scope_for(actor).contains_node(node) and not actor.is_superuser:
        raise NotAllowed(_("%(node)s lies outside your area.") % {"node": node.name})
    report = ImportReport(node=node)
    lookup, rows = _read_rows(data)
    header = {key: name for key, name, _a in COLUMNS}
    categories = {c.name: c for c in SpecialCategory.objects.filter(is_active=True)}
    categories |= {c.code: c for c in categories.values()}
    locator = get_locator()
    scope = scope_for(actor) if actor is not None else None
    unit_nodes = {
        n.id: n for n in GridNode.objects.filter(level=4).only("id", "tree_id", "lft", "rght", "code", "name")
    }

    def err(row: int, key: str, message: str):
        report.errors.append(RowError(row, header.get(key, key), str(message)))

    households: dict[str, dict] = {}
    seen_ids: dict[str, int] = {}
    residents: list[dict] = []
    today = timezone.localdate()
    for done, (row_number, row) in enumerate(rows):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, len(rows))

        def get(key, row=row):
            i = lookup.get(key)
            return _cell(row[i]) if i is not None and i < len(row) else ""

        problems_before = len(report.errors)
        for key in REQUIRED:
            if not get(key):
                err(row_number, key, _("This column is required."))
        number = get("number")
        if len(number) > 24:
            err(row_number, "number", _("A household number has at most 24 characters."))
        household = households.get(number)
        if number and household is None:
            household = {"number": number, "row": row_number, "has_head": False}
            address, lon, lat = get("address"), get("lon"), get("lat")
            if not address:
                err(row_number, "address", _("The household's first row needs its address."))
            elif len(address) > 200:
                err(row_number, "address", _("An address has at most 200 characters."))
            try:
                found = locator.locate(lon, lat)
            except InvalidInput as exc:
                err(row_number, "lon", exc.message)
            else:
                unit = unit_nodes[found.unit_grid_id]
                if not (node.tree_id == unit.tree_id and node.lft <= unit.lft and unit.rght <= node.rght):
                    where = {"grid": unit.code, "node": node.name}
                    err(row_number, "lon", _("The point lies in %(grid)s, outside %(node)s.") % where)
                elif scope is not None and not scope.contains_node(unit) and not actor.is_superuser:
                    err(row_number, "lon", _("The point lies outside your area."))
                household |= {"address": address, "lon": float(lon), "lat": float(lat), "found": found}
            households[number] = household
        relation = RELATIONS.get(get("relation"), get("relation") if get("relation") in Relation.values else None)
        if get("relation") and relation is None:
            err(row_number, "relation", _("Unknown relation %(r)s.") % {"r": get("relation")})
        if relation == Relation.HEAD and household is not None:
            if household["has_head"]:
                err(row_number, "relation", _("Household %(n)s already has a head.") % {"n": number})
            household["has_head"] = True
        name = get("name")
        if len(name) > 50:
            err(row_number, "name", _("A name has at most 50 characters."))
        sex = SEXES.get(get("sex").lower(), get("sex")) if get("sex") else None
        birth = None
        if get("birth_date"):
            try:
                birth = _parse_date(get("birth_date"))
            except InvalidInput as exc:
                err(row_number, "birth_date", exc.message)
        id_number = get("id_number")
        sealed_id = sealed_phone = personal_data.EMPTY
        raw_id = row[lookup["id_number"]] if "id_number" in lookup and lookup["id_number"] < len(row) else None
        try:
            if isinstance(raw_id, (int, float)):
                # Excel keeps 15 significant digits: an 18-digit number typed into a number cell
                # has already lost its last digits, and no check can tell which.
                raise InvalidInput(
                    _("The ID number is stored as a number and has lost digits; format the column as text.")
                )
            if id_number:
                parsed = personal_data.parse_id_number(id_number, today=today)
                sealed_id = personal_data.seal_id_number(parsed.number)
                if parsed.number in seen_ids:
                    err(
                        row_number,
                        "id_number",
                        _("The same ID number is on row %(r)d.") % {"r": seen_ids[parsed.number]},
                    )
                seen_ids.setdefault(parsed.number, row_number)
            if id_number or birth is not None or not get("birth_date"):
                sex, birth = sex_and_birth(id_number=id_number, sex=sex, birth_date=birth, today=today)
        except InvalidInput as exc:
            err(row_number, exc.field if exc.field in ("sex", "birth_date") else "id_number", exc.message)
        try:
            sealed_phone = personal_data.seal_phone(get("phone"))
        except InvalidInput as exc:
            err(row_number, "phone", exc.message)
        tags = []
        for label in TAG_SPLIT.split(get("tags")):
            if not label:
                continue
            if label not in categories:
                err(row_number, "tags", _("Unknown special-population category %(c)s.") % {"c": label})
            else:
                tags.append(categories[label])
        if len(report.errors) == problems_before:
            residents.append(
                {
                    "household": number,
                    "name": name,
                    "relation": relation,
                    "sex": sex,
                    "birth_date": birth,
                    "id": sealed_id,
                    "phone": sealed_phone,
                    "tags": tags,
                }
            )

    # Against the database: household numbers and ID numbers already registered (two queries).
    taken = set(Household.objects.filter(number__in=list(households)).values_list("number", flat=True))
    for number in sorted(taken):
        err(households[number]["row"], "number", _("Household %(n)s is already registered.") % {"n": number})
    row_of_hash = {personal_data.keyed_hash("id", number): row for number, row in seen_ids.items()}
    for digest in Resident.objects.filter(id_number_hash__in=list(row_of_hash)).values_list(
        "id_number_hash", flat=True
    ):
        err(row_of_hash[digest], "id_number", _("A resident with this ID number is already registered."))
    report.errors.sort(key=lambda e: e.row)
    if progress is not None:
        progress(len(rows), len(rows))
    report.households = len(households)
    report.residents = len(residents)
    report.tags = sum(len(r["tags"]) for r in residents)
    if commit and report.ok:
        _write(actor, households, residents)
        report.committed = True
    return report


@transaction.atomic
def _write(actor, households: dict[str, dict], residents: list[dict]) -> None:
    objects = {
        number: Household(
            number=number,
            address=h["address"],
            lon=h["lon"],
            lat=h["lat"],
            unit_grid_id=h["found"].unit_grid_id,
            community_id=h["found"].community_id,
            street_id=h["found"].street_id,
        )
        for number, h in households.items()
    }
    Household.objects.bulk_create(objects.values(), batch_size=1000)
    people = [
        Resident(
            household_id=objects[r["household"]].pk,
            name=r["name"],
            relation=r["relation"],
            sex=r["sex"],
            birth_date=r["birth_date"],
            **r["id"].columns("id_number"),
            **r["phone"].columns("phone"),
        )
        for r in residents
    ]
    Resident.objects.bulk_create(people, batch_size=1000)
    today = timezone.localdate()
    tags = ResidentTag.objects.bulk_create(
        [
            ResidentTag(
                resident_id=p.pk,
                category=c,
                start_date=today,
                next_visit_on=first_visit_due(today),
                created_by=actor,
                unit_grid_id=households[r["household"]]["found"].unit_grid_id,
                community_id=households[r["household"]]["found"].community_id,
                street_id=households[r["household"]]["found"].street_id,
            )
            for p, r in zip(people, residents, strict=True)
            for c in r["tags"]
        ],
        batch_size=1000,
    )
    heads = {p.household_id: p.pk for p in people if p.relation == Relation.HEAD}
    for household in objects.values():
        household.head_id = heads.get(household.pk)
    Household.objects.bulk_update([h for h in objects.values() if h.head_id], ["head"], batch_size=1000)
    # The audit trail: one entry per new row, as the services write them one by one.
    why = _("Registry import")
    audit.record_many(actor=actor, action="create", objs=objects.values(), fields=("number", "address"), reason=why)
    audit.record_many(
        actor=actor, action="create", objs=people, fields=RESIDENT_FIELDS, label=lambda p: p.name, reason=why
    )
    audit.record_many(
        actor=actor, action="create", objs=tags, fields=("category", "start_date"),
        label=lambda t: f"{t.resident_id} · {t.category}", reason=why,
    )  # fmt: skip
    grid_counts_refresh()
