"""The demo district: Shizhong District, Zaozhuang (市中区, 370402), as the paper describes it.

1 district, 11 streets and townships (their real names and GB/T 10114 codes), 162
communities, 396 base grids and 1,144 unit grids, with nested convex polygons around
Shizhong's real location, the district departments, and staff for every role. Everything is
drawn from one random.Random(seed), so a seed always gives the same district.
"""

import math
import random
from dataclasses import dataclass

import shapely
from django.contrib.auth.hashers import make_password
from shapely import geometry as geom

from .geometry import to_geojson
from .models import Level
from .roles import Role
from .services import NodeSpec, StaffSpec

DISTRICT_CODE = "370402"
DISTRICT_NAME = "市中区"
CENTER = (117.555, 34.857)  # lon, lat

# (code suffix, name, login) — 街道 take 001–099 and 镇 100–199, as GB/T 10114 does.
STREETS = [
    ("001", "中心街街道", "zhongxin"),
    ("002", "垎塔埠街道", "getabu"),
    ("003", "矿区街道", "kuangqu"),
    ("004", "文化路街道", "wenhualu"),
    ("005", "龙山路街道", "longshanlu"),
    ("006", "光明路街道", "guangminglu"),
    ("100", "税郭镇", "shuiguo"),
    ("101", "孟庄镇", "mengzhuang"),
    ("102", "齐村镇", "qicun"),
    ("103", "永安镇", "yongan"),
    ("104", "西王庄镇", "xiwangzhuang"),
]
PAPER_COUNTS = (162, 396, 1144)  # communities, base grids, unit grids

# The owning departments of the 17 modules (docs/domain.md §4).
DEPARTMENTS = [
    ("organization", "区委组织部"),
    ("sanitation", "区环卫处"),
    ("enforcement", "区综合执法局"),
    ("petitions", "区信访局"),
    ("hrss", "区人社局"),
    ("civil-affairs", "区民政局"),
    ("health", "区卫健局"),
    ("housing", "区住建局"),
    ("police", "公安分局"),
    ("justice", "区司法局"),
    ("emergency", "区应急局"),
    ("market", "区市场监管局"),
    ("education", "区教体局"),
]

NAME_STEMS = [
    "光明",
    "青檀",
    "振兴",
    "建设",
    "文化",
    "龙山",
    "和平",
    "幸福",
    "东方",
    "阳光",
    "新华",
    "胜利",
    "育才",
    "民生",
    "富民",
    "金桥",
    "翠屏",
    "君山",
    "峨山",
    "兴隆",
    "吉祥",
    "安居",
    "福泉",
    "清泉",
    "柳园",
    "杏坛",
    "枣园",
    "榴园",
    "丰收",
    "五一",
    "红旗",
    "向阳",
    "前进",
    "团结",
    "永和",
    "长安",
    "新兴",
    "太平",
    "康乐",
    "泰和",
    "顺河",
    "北池",
    "南马",
    "西昌",
    "东湖",
    "环城",
    "解放",
    "人民",
    "振华",
    "新城",
    "临山",
    "凤凰",
    "荷花",
    "龙潭",
    "黄庄",
    "李庄",
    "王庄",
    "张庄",
    "刘楼",
    "陈庄",
    "孙庄",
    "赵庄",
    "周村",
    "吴庄",
    "郑楼",
    "沙沟",
    "石桥",
    "双庙",
    "大吕巷",
    "渴口",
]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱覃武戴孔"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉梅"
    "文斌海波宁鹏宇浩然子涵欣怡晨阳雪立新春燕德胜俊峰永庆淑珍凤"
)

DEMO_PASSWORD = "gridgov2015"


def chinese_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def distribute(total: int, parts: int, rng: random.Random, low: int, high: int) -> list[int]:
    """`total` split into `parts` whole numbers, each in [low, high]."""
    if not low * parts <= total <= high * parts:
        raise ValueError(f"cannot split {total} into {parts} parts of {low}..{high}")
    counts = [low] * parts
    for _ in range(total - low * parts):
        counts[rng.choice([i for i, c in enumerate(counts) if c < high])] += 1
    return counts


def district_outline(rng: random.Random) -> geom.Polygon:
    """A convex outline of about 25 × 22 km around Shizhong (≈ 390 km²)."""
    points = []
    for i in range(18):
        angle = 2 * math.pi * i / 18
        r = rng.uniform(0.85, 1.0)
        points.append((CENTER[0] + 0.135 * r * math.cos(angle), CENTER[1] + 0.105 * r * math.sin(angle)))
    return geom.MultiPoint(points).convex_hull


