"""Demo registry for seed_district: households, residents, tags, buildings and organisations.

Paper scale: 120–212 households in each of the 1,144 unit grids (about 190,000), 2.56 people
a household (about 487,000), the tags at plausible rates. Small scale: 2–4 households a unit
grid. Points are sampled inside each unit grid's polygon and checked with the same covers
test the locator uses, so every household lies in the unit grid stored with it.

Rows are written with bulk_create in batches of unit grids; this bypasses the services on
purpose (seeding is its own purpose) but seals personal data with the same helpers and ends
with grid_counts_refresh.
"""

import datetime
import random

import numpy as np
import shapely
from django.db.models import OuterRef, Subquery
from shapely import geometry as geom

from accounts.roles import Role
from gridgov import personal_data
from grids.demo import GIVEN, SURNAMES, SeedContext
from grids.models import GridNode, Level

from .models import Building, Household, Organisation, Relation, Resident, ResidentTag, SpecialCategory
from .services import grid_counts_refresh

# code, name, symbol, colour, who follows up, visit every n days
CATEGORIES = [
    ("elderly-alone", "独居老人", "老", "#d62728", Role.GRID_MANAGER, 7),
    ("disabled", "残疾人", "残", "#9467bd", Role.COMMUNITY, 30),
    ("dibao", "低保户", "保", "#ff7f0e", Role.COMMUNITY, 90),
    ("community-correction", "社区矫正", "矫", "#8c564b", Role.STREET_OFFICE, 30),
    ("released", "刑满释放", "释", "#7f7f7f", Role.GRID_MANAGER, 30),
    ("mental-illness", "严重精神障碍", "精", "#e377c2", Role.GRID_MANAGER, 14),
    ("left-behind-child", "留守儿童", "童", "#2ca02c", Role.GRID_ASSISTANT, 30),
    ("key-petitioner", "重点信访", "访", "#1f77b4", Role.COMMUNITY, 14),
]

# Household sizes 1–6 and their shares: 2.56 people a household on average.
SIZE_WEIGHTS = [0.22, 0.32, 0.25, 0.13, 0.05, 0.03]
# Zaozhuang's county codes: most residents were born in Shizhong, some elsewhere.
REGIONS = ["370402"] * 7 + ["370403", "370404", "370405", "370406", "370481", "371302", "370102"]
MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "176",
    "177",
    "180",
    "181",
    "182",
    "186",
    "187",
    "188",
    "189",
]
ROADS = ["路", "街", "大道", "巷"]
ORG_NAMES = [
    "商贸有限公司",
    "超市",
    "便利店",
    "饭店",
    "五金店",
    "药店",
    "建材有限公司",
    "物流有限公司",
    "养老服务中心",
    "志愿者协会",
    "幼儿园",
    "理发店",
    "农资店",
    "煤业有限公司",
]
BATCH_UNITS = 40  # unit grids per bulk batch (about 6,600 households at paper scale)


def seed_categories(ctx: SeedContext) -> str:
    SpecialCategory.objects.bulk_create(
        SpecialCategory(
            code=code,
            name=name,
            symbol=symbol,
            color=color,
            responsible_role=role,
            visit_interval_days=days,
            sort_order=i,
        )
        for i, (code, name, symbol, color, role, days) in enumerate(CATEGORIES)
    )
    return f"{len(CATEGORIES)} special-population categories"


def sample_points(shape, count: int, rng: np.random.Generator) -> np.ndarray:
    """`count` points inside `shape` (rejection sampling in its bounding box, vectorised)."""
    min_x, min_y, max_x, max_y = shape.bounds
    # Kept away from the edges by about 5 m, so rounding never moves a point into a neighbour.
    inner = shape.buffer(-0.00005)
    if inner.is_empty or inner.area < shape.area * 0.2:
        inner = shape
    shapely.prepare(inner)
    found = np.empty((0, 2))
    while len(found) < count:
        xs = rng.uniform(min_x, max_x, count * 3)
        ys = rng.uniform(min_y, max_y, count * 3)
        ok = shapely.contains_xy(inner, xs, ys)
        found = np.vstack([found, np.column_stack([xs[ok], ys[ok]])])
    return np.round(found[:count], 7)


