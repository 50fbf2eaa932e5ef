"""Demo visits for seed_district: a campaign with 3,686 cadres at paper scale (the paper's
number; 120 at small), its households assigned through the balanced-assignment service,
visits at a plausible completion rate, routine follow-up visits of tagged residents by the
grid managers, diaries, services on residents' behalf, and opinions that became appeals.

The plain visits (no opinions) are bulk-inserted: at paper scale they are over 100,000 rows.
Every visit with opinions goes through `visit_record`, so each opinion becomes an appeal
through the appeals' intake service exactly as on the cadre's page.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from accounts.roles import Role
from grids.demo import DEMO_PASSWORD, DemoLogin, chinese_name
from grids.models import Assignment, GridNode, Level
from grids.services import StaffSpec, staff_bulk_create
from petitions.demo import MODULE_WEIGHTS, TEXTS
from petitions.models import ServiceModule
from residents.models import Household, Resident, ResidentTag
from residents.services import tag_next_visit_refresh

from . import services
from .models import CampaignAssignment, DiaryEntry, FollowUp, ProxyService, Topic, Visit

CADRES = {"paper": 3_686, "small": 120}
OPINIONS = {"paper": 3_000, "small": 40}
DIARY_DAYS = {"paper": 45, "small": 30}  # a grid worker's diary days in the last 90, on average
PROXIES = {"paper": 2_000, "small": 60}
COMPLETION = 0.72  # share of the campaign's households visited so far
BATCH = 5_000

MET = ["户主", "户主及配偶", "老人", "子女", "全家", "邻居代为转达"]
NOTES = ["家庭情况稳定", "老人身体尚可，嘱咐注意用电安全", "反映小区环境问题", "无特殊诉求", "宣传政策，发放联系卡"]
DIARY = [
    "走访独居老人，身体状况良好",
    "巡查发现楼道堆放杂物，已劝导清理",
    "调解邻里噪音纠纷一起",
    "协助社区开展防诈骗宣传",
    "排查出租房屋三户，登记流动人口",
    "小区雨后积水，已上报处理",
]
DIARY_TOPICS = [["special"], ["safety"], ["dispute"], ["public_order"], ["livelihood"], ["environment"]]
PROXY = ["代办老年证", "代办医保缴费", "代办低保年审材料", "代取药品", "代办残疾人证换证", "代缴水电费"]


def seed_visits(ctx) -> str:
    rng: random.Random = ctx.rng
    scale = ctx.scale
    today = timezone.localdate()
    district = GridNode.objects.get(level=Level.DISTRICT)
    communities = list(GridNode.objects.filter(level=Level.COMMUNITY).order_by("code").only("id", "code"))

    # Cadres: spread over the communities in code order, so that the balanced assignment
    # (households in grid order, cadres in username order) gives each cadre households near
    # their own community.
    n = CADRES[scale]
    password = make_password(DEMO_PASSWORD)
    specs = [
        StaffSpec(
            username=f"cadre{i:04d}",
            name=chinese_name(rng),
            password_hash=password,
            role=Role.CADRE,
            node=communities[i * len(communities) // n],
        )
        for i in range(n)
    ]
    staff_bulk_create(actor=None, staff=specs)
    # Only these: the staff step already gave each community a cadre of its own.
    cadre_ids = list(
        get_user_model().objects.filter(username__in=[s.username for s in specs]).values_list("pk", flat=True)
    )
    start = today - datetime.timedelta(days=75)
    campaign = services.campaign_create(
        actor=None,
        name=f"{today.year}年集中走访“万名干部进万家”",
        start_date=start,
        end_date=today + datetime.timedelta(days=45),
        scope_node=district,
        cadres=cadre_ids,
    )
    assigned = services.campaign_assign_balanced(actor=None, campaign=campaign)

    # Opinions first, through the service (each visit with opinions makes its appeals).
    modules = list(ServiceModule.objects.filter(is_active=True))
    weights = [MODULE_WEIGHTS.get(m.code, 2) for m in modules]
    rows = list(CampaignAssignment.objects.filter(campaign=campaign).values_list("id", "household_id", "cadre_id"))
    rng.shuffle(rows)
    visited = rows[: int(len(rows) * COMPLETION)]
    with_opinions, plain = visited[: OPINIONS[scale]], visited[OPINIONS[scale] :]
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in={r[2] for r in with_opinions})}
    households = Household.objects.in_bulk([r[1] for r in with_opinions])
    span = (today - start).days
    appeals = 0
    for _, household_id, cadre_id in with_opinions:
        opinions = []
        for _ in range(rng.choice((1, 1, 1, 2))):
            module = rng.choices(modules, weights)[0]
            opinions.append(services.OpinionInput(module, rng.choice(TEXTS.get(module.code, ["希望尽快解决"]))))
        services.visit_record(
            actor=users[cadre_id],
            household=households[household_id],
            visited_on=start + datetime.timedelta(days=rng.randint(0, span)),
            met=rng.choice(MET),
            notes=rng.choice(NOTES),
            campaign=campaign,
            opinions=opinions,
        )
        appeals += len(opinions)

    # The rest of the visited households: plain visits, bulk-inserted in batches.
    places = {}
    for batch_start in range(0, len(plain), BATCH):
        batch = plain[batch_start : batch_start + BATCH]
        ids = [r[1] for r in batch]
        places.update(
            {
                h[0]: h[1:]
                for h in Household.objects.filter(pk__in=ids).values_list(
                    "id", "unit_grid_id", "community_id", "street_id"
                )
            }
        )
        Visit.objects.bulk_create(
            [
                Visit(
                    household_id=household_id,
                    campaign=campaign,
                    visitor_id=cadre_id,
                    visited_on=start + datetime.timedelta(days=rng.randint(0, span)),
                    met=rng.choice(MET),
                    notes=rng.choice(NOTES),
                    unit_grid_id=places[household_id][0],
                    community_id=places[household_id][1],
                    street_id=places[household_id][2],
                )
                for _, household_id, cadre_id in batch
            ],
            batch_size=1000,
        )
    # One statement marks each assignment with its first visit (visit_record does this one
    # household at a time for the visits it records). The tables were empty when this
    # transaction began: without fresh statistics PostgreSQL plans the correlated subquery
    # as a scan of every visit per assignment (minutes at paper scale, not seconds).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE visits_visit")
            cursor.execute("ANALYZE visits_campaignassignment")
    first = Visit.objects.filter(campaign=campaign, household=OuterRef("household")).order_by("visited_on", "id")
    CampaignAssignment.objects.filter(campaign=campaign, first_visit__isnull=True).update(
        first_visit=Subquery(first.values("id")[:1]), visited_on=Subquery(first.values("visited_on")[:1])
    )

    routine = _routine_visits(rng, today)
    diaries = _diaries(rng, scale, today)
    proxies = _proxies(rng, scale)
    ctx.logins.append(DemoLogin("cadre0000", Role.CADRE.label, campaign.name))
    return (
        f"1 campaign, {n:,} cadres, {assigned:,} households assigned, {len(visited):,} visited "
        f"({appeals:,} opinions became appeals), {routine:,} routine follow-up visits, "
        f"{diaries:,} diary entries, {proxies:,} services on residents' behalf"
    )


def _managers() -> dict[int, int]:
    """Base grid → its grid manager's user id."""
    return dict(
        Assignment.objects.active().filter(role=Role.GRID_MANAGER).values_list("node_id", "user_id").order_by("-id")
    )


