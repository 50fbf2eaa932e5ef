"""Demo appeals for seed_district: ~100,000 a year at paper scale (a few hundred at small),
with a plausible mix of modules, channels, handling units, times, states and ratings, and the
full event timeline of each, bulk-inserted.

Each appeal gets a complete path (received → … → closed, or rejected / merged) with times
drawn forward from its reception; the path is cut where its next step would lie in the
future, so recent appeals are spread over every open state and older ones are mostly closed.
Deadlines come from the same working-day calendar as the services.
"""

import datetime
import random

from django.db import reset_queries
from django.db.models import F
from django.utils import timezone
from shapely import geometry as geom

from accounts.roles import Role
from gridgov import personal_data
from grids.models import Assignment, Department, GridNode, Level

from . import calendar
from .models import Appeal, AppealEvent, CalendarDay, ServiceModule, Status, SupervisionSlip
from .reporter import seal_reporter
from .transitions import move_for

PER_YEAR = {"paper": 100_000, "small": 300}
# The share of appeals from callers found in the registry (the rest are passers-by, callers
# with another phone, or grid workers' own reports).
REGISTERED_SHARE = 0.35
BATCH = 5_000

# Relative volumes of the 17 modules (by code): sanitation, roads and property lead.
MODULE_WEIGHTS = {
    "party-building": 1, "sanitation": 18, "rectification": 9, "petitions": 4, "social-insurance": 5,
    "employment": 3, "civil-affairs": 6, "health": 4, "municipal": 16, "property": 12, "public-order": 6,
    "mediation": 6, "safety": 3, "market": 4, "education": 2, "elderly": 3, "legal-aid": 2,
}  # fmt: skip
SOURCES = (["hotline"] * 55) + (["grid"] * 25) + (["visit"] * 12) + (["web"] * 5) + (["open311"] * 3)
RATINGS = (["satisfied"] * 70) + (["basic"] * 18) + (["dissatisfied"] * 7) + (["unreachable"] * 5)
TEXTS = {
    "sanitation": ["小区垃圾无人清运", "道路两侧垃圾堆积", "公厕卫生差", "垃圾桶破损满溢"],
    "municipal": ["路灯不亮", "下水道堵塞外溢", "路面塌陷有坑", "井盖缺失", "自来水管破裂"],
    "property": ["物业不作为，电梯长期故障", "楼道灯损坏无人修", "小区停车混乱", "物业费收取不合理"],
    "public-order": ["夜间噪音扰民", "小区有可疑人员", "烧烤摊占道经营深夜喧哗"],
    "rectification": ["违章搭建", "占道经营", "乱贴小广告"],
    "civil-affairs": ["申请低保咨询", "困难家庭救助", "临时救助申请"],
    "mediation": ["邻里纠纷需调解", "家庭矛盾", "租房押金纠纷"],
}
DEFAULT_TEXTS = ["反映问题请求处理", "咨询相关政策", "希望尽快解决"]
REPLIES = ["已安排人员现场处理完毕", "经核实已整改到位", "已联系相关单位解决", "已向反映人解释政策"]


def _points(rng: random.Random) -> list[tuple]:
    """Each unit grid with a point inside it and its community and street."""
    rows = GridNode.objects.filter(level=Level.UNIT_GRID).values_list(
        "id", "boundary", "parent__parent_id", "parent__parent__parent_id"
    )
    points = []
    for unit_id, boundary, community_id, street_id in rows:
        p = geom.shape(boundary).representative_point()
        points.append((unit_id, community_id, street_id, round(p.x, 6), round(p.y, 6)))
    return points


def _staff() -> dict:
    """Who acts in the events: one user per role at the district, per street, per department."""
    by = {"street": {}, "department": {}, "community": {}, "grid": {}}
    district = {}
    managers = {}
    for a in (
        Assignment.objects.active()
        .select_related("node")
        .only("user_id", "role", "department_id", "node__id", "node__level", "node__parent_id")
    ):
        if a.department_id:
            by["department"].setdefault(a.department_id, a.user_id)
        elif a.node.level == Level.DISTRICT:
            district.setdefault(a.role, a.user_id)
        elif a.role == Role.STREET_OFFICE:
            by["street"].setdefault(a.node.id, a.user_id)
        elif a.role == Role.COMMUNITY:
            by["community"].setdefault(a.node.id, a.user_id)
        elif a.role == Role.GRID_ASSISTANT:
            by["grid"].setdefault(a.node.id, []).append(a.user_id)
        elif a.role == Role.GRID_MANAGER:
            managers.setdefault(a.node.id, a.user_id)
    # Who files a unit grid's own reports (网格员上报): its assistants and its base grid's manager.
    for unit_id, parent_id in GridNode.objects.filter(level=Level.UNIT_GRID).values_list("id", "parent_id"):
        if parent_id in managers:
            by["grid"].setdefault(unit_id, []).append(managers[parent_id])
    by["center"] = district.get(Role.COMMAND_CENTER)
    by["hotline"] = district.get(Role.HOTLINE, by["center"])
    return by


