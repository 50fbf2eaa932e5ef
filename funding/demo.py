"""The funding part of the demo district: a year of budgets, allocations and monthly expense
reports, replayed through the same services a street and an auditor use, each on the day it
happened (the seed moves the services' clock; nothing else here does).

Shape of the year (the current one, up to last month; the previous one in January and
February, so there is always a run of complete months):
- every street's budget frozen on 1 January, allocated monthly (two townships quarterly);
- a report per street per month: grid managers' and assistants' subsidies by person, and
  devices, training and printing, all within the street's monthly share of its budget
  (60 yuan × households / 12; the small demo's streets pay a handful of their staff);
  approved on about the 7th of the next month;
- some returned with the auditor's comments and resubmitted; one submitted late (the 8th);
- last month's reports still under way: some submitted (the review queue), one returned;
- the audit flags each have a case: a manager paid twice in a month, a township spending
  more in January than it was allocated (a device purchase), an assistant whose post was
  ended back to a month they were paid for, and the late report.
"""

import calendar
import datetime
from contextlib import contextmanager
from unittest import mock

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.roles import Role
from grids.demo import DEMO_PASSWORD, chinese_name
from grids.models import Assignment, GridNode, Level
from grids.services import StaffSpec, assignment_end, staff_bulk_create

from . import services
from .models import AllocationFrequency, ExpenseReport, FundingRate

MANAGER_SUBSIDY_FEN = 80_000  # 800 yuan a month (网格管理员补贴)
ASSISTANT_SUBSIDY_FEN = 30_000  # 300 yuan a month (网格协管员补贴)
QUARTERLY = {"税郭镇", "孟庄镇"}
# The note of the rate the migration adds (funding 0003), for a flushed database.
DEFAULT_RATE_NOTE = "每户每年 60 元（市中区网格化管理经费标准）"

RETURN_COMMENTS = [
    "培训费缺少签到表和发票，请补充后重新提交。",
    "设备费与合同金额不一致，请核对。",
    "补贴名单与网格员花名册不符，请更正。",
]


@contextmanager
def _clock(day: datetime.date, hour: int = 10):
    moment = timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def seed_year(today: datetime.date) -> tuple[int, int]:
    """(year, number of complete months to report)."""
    if today.month > 2:
        return today.year, today.month - 1
    return today.year - 1, 12


def _households(ctx) -> int:
    """The registry keeps GridNode.households. When it has counted none (a seed of the
    funding step alone, as some tests do), give each unit grid a plausible count in
    the planned 100–250 (mean ≈ 166, so the paper's district has ≈ 190,000 households and a
    budget ≈ 11.4 M yuan) and sum them up the tree, as the registry would."""
    if GridNode.objects.filter(level=Level.STREET, households__gt=0).exists():
        return GridNode.objects.get(level=Level.DISTRICT).households
    units = list(GridNode.objects.filter(level=Level.UNIT_GRID).only("id", "parent_id", "households"))
    for unit in units:
        unit.households = ctx.rng.randint(100, 232)
    GridNode.objects.bulk_update(units, ["households"], batch_size=1000)
    nodes = {n.pk: n for n in GridNode.objects.only("id", "parent_id", "level", "households")}
    for level in (Level.BASE_GRID, Level.COMMUNITY, Level.STREET, Level.DISTRICT):
        for node in nodes.values():
            if node.level == level:
                node.households = 0
        for node in nodes.values():
            if node.level == level + 1:
                nodes[node.parent_id].households += node.households
        GridNode.objects.bulk_update([n for n in nodes.values() if n.level == level], ["households"], batch_size=1000)
    return sum(u.households for u in units)


# What a street's month may spend, as shares of its monthly share of the budget (60 yuan ×
# households / 12): subsidies take up to SUBSIDY_SHARE, running costs fill part of the rest,
# so an ordinary month stays within its share and only the flagged exceptions go over.
SUBSIDY_SHARE = 0.78
RUNNING_COSTS = {  # category: (description, months it falls in, share of the month's budget)
    "devices": ("网格员手机话费", lambda m: True, (0.04, 0.08)),
    "training": ("网格员业务培训", lambda m: m % 3 == 1, (0.05, 0.10)),
    "printing": ("民情日志印制", lambda m: m % 2 == 0, (0.01, 0.03)),
}