def _routine_visits(rng: random.Random, today: datetime.date) -> int:
    """Follow-up visits of tagged residents by their base grid's manager or their unit grid's
    assistant: most on time, some late, some never, so the due list has something in it."""
    managers = _managers()
    staff = _grid_staff()
    tags = list(
        ResidentTag.objects.active(today).values_list(
            "id",
            "resident__household_id",
            "unit_grid_id",
            "unit_grid__parent_id",
            "community_id",
            "street_id",
            "category__visit_interval_days",
        )
    )
    count = 0
    for batch_start in range(0, len(tags), BATCH):
        visits, followed = [], []
        for tag_id, household_id, unit_id, base_id, community_id, street_id, interval in tags[
            batch_start : batch_start + BATCH
        ]:
            if base_id not in managers or rng.random() < 0.15:
                continue
            visited_on = today - datetime.timedelta(days=rng.randint(0, int(interval * 1.4)))
            visits.append(
                Visit(
                    household_id=household_id,
                    visitor_id=rng.choice([*staff.get(unit_id, []), managers[base_id]]),
                    visited_on=visited_on,
                    met=rng.choice(MET),
                    notes=rng.choice(NOTES),
                    unit_grid_id=unit_id,
                    community_id=community_id,
                    street_id=street_id,
                )
            )
            followed.append(tag_id)
        # bulk_create sets primary keys on PostgreSQL and on SQLite 3.35+.
        Visit.objects.bulk_create(visits, batch_size=1000)
        FollowUp.objects.bulk_create(
            [FollowUp(visit=v, tag_id=t, visited_on=v.visited_on) for v, t in zip(visits, followed, strict=True)],
            batch_size=1000,
        )
        # The followed tags' next due dates, from their follow-ups: a grouped read and a
        # bulk_update per 2,000 tags, not a statement per tag (26,000 of them at paper scale).
        tag_next_visit_refresh(tag_ids=followed)
        count += len(visits)
    return count