def _registered_callers(count: int) -> list:
    """Residents of the registry (when it was seeded) who call about their own neighbourhood:
    their sealed phone is copied as it is, the place is their household's."""
    from residents.models import Resident

    from .reporter import mask_name

    rows = (
        Resident.objects.exclude(phone_hash="")
        .order_by("?")
        .values_list(
            "id", "name", "phone_cipher", "phone_hash", "phone_masked", "household__unit_grid_id",
            "household__community_id", "household__street_id", "household__lon", "household__lat",
        )[:count]
    )  # fmt: skip
    registered = []
    for pk, name, cipher, digest, masked, unit_id, community_id, street_id, lon, lat in rows:
        columns = {
            "reporter_name_cipher": personal_data.encrypt(name) if name else "",
            "reporter_name_masked": mask_name(name),
            "reporter_phone_cipher": cipher,
            "reporter_phone_hash": digest,
            "reporter_phone_masked": masked,
        }
        registered.append((pk, columns, (unit_id, community_id, street_id, lon, lat)))
    return registered


def _callers(rng: random.Random, count: int, name) -> list:
    """A pool of callers (some call more than once), sealed once each."""
    pool = []
    for _ in range(count):
        phone = "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9))
        pool.append(seal_reporter(name(rng), phone).columns())
    return pool