class People:
    """Realistic people: names, ages, ID numbers (unique, valid GB 11643) and phones."""

    def __init__(self, rng: random.Random, today: datetime.date):
        self.rng = rng
        self.today = today
        self.used_ids: set[str] = set()

    def name(self, surname: str | None = None) -> str:
        rng = self.rng
        return (surname or rng.choice(SURNAMES)) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))

    def birth(self, age: int) -> datetime.date:
        return self.today - datetime.timedelta(days=age * 365 + self.rng.randrange(365))

    def id_number(self, birth: datetime.date, sex: str) -> str:
        rng = self.rng
        while True:
            seq = rng.randrange(0, 500) * 2 + (1 if sex == "M" else 0)
            first17 = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{seq:03d}"
            number = first17 + personal_data.id_check_digit(first17)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def phone(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"


def _household_members(people: People, size: int, rural: bool) -> list[dict]:
    """The members of one household: a head, usually a spouse, children, perhaps a parent."""
    rng = people.rng
    head_age = rng.randint(70, 90) if size == 1 and rng.random() < 0.35 else rng.randint(24, 82)
    head_sex = "M" if rng.random() < 0.78 else "F"
    surname = rng.choice(SURNAMES)
    members = [{"relation": Relation.HEAD, "age": head_age, "sex": head_sex, "surname": surname}]
    if size >= 2:
        other = "F" if head_sex == "M" else "M"
        members.append({"relation": Relation.SPOUSE, "age": max(20, head_age + rng.randint(-5, 5)), "sex": other})
    for i in range(2, size):
        if i == size - 1 and size >= 4 and head_age < 55 and rng.random() < 0.5:
            members.append(
                {"relation": Relation.PARENT, "age": head_age + rng.randint(24, 32), "sex": rng.choice("MF")}
            )
        elif head_age >= 58 and rng.random() < 0.5:
            members.append({"relation": Relation.GRANDCHILD, "age": rng.randint(0, 15), "sex": rng.choice("MF")})
        else:
            age = max(0, head_age - rng.randint(22, 36))
            members.append({"relation": Relation.CHILD, "age": age, "sex": rng.choice("MF"), "surname": surname})
    for m in members:
        m["rural"] = rural
    return members


def _tag_codes(member: dict, size: int, rng: random.Random) -> list[str]:
    """Which categories a new resident falls in, at rates a district would see."""
    age, tags = member["age"], []
    if size == 1 and age >= 70 and rng.random() < 0.6:
        tags.append("elderly-alone")
    if rng.random() < 0.02:
        tags.append("disabled")
    if member["relation"] == Relation.HEAD and rng.random() < 0.025:
        tags.append("dibao")
    if age >= 18:
        if rng.random() < 0.0005:
            tags.append("community-correction")
        if rng.random() < 0.001:
            tags.append("released")
        if rng.random() < 0.004:
            tags.append("mental-illness")
        if rng.random() < 0.0003:
            tags.append("key-petitioner")
    elif age < 16 and member["rural"] and rng.random() < 0.06:
        tags.append("left-behind-child")
    return tags


def seed_registry(ctx: SeedContext) -> str:
    rng = ctx.rng
    nprng = np.random.default_rng(rng.getrandbits(64))
    today = datetime.date.today()
    people = People(rng, today)
    paper = ctx.scale == "paper"
    categories = {c.code: c for c in SpecialCategory.objects.all()}
    nodes = {n.id: n for n in GridNode.objects.only("id", "parent_id", "name", "code", "level")}
    units = list(
        GridNode.objects.filter(level=Level.UNIT_GRID)
        .order_by("code")
        .values_list("id", "code", "boundary", "parent_id")
    )
    totals = {"households": 0, "residents": 0, "tags": 0, "buildings": 0, "organisations": 0}

    for start in range(0, len(units), BATCH_UNITS):
        households: list[Household] = []
        pending: list[list[dict]] = []  # members of each household, in order
        buildings: list[Building] = []
        organisations: list[Organisation] = []
        building_of: list[int | None] = []  # index into `buildings` per household
        for unit_id, code, boundary, base_id in units[start : start + BATCH_UNITS]:
            community = nodes[nodes[base_id].parent_id]
            street = nodes[community.parent_id]
            rural = street.code[-3:] >= "100"
            shape = geom.shape(boundary)
            count = rng.randint(120, 212) if paper else rng.randint(2, 4)
            located = {"unit_grid_id": unit_id, "community_id": community.id, "street_id": street.id}
            stem = community.name.removesuffix("社区").removesuffix("村")
            if rural:
                points = sample_points(shape, count, nprng)
                unit_buildings = []
            else:
                # Urban: apartment buildings of 12–60 households; each household at its building.
                n_buildings = max(1, count // rng.randint(12, 60)) if paper else 1
                points_b = sample_points(shape, n_buildings, nprng)
                road = stem + rng.choice(ROADS)
                number = rng.randint(1, 300)
                unit_buildings = []
                for b, (x, y) in enumerate(points_b):
                    unit_buildings.append(len(buildings))
                    buildings.append(
                        Building(
                            name=f"{road}{number}号{b + 1}号楼",
                            kind=Building.Kind.APARTMENT,
                            address=f"{street.name}{road}{number}号{b + 1}号楼",
                            floors=rng.choice((6, 7, 11, 18)),
                            lon=float(x),
                            lat=float(y),
                            **located,
                        )
                    )
                points = np.array([points_b[i % n_buildings] for i in range(count)])
            for i, (x, y) in enumerate(points):
                if rural:
                    address = f"{street.name}{community.name}{rng.randint(1, 400)}号"
                    building_of.append(None)
                else:
                    b = unit_buildings[i % len(unit_buildings)]
                    floor, room = rng.randint(1, buildings[b].floors), rng.randint(1, 4)
                    address = f"{buildings[b].address}{rng.randint(1, 3)}单元{floor}{room:02d}室"
                    building_of.append(b)
                households.append(
                    Household(number=f"{code}{i + 1:04d}", address=address, lon=float(x), lat=float(y), **located)
                )
                size = rng.choices(range(1, 7), weights=SIZE_WEIGHTS)[0]
                pending.append(_household_members(people, size, rural))
            for _ in range(rng.randint(0, 3) if paper else rng.randint(0, 1)):
                (x, y) = sample_points(shape, 1, nprng)[0]
                kind = rng.choice(Organisation.Kind.values)
                phone = people.phone()
                organisations.append(
                    Organisation(
                        name=f"枣庄市{stem}{rng.choice(ORG_NAMES)}",
                        kind=kind,
                        address=f"{street.name}{stem}{rng.choice(ROADS)}{rng.randint(1, 300)}号",
                        contact_name=people.name(),
                        lon=float(x),
                        lat=float(y),
                        **personal_data.seal_phone(phone).columns("contact_phone"),
                        **located,
                    )
                )

        Building.objects.bulk_create(buildings, batch_size=2000)
        for household, b in zip(households, building_of, strict=True):
            if b is not None:
                household.building_id = buildings[b].pk
        Household.objects.bulk_create(households, batch_size=2000)
        Organisation.objects.bulk_create(organisations, batch_size=2000)

        residents: list[Resident] = []
        resident_tags: list[list[str]] = []
        for household, members in zip(households, pending, strict=True):
            for m in members:
                birth = people.birth(m["age"])
                id_number = people.id_number(birth, m["sex"])
                # Children under 16 and a fifth of the old have no phone of their own.
                phone = people.phone() if m["age"] >= 16 and not (m["age"] > 75 and rng.random() < 0.2) else ""
                residents.append(
                    Resident(
                        household_id=household.pk,
                        name=people.name(m.get("surname")),
                        sex=m["sex"],
                        birth_date=birth,
                        relation=m["relation"],
                        **personal_data.seal_id_number(id_number).columns("id_number"),
                        **personal_data.seal_phone(phone).columns("phone"),
                    )
                )
                resident_tags.append(_tag_codes(m, len(members), rng))
        Resident.objects.bulk_create(residents, batch_size=2000)
        grids_of = {h.pk: (h.unit_grid_id, h.community_id, h.street_id) for h in households}
        tags = []
        for resident, codes in zip(residents, resident_tags, strict=True):
            for code in codes:
                start = today - datetime.timedelta(days=rng.randint(30, 3000))
                tags.append(
                    ResidentTag(
                        resident_id=resident.pk,
                        category=categories[code],
                        start_date=start,
                        # Not followed up yet (the visits seed adds follow-ups and moves it).
                        next_visit_on=start,
                        unit_grid_id=grids_of[resident.household_id][0],
                        community_id=grids_of[resident.household_id][1],
                        street_id=grids_of[resident.household_id][2],
                    )
                )
        ResidentTag.objects.bulk_create(tags, batch_size=2000)
        totals["households"] += len(households)
        totals["residents"] += len(residents)
        totals["tags"] += len(tags)
        totals["buildings"] += len(buildings)
        totals["organisations"] += len(organisations)

    # One statement: every household's head is its member with relation "head".
    Household.objects.update(
        head=Subquery(Resident.objects.filter(household=OuterRef("pk"), relation=Relation.HEAD).values("pk")[:1])
    )
    grid_counts_refresh()
    return (
        f"{totals['households']:,} households, {totals['residents']:,} residents, {totals['tags']:,} tags, "
        f"{totals['buildings']:,} buildings, {totals['organisations']:,} organisations"
    )