def _paid(roles: dict[str, list[int]], share_fen: int) -> dict[str, list[int]]:
    """The managers and assistants whose subsidies the month's share carries, within
    SUBSIDY_SHARE of it: the first manager and assistant (code order), then assistants and
    managers in turn, three assistants to a manager, as a base grid has them."""
    room = int(share_fen * SUBSIDY_SHARE)
    paid: dict[str, list[int]] = {"manager": [], "assistant": []}
    queues = {"manager": list(roles["manager"]), "assistant": list(roles["assistant"])}
    fen = {"manager": MANAGER_SUBSIDY_FEN, "assistant": ASSISTANT_SUBSIDY_FEN}
    turn = ["assistant", "manager", "assistant", "assistant"]
    while any(queues.values()):
        took = False
        for kind in turn:
            if queues[kind] and fen[kind] <= room:
                paid[kind].append(queues[kind].pop(0))
                room -= fen[kind]
                took = True
        if not took:
            break
    return paid


def _running_costs(rng, month: int, *, share: int, lines: list[dict]) -> list[dict]:
    """Phone fees every month, training each quarter, printing every other month: shares of
    the month's budget, rounded down to whole yuan, never past what the subsidies left."""
    room = share - sum(li["amount_fen"] for li in lines)
    costs = []
    for category, (description, falls, (low, high)) in RUNNING_COSTS.items():
        if not falls(month):
            continue
        fen = min(int(share * rng.uniform(low, high)) // 100 * 100, room)
        if fen >= 100:
            costs.append({"category": category, "amount_fen": fen, "description": description})
            room -= fen
    return costs


def seed_funding(ctx) -> str:
    from django.contrib.auth import get_user_model

    User = get_user_model()
    today = timezone.localdate()
    year, months = seed_year(today)
    households = _households(ctx)
    if not FundingRate.objects.filter(effective_from__lte=datetime.date(year, 1, 1)).exists():
        # The migration adds the 60-yuan rate; a flushed database (seed --reset) lost it.
        services.funding_rate_add(actor=None, fen_per_household=6000, effective_from=datetime.date(2000, 1, 1),
                                  note=DEFAULT_RATE_NOTE)  # fmt: skip

    # The demo staff took their posts on the day of seeding; the funding year needs them in
    # post from 1 January, so their posts are dated back to then (demo data only).
    Assignment.objects.filter(valid_from=today).update(valid_from=datetime.date(year, 1, 1))
    center, admin, auditor = (User.objects.get(username=u) for u in ("center", "admin", "auditor"))
    streets = list(GridNode.objects.filter(level=Level.STREET).order_by("code"))
    officer = {
        a.node_id: a.user
        for a in Assignment.objects.filter(role=Role.STREET_OFFICE).select_related("user").order_by("id")
    }
    staff = {s.pk: {"manager": [], "assistant": []} for s in streets}
    street_of = {}
    for n in GridNode.objects.filter(level=Level.STREET).only("id", "tree_id", "lft", "rght"):
        street_of[(n.tree_id, n.lft, n.rght)] = n.pk
    for a in (
        Assignment.objects.filter(role__in=[Role.GRID_MANAGER, Role.GRID_ASSISTANT])
        .values("user_id", "role", "node__tree_id", "node__lft")
        .order_by("node__code")
    ):
        sid = next(
            pk for (t, lft, rght), pk in street_of.items() if t == a["node__tree_id"] and lft < a["node__lft"] < rght
        )
        staff[sid]["manager" if a["role"] == Role.GRID_MANAGER else "assistant"].append(a["user_id"])
    with _clock(datetime.date(year, 1, 1), hour=9):
        budgets = {
            s.pk: services.budget_freeze(
                actor=center,
                street=s,
                year=year,
                frequency=AllocationFrequency.QUARTERLY if s.name in QUARTERLY else AllocationFrequency.MONTHLY,
            )
            for s in streets
        }
    rng = ctx.rng
    # Each street pays what its monthly share (budget / 12) can carry: at paper scale that is
    # every manager and assistant; the small demo's few hundred households carry a handful.
    staff = {sid: _paid(roles, budgets[sid].amount_fen // 12) for sid, roles in staff.items()}
    late_street, dup_street, over_street = streets[0], streets[1 % len(streets)], streets[-1]
    # January is among them so that a year of only two or three reported months (seeded in March
    # or April) holds a returned-and-resubmitted report too; the last month's return is not redone.
    returned = {(streets[2 % len(streets)].pk, 1), (streets[4 % len(streets)].pk, 6), (streets[0].pk, 9)}
    ended_assistant = None
    count_reports = count_lines = 0

    for month in range(1, months + 1):
        first = datetime.date(year, month, 1)
        with _clock(first, hour=9):
            for s in streets:
                if any(day.month == month for day, _fen in services.allocation_schedule(budgets[s.pk])):
                    draft = services.allocation_prepare(actor=center, budget=budgets[s.pk], month=month)
                    services.voucher_post(actor=admin, voucher=draft)
        next_month = first + datetime.timedelta(days=calendar.monthrange(year, month)[1])
        last = month == months
        for s in streets:
            who = officer[s.pk]
            with _clock(next_month.replace(day=rng.randint(1, 3))):
                report = services.expense_report_create(actor=who, street=s, year=year, month=month)
                lines = [
                    {"category": "manager_subsidy", "amount_fen": MANAGER_SUBSIDY_FEN, "payee_id": uid}
                    for uid in staff[s.pk]["manager"]
                ] + [
                    {"category": "assistant_subsidy", "amount_fen": ASSISTANT_SUBSIDY_FEN, "payee_id": uid}
                    for uid in staff[s.pk]["assistant"]
                ]
                lines += _running_costs(rng, month, share=budgets[s.pk].amount_fen // 12, lines=lines)
                if s == dup_street and month == 2 and (paid := staff[s.pk]["manager"] or staff[s.pk]["assistant"]):
                    # Back pay entered as a second line: the duplicate-payee flag's case.
                    kind = "manager" if staff[s.pk]["manager"] else "assistant"
                    fen = MANAGER_SUBSIDY_FEN if kind == "manager" else ASSISTANT_SUBSIDY_FEN
                    lines.append({"category": f"{kind}_subsidy", "payee_id": paid[0], "amount_fen": fen,
                                  "description": "补发1月补贴"})  # fmt: skip
                if s == over_street and month == 1:
                    # A year's devices bought at once: more than January's allocation (flag).
                    lines.append({"category": "devices", "amount_fen": budgets[s.pk].amount_fen // 3,
                                  "description": "网格巡查终端采购"})  # fmt: skip
                services.expense_lines_add_many(actor=who, report=report, lines=lines)
                count_lines += len(lines)
            count_reports += 1
            if last and s.pk in (streets[3 % len(streets)].pk, streets[5 % len(streets)].pk):
                continue  # still a draft: due on the 5th
            submit_day = next_month.replace(day=8) if (s == late_street and month == 2) else next_month.replace(day=3)
            with _clock(submit_day):
                report = services.expense_report_submit(actor=who, report=report)
            if (s.pk, month) in returned or (last and s == streets[6 % len(streets)]):
                with _clock(submit_day + datetime.timedelta(days=1)):
                    report = services.expense_report_return(
                        actor=auditor, report=report, comment=rng.choice(RETURN_COMMENTS)
                    )
                if last:
                    continue  # waiting for the street to fix it
                with _clock(submit_day + datetime.timedelta(days=2)):
                    report = services.expense_report_submit(actor=who, report=report)
            if last and s != streets[0]:
                continue  # in the review queue
            with _clock(submit_day + datetime.timedelta(days=4)):
                services.expense_report_approve(actor=auditor, report=report)
        if month == min(5, months) and staff[streets[0].pk]["assistant"]:
            ended_assistant = staff[streets[0].pk]["assistant"][-1]

    if ended_assistant:
        # The assistant left at the start of May, recorded only now, and a successor took the
        # post that day: the subsidies already paid to the leaver from May raise the
        # no-valid-assignment flag, and every unit grid still has its assistant.
        left = datetime.date(year, min(5, months), 1)
        assignment = Assignment.objects.select_related("user", "node").get(
            user_id=ended_assistant, role=Role.GRID_ASSISTANT
        )
        assignment_end(actor=None, assignment=assignment, valid_to=left)
        successor = StaffSpec(
            f"{assignment.user.username}b", chinese_name(rng), make_password(DEMO_PASSWORD), Role.GRID_ASSISTANT,
            node=assignment.node,
        )  # fmt: skip
        staff_bulk_create(actor=None, staff=[successor], valid_from=left)
    late = services.expense_reports_mark_late(today=today)
    total = sum(b.amount_fen for b in budgets.values())
    return (
        f"{year} budgets for {households:,} households = {total / 100:,.2f} yuan; {count_reports} monthly reports "
        f"({count_lines:,} lines), {ExpenseReport.objects.filter(late_since__isnull=False).count()} late "
        f"({len(late)} flagged now)"
    )