def sample_sites(shape, count: int, rng: random.Random, near=None, spread: float = 1.0) -> list[tuple]:
    """`count` well-spaced points inside a convex shape (best-candidate sampling). With
    `near`, points are drawn towards that point, `spread` being the share of the extent used."""
    min_x, min_y, max_x, max_y = shape.bounds
    cx, cy = near if near else ((min_x + max_x) / 2, (min_y + max_y) / 2)
    half_w, half_h = (max_x - min_x) / 2 * spread, (max_y - min_y) / 2 * spread
    sites: list[tuple] = []
    while len(sites) < count:
        best, best_distance = None, -1.0
        for _ in range(12):
            x, y = rng.uniform(cx - half_w, cx + half_w), rng.uniform(cy - half_h, cy + half_h)
            if not shape.contains(geom.Point(x, y)):
                continue
            distance = min((math.dist((x, y), s) for s in sites), default=math.inf)
            if distance > best_distance:
                best, best_distance = (x, y), distance
        if best is not None:
            sites.append(best)
    return sites


def split(shape, sites: list[tuple]) -> list:
    """Cut a convex shape into the Voronoi cells of `sites` (convex again, in site order)."""
    if len(sites) == 1:
        return [shape]
    cells = shapely.voronoi_polygons(geom.MultiPoint(sites), extend_to=shape, ordered=True)
    return [cell.intersection(shape) for cell in cells.geoms]