def _grid_staff() -> dict[int, list[int]]:
    """Base or unit grid → the user ids of the grid staff who hold it."""
    staff: dict[int, list[int]] = {}
    for node_id, user_id in (
        Assignment.objects.active()
        .filter(role__in=[Role.GRID_MANAGER, Role.GRID_ASSISTANT])
        .values_list("node_id", "user_id")
        .order_by("id")
    ):
        staff.setdefault(node_id, []).append(user_id)
    return staff


def _tagged_by_grid() -> dict[int, list[tuple[int, str, str]]]:
    """Base or unit grid → its residents under an active special-population tag (id, name,
    category): whom a grid worker's diary visits to the vulnerable are about."""
    by_grid: dict[int, list[tuple[int, str, str]]] = {}
    rows = (
        ResidentTag.objects.active()
        .values_list("resident_id", "resident__name", "category__name", "resident__household__unit_grid_id",
                     "resident__household__unit_grid__parent_id")
        .order_by("resident_id")
    )  # fmt: skip
    for resident_id, name, category, unit_id, base_id in rows:
        for node_id in (unit_id, base_id):
            by_grid.setdefault(node_id, []).append((resident_id, name, category))
    return by_grid


def _diaries(rng: random.Random, scale: str, today: datetime.date) -> int:
    """The people's diary of every grid manager and assistant over the last three months, some
    keeping it nearly daily and some rarely, so the staff scores differ. A visit to someone
    under a special-population tag names them (the entry is listed on their page)."""
    entries, mentioned = [], []
    tagged = _tagged_by_grid()
    for node_id, user_ids in _grid_staff().items():
        for user_id in user_ids:
            days = rng.sample(range(90), k=min(90, int(DIARY_DAYS[scale] * rng.uniform(0.3, 1.2))))
            for day in days:
                k = rng.randrange(len(DIARY))
                text, who = DIARY[k], None
                if k == 0 and tagged.get(node_id):
                    who, name, category = rng.choice(tagged[node_id])
                    text = f"走访{category}{name}，身体状况良好"
                mentioned.append(who)
                entries.append(
                    DiaryEntry(
                        author_id=user_id,
                        node_id=node_id,
                        date=today - datetime.timedelta(days=day),
                        topics=DIARY_TOPICS[k],
                        text=text,
                    )
                )
    DiaryEntry.objects.bulk_create(entries, batch_size=1000)
    DiaryEntry.mentions.through.objects.bulk_create(
        [
            DiaryEntry.mentions.through(diaryentry_id=e.pk, resident_id=who)
            for e, who in zip(entries, mentioned, strict=True)
            if who is not None
        ],
        batch_size=1000,
    )
    assert all(t in Topic.values for topics in DIARY_TOPICS for t in topics)
    return len(entries)


def _proxies(rng: random.Random, scale: str) -> int:
    managers = _managers()
    residents = list(
        Resident.objects.filter(tags__isnull=False)
        .values_list("id", "household__unit_grid_id", "household__unit_grid__parent_id", "household__community_id",
                     "household__street_id")
        .distinct()[: PROXIES[scale] * 3]
    )  # fmt: skip
    rng.shuffle(residents)
    now = timezone.now()
    rows = []
    for resident_id, unit_id, base_id, community_id, street_id in residents[: PROXIES[scale]]:
        if base_id not in managers:
            continue
        status = rng.choice(
            [ProxyService.Status.DONE] * 6 + [ProxyService.Status.OPEN] * 3 + [ProxyService.Status.FAILED]
        )
        # Taken on over the last three months; most concluded within three days, some later.
        created = now - datetime.timedelta(hours=rng.uniform(2, 90 * 24))
        done = min(now, created + datetime.timedelta(hours=rng.choice([4, 24, 48, 60, 100, 200])))
        rows.append(
            ProxyService(
                resident_id=resident_id,
                what=rng.choice(PROXY),
                result="已办结" if status == ProxyService.Status.DONE else ("材料不全" if status == "failed" else ""),
                status=status,
                handled_by_id=managers[base_id],
                created_at=created,
                done_at=None if status == ProxyService.Status.OPEN else done,
                unit_grid_id=unit_id,
                community_id=community_id,
                street_id=street_id,
            )
        )
    ProxyService.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