def seed_appeals(ctx) -> str:
    from grids.demo import chinese_name

    from .services import module_defaults_ensure, module_owners_link, open311_key_create
    from .services.keys import key_hash

    rng = ctx.rng
    module_defaults_ensure(actor=None)  # `seed_district --reset` flushes what the migration made
    module_owners_link(actor=None)
    modules = list(ServiceModule.objects.filter(is_active=True).select_related("owner"))
    weights = [MODULE_WEIGHTS.get(m.code, 2) for m in modules]
    points = _points(rng)
    staff = _staff()
    departments = {d.pk: d.name for d in Department.objects.all()}
    nodes = dict(GridNode.objects.filter(level__in=[Level.STREET, Level.COMMUNITY]).values_list("id", "name"))
    communities_of: dict[int, list[int]] = {}
    for node_id, parent_id in GridNode.objects.filter(level=Level.COMMUNITY).values_list("id", "parent_id"):
        communities_of.setdefault(parent_id, []).append(node_id)
    total = PER_YEAR[ctx.scale] * max(1, ctx.years)
    callers = _callers(rng, max(50, total // 8 if total < 40_000 else 5_000), chinese_name)
    registered = _registered_callers(min(3_000, max(20, total // 30)))
    now = timezone.now()
    # The small demo packs its few hundred appeals into the last 90 days per year asked, so
    # that every open state has cases in it; the paper scale spreads 100,000 over each year.
    days = (365 if ctx.scale == "paper" else 90) * max(1, ctx.years)
    start = now - datetime.timedelta(days=days)
    exceptions = dict(CalendarDay.objects.values_list("date", "is_workday"))

    def deadline(at: datetime.datetime, days: int) -> datetime.datetime:
        return calendar.end_of_day(calendar.add_working_days(timezone.localtime(at).date(), days, exceptions))

    # Reception times: uniform over the period, weighted to working hours.
    span = (now - start).total_seconds()
    stamps = sorted(start + datetime.timedelta(seconds=rng.random() * span) for _ in range(total))
    hours = (8, 9, 9, 10, 10, 11, 14, 15, 15, 16, 17, 19, 21)
    stamps = [timezone.localtime(s).replace(hour=rng.choice(hours)) for s in stamps]
    stamps = [min(s, now - datetime.timedelta(minutes=5)) for s in stamps]

    created = 0
    counts: dict[str, int] = {}
    earlier_ids: list[int] = []
    for offset in range(0, total, BATCH):
        appeals, plans = [], []
        for at in stamps[offset : offset + BATCH]:
            module = rng.choices(modules, weights)[0]
            resident_id = None
            if registered and rng.random() < REGISTERED_SHARE:
                resident_id, caller, unit = rng.choice(registered)
            else:
                caller, unit = rng.choice(callers), rng.choice(points)
            appeal, plan = _plan(
                rng, at=at, now=now, module=module, unit=unit, staff=staff, caller=caller, deadline=deadline,
                communities_of=communities_of, can_merge=bool(earlier_ids),
            )  # fmt: skip
            appeal.reporter_resident_id = resident_id
            if appeal.status == Status.MERGED:
                appeal.duplicate_of_id = rng.choice(earlier_ids[-2000:])
            appeals.append(appeal)
            plans.append(plan)
        Appeal.objects.bulk_create(appeals, batch_size=BATCH)
        events = []
        for appeal, plan in zip(appeals, plans, strict=True):
            counts[appeal.status] = counts.get(appeal.status, 0) + 1
            previous = ""
            for action, at, actor, to_status, note, data in plan:
                if "unit" in data and isinstance(data["unit"], tuple):
                    kind, pk = data["unit"]
                    data = {**data, "unit": departments.get(pk) if kind == "department" else nodes.get(pk)}
                events.append(
                    AppealEvent(appeal_id=appeal.pk, at=at, actor_id=actor, action=action, from_status=previous,
                                to_status=to_status, note=note, data=data)
                )  # fmt: skip
                previous = to_status
        _count_repeats(appeals, staff["center"])
        AppealEvent.objects.bulk_create(events, batch_size=BATCH)
        earlier_ids.extend(a.pk for a in appeals if a.status not in (Status.MERGED, Status.REJECTED))
        created += len(appeals)
        # With DEBUG on Django keeps the last 9,000 statements; multi-megabyte bulk inserts
        # would hold gigabytes at ten years' scale.
        reset_queries()

    _row, key = open311_key_create(actor=None, name="demo")
    assert _row.key_hash == key_hash(key)
    ctx.open311_key = key
    mix = ", ".join(f"{status} {n:,}" for status, n in sorted(counts.items(), key=lambda kv: -kv[1]))
    return f"{created:,} appeals ({mix}); Open311 demo API key: {key}"


def _count_repeats(appeals: list[Appeal], center) -> None:
    """What appeal_merge does to the case a repeat is merged into: count it, raise it to at
    least yellow, and put a `repeat` event on its timeline."""
    repeats = [a for a in appeals if a.duplicate_of_id]
    per_target: dict[int, int] = {}
    first_at: dict[int, datetime.datetime] = {}
    for appeal in repeats:
        per_target[appeal.duplicate_of_id] = per_target.get(appeal.duplicate_of_id, 0) + 1
        at = appeal.closed_at or appeal.created_at
        first_at[appeal.duplicate_of_id] = min(at, first_at.get(appeal.duplicate_of_id, at))
    by_count: dict[int, list[int]] = {}
    for target, n in per_target.items():
        by_count.setdefault(n, []).append(target)
    for n, targets in by_count.items():
        Appeal.objects.filter(pk__in=targets).update(repeat_count=F("repeat_count") + n)
    Appeal.objects.filter(pk__in=list(per_target), colour__in=["", "blue"]).update(colour="yellow")
    # The yellow slip appeal_merge issues, once per handling window.
    SupervisionSlip.objects.bulk_create(
        [
            SupervisionSlip(appeal_id=pk, colour="yellow", reason="重复反映", window_start=window or created,
                            issued_at=max(first_at[pk], created), handling_department_id=dept, handling_node_id=node)
            for pk, window, created, dept, node in Appeal.objects.filter(pk__in=list(per_target)).values_list(
                "pk", "window_start", "created_at", "handling_department_id", "handling_node_id")
        ],
        ignore_conflicts=True,
    )  # fmt: skip
    statuses = dict(Appeal.objects.filter(pk__in=list(per_target)).values_list("pk", "status"))
    AppealEvent.objects.bulk_create(
        [
            AppealEvent(appeal_id=a.duplicate_of_id, at=a.closed_at or a.created_at, actor_id=center, action="repeat",
                        from_status=statuses[a.duplicate_of_id], to_status=statuses[a.duplicate_of_id],
                        data={"repeat": a.pk})
            for a in repeats
        ],
        batch_size=BATCH,
    )  # fmt: skip


def _plan(rng, *, at, now, module, unit, staff, caller, deadline, communities_of, can_merge):
    """The appeal row and its events [(action, at, actor id, to status, note, data)], cut at now."""
    unit_id, community_id, street_id, lon, lat = unit
    source = rng.choice(SOURCES)
    priority = rng.choices(["normal", "urgent", "complex"], [85, 8, 7])[0]
    text = rng.choice(TEXTS.get(module.code, DEFAULT_TEXTS))
    appeal = Appeal(
        source=source, module=module, priority=priority, description=text, lon=lon, lat=lat, unit_grid_id=unit_id,
        community_id=community_id, street_id=street_id, created_at=at, status=Status.RECEIVED, **caller,
        public=source == "open311",  # posting through Open311 is the resident's choice to publish
    )  # fmt: skip
    center, hotline = staff["center"], staff["hotline"]
    reporters = staff["grid"].get(unit_id)
    if source == "grid" and reporters:
        appeal.created_by_id = rng.choice(reporters)
    creator = hotline if source == "hotline" else appeal.created_by_id
    events = [("create", at, creator, Status.RECEIVED, "", {"source": source})]

    def step(delta_hours: float) -> datetime.datetime:
        return events[-1][1] + datetime.timedelta(hours=delta_hours)

    def add(action, when, actor, note="", **data) -> bool:
        """The next event, its status read from the lifecycle's table (an illegal move fails)."""
        if when >= now:
            return False
        to = move_for(appeal.status, action).to
        events.append((action, when, actor, to, note, data))
        appeal.status = to
        return True

    fate = rng.random()
    if fate < 0.03 and can_merge:
        if add("merge", step(rng.uniform(0.1, 2)), center, "重复反映"):
            appeal.closed_at = events[-1][1]
        return appeal, events
    if fate < 0.07:
        if add("reject", step(rng.uniform(0.1, 4)), center, "不属于受理范围"):
            appeal.closed_at = events[-1][1]
        return appeal, events
    if not add("register", step(rng.uniform(0.1, 3)), center):
        return appeal, events

    # Handling unit: the module's department, else the street (or one of its communities).
    if module.owner_id and rng.random() < 0.6:
        appeal.handling_department_id, unit_ref, handler = module.owner_id, ("department", module.owner_id), None
        handler = staff["department"].get(module.owner_id)
    else:
        node = street_id if rng.random() < 0.7 else rng.choice(communities_of.get(street_id, [street_id]))
        appeal.handling_node_id, appeal.handling_street_id = node, street_id
        unit_ref = ("node", node)
        handler = staff["community"].get(node) or staff["street"].get(street_id)
    limit = calendar.limit_days(priority, module)
    dispatched_at = step(rng.uniform(0.5, 8))
    if not add("dispatch", dispatched_at, center, unit=unit_ref):
        appeal.handling_department_id = appeal.handling_node_id = appeal.handling_street_id = None
        return appeal, events
    appeal.window_start, appeal.deadline = dispatched_at, deadline(dispatched_at, limit)
    reworks = rng.choices([0, 1, 2], [90, 8, 2])[0]
    stuck = rng.random() < 0.02  # a few cases left overdue, for the supervision ladder
    for round_ in range(reworks + 1):
        if not add("sign", step(rng.uniform(0.5, 20)), handler):
            return appeal, events
        if stuck:  # its slips come from the sweep (seed_supervision)
            return appeal, events
        window = (appeal.deadline - events[-1][1]).total_seconds() / 3600
        late = rng.random() < 0.08
        hours = rng.uniform(max(1, window), window + 48) if late else rng.uniform(1, max(2, window * 0.9))
        if not add("reply", step(hours), handler, rng.choice(REPLIES)):
            return appeal, events
        appeal.reply, appeal.replied_at = events[-1][4], events[-1][1]
        if round_ < reworks:
            if not add("rework", step(rng.uniform(4, 30)), center, "现场复核未整改到位"):
                return appeal, events
            appeal.rework_count += 1
            appeal.window_start, appeal.deadline = events[-1][1], deadline(events[-1][1], limit)
    if not add("verify", step(rng.uniform(2, 30)), center):
        return appeal, events
    rating = rng.choice(RATINGS)
    if add("revisit", step(rng.uniform(4, 48)), hotline, "", rating=rating):
        appeal.satisfaction, appeal.closed_at = rating, events[-1][1]
    return appeal, events