def build_tree(rng: random.Random, streets=STREETS, counts=PAPER_COUNTS) -> NodeSpec:
    """The whole district as NodeSpecs, ready for grids.services.grid_tree_create."""
    n_communities, n_base, n_units = counts
    outline = district_outline(rng)
    # The six urban streets lie around the centre, the five townships around them.
    urban = [s for s in streets if s[0] < "100"]
    rural = [s for s in streets if s[0] >= "100"]
    sites = sample_sites(outline, len(urban), rng, near=CENTER, spread=0.3)
    sites += [
        (
            CENTER[0] + 0.1 * math.cos(2 * math.pi * (i + 0.5) / len(rural)),
            CENTER[1] + 0.08 * math.sin(2 * math.pi * (i + 0.5) / len(rural)),
        )
        for i in range(len(rural))
    ]
    ordered = urban + rural
    street_shapes = split(outline, sites)

    per_street = distribute(n_communities, len(streets), rng, low=1, high=n_communities)
    per_community = distribute(n_base, n_communities, rng, low=1, high=max(3, -(-n_base // n_communities)))
    per_base = distribute(n_units, n_base, rng, low=1, high=max(4, -(-n_units // n_base)))
    community_iter, base_iter = iter(per_community), iter(per_base)

    street_specs = []
    for (suffix, street_name, _login), street_shape, n_comm in zip(ordered, street_shapes, per_street, strict=True):
        street_code = DISTRICT_CODE + suffix
        is_town = suffix >= "100"
        stems = rng.sample(NAME_STEMS, min(n_comm, len(NAME_STEMS)))
        while len(stems) < n_comm:
            stems.append(rng.choice("东西南北") + rng.choice(NAME_STEMS))
        community_specs = []
        for ci, (community_shape, stem) in enumerate(
            zip(split(street_shape, sample_sites(street_shape, n_comm, rng)), stems, strict=True)
        ):
            # 居委会 take 001–199 and 村委会 200–399, as GB/T 10114 does.
            community_code = f"{street_code}{(200 if is_town else 1) + ci:03d}"
            n_b = next(community_iter)
            base_specs = []
            for bi, base_shape in enumerate(split(community_shape, sample_sites(community_shape, n_b, rng))):
                base_code = f"{community_code}{bi + 1:02d}"
                n_u = next(base_iter)
                unit_specs = [
                    NodeSpec(
                        name=f"第{ui + 1}单元网格", code=f"{base_code}{ui + 1:02d}", boundary=to_geojson(unit_shape)
                    )
                    for ui, unit_shape in enumerate(split(base_shape, sample_sites(base_shape, n_u, rng)))
                ]
                base_specs.append(
                    NodeSpec(
                        name=f"第{bi + 1}基础网格", code=base_code, boundary=to_geojson(base_shape), children=unit_specs
                    )
                )
            community_specs.append(
                NodeSpec(
                    name=stem + ("村" if is_town else "社区"),
                    code=community_code,
                    boundary=to_geojson(community_shape),
                    children=base_specs,
                )
            )
        street_specs.append(
            NodeSpec(name=street_name, code=street_code, boundary=to_geojson(street_shape), children=community_specs)
        )
    return NodeSpec(name=DISTRICT_NAME, code=DISTRICT_CODE, boundary=to_geojson(outline), children=street_specs)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    place: str


# The named people of the demo: who to sign in as to see each kind of page.
DISTRICT_STAFF = [
    ("center", "区指挥中心 值班长", Role.COMMAND_CENTER),
    ("bureau", "考核督查局 督查员", Role.SUPERVISION),
    ("hotline", "96361 坐席员", Role.HOTLINE),
    ("auditor", "区审计 审计员", Role.AUDITOR),
]


def build_staff(rng: random.Random, nodes_by_level: dict[int, list], departments: list, streets=STREETS) -> list:
    """A StaffSpec for every post: district roles, every street office, community
    workstation, grid manager (per base grid), grid assistant (per unit grid), one officer
    per department, and a party cadre per community."""
    password = make_password(DEMO_PASSWORD)
    logins = {DISTRICT_CODE + suffix: login for suffix, _name, login in streets}
    staff = []
    district = nodes_by_level[Level.DISTRICT][0]
    for username, title, role in DISTRICT_STAFF:
        staff.append(StaffSpec(username, title, password, role, node=district))
    for street in nodes_by_level[Level.STREET]:
        staff.append(
            StaffSpec(
                logins.get(street.code, f"s{street.code}"), chinese_name(rng), password, Role.STREET_OFFICE, node=street
            )
        )
    for community in nodes_by_level[Level.COMMUNITY]:
        staff.append(StaffSpec(f"c{community.code}", chinese_name(rng), password, Role.COMMUNITY, node=community))
        staff.append(StaffSpec(f"cadre{community.code}", chinese_name(rng), password, Role.CADRE, node=community))
    for base in nodes_by_level[Level.BASE_GRID]:
        staff.append(StaffSpec(f"m{base.code}", chinese_name(rng), password, Role.GRID_MANAGER, node=base))
    for unit in nodes_by_level[Level.UNIT_GRID]:
        staff.append(StaffSpec(f"a{unit.code}", chinese_name(rng), password, Role.GRID_ASSISTANT, node=unit))
    for department in departments:
        staff.append(
            StaffSpec(f"d-{department.code}", chinese_name(rng), password, Role.DEPARTMENT, department=department)
        )
    return staff


@dataclass
class SeedContext:
    """What the seeding steps share: later steps (households, appeals, …) read the tree and
    the staff that earlier steps made."""

    rng: random.Random
    scale: str
    years: int = 1
    nodes_by_level: dict = None
    departments: list = None
    logins: list = None
    stdout: object = None


def seed_tree(ctx: SeedContext) -> str:
    from .models import GridNode
    from .services import grid_tree_create

    count = grid_tree_create(actor=None, root=build_tree(ctx.rng))
    ctx.nodes_by_level = {level: [] for level in Level}
    for node in GridNode.objects.order_by("tree_id", "lft").only("id", "code", "name", "level", "parent_id"):
        ctx.nodes_by_level[node.level].append(node)
    counts = " / ".join(f"{len(ctx.nodes_by_level[level]):,}" for level in Level)
    return f"{count:,} grid nodes ({counts})"


def seed_departments(ctx: SeedContext) -> str:
    from .services import department_create

    ctx.departments = [department_create(actor=None, code=code, name=name) for code, name in DEPARTMENTS]
    return f"{len(ctx.departments)} departments"


def seed_staff(ctx: SeedContext) -> str:
    from django.contrib.auth import get_user_model

    from .services import assignment_start, staff_bulk_create

    staff = build_staff(ctx.rng, ctx.nodes_by_level, ctx.departments)
    count = staff_bulk_create(actor=None, staff=staff)
    admin = get_user_model().objects.create_superuser("admin", password=DEMO_PASSWORD, name="系统管理员")
    assignment_start(actor=None, user=admin, role=Role.ADMIN, node=ctx.nodes_by_level[Level.DISTRICT][0])
    ctx.logins = demo_logins()
    return f"{count + 1:,} staff users with their assignments"


def demo_logins() -> list[DemoLogin]:
    """One login per kind of user, as printed after seeding and by `make run`."""
    from .models import Assignment

    named = ["admin", "center", "bureau", "hotline", "auditor", "zhongxin", "shuiguo"]
    active = Assignment.objects.active().select_related("user", "node", "department")
    by_name = {a.user.username: a for a in active.filter(user__username__in=named)}
    picks = [by_name[name] for name in named if name in by_name]
    # One community worker, grid manager and assistant under 中心街, and a department officer.
    for role in (Role.COMMUNITY, Role.GRID_MANAGER, Role.GRID_ASSISTANT, Role.DEPARTMENT):
        where = {} if role == Role.DEPARTMENT else {"node__code__startswith": DISTRICT_CODE + "001"}
        if first := active.filter(role=role, **where).order_by("node__code", "user__username").first():
            picks.append(first)
    return [DemoLogin(a.user.username, a.get_role_display(), str(a.place)) for a in picks]
