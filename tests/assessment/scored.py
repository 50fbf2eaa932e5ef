"""A scored month for the page and API tests: appeals for both streets, a community and the
department, a slip, a grid report, then the month scored by the monthly task."""

import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from assessment import services
from assessment.models import Period, ScoringRun, StaffScore, UnitScore
from grids.models import Department, GridNode, Level
from petitions import services as appeals
from petitions.models import Source, SupervisionSlip
from tests.factories import UserFactory


@dataclass
class Scored:
    label: str
    period: Period
    run: ScoringRun

    def unit(self, kind: str, unit) -> UnitScore:
        if kind == "department":
            return self.run.unit_scores.get(kind=kind, department=unit)
        return self.run.unit_scores.get(kind=kind, node=unit)

    def unit_url(self, kind: str, unit, tail: str = "") -> str:
        return f"/assessment/{self.label}/units/{kind}/{unit.pk}/{tail}"


@pytest.fixture
def scored(make_appeal, places, people, modules, this_month) -> Scored:
    label, later = this_month
    make_appeal("closed", unit="street")
    make_appeal("closed", unit="street")
    slipped = make_appeal("in_progress", unit="street")
    make_appeal("closed", unit="street", where="shuiguo")
    make_appeal("dispatched", unit="street", where="shuiguo")
    make_appeal("closed", unit="department")
    make_appeal("dispatched", unit="community")
    SupervisionSlip.objects.create(
        appeal=slipped,
        colour="yellow",
        reason="test",
        manual=True,
        window_start=timezone.now(),
        handling_node=places["zhongxin_street"],
    )
    lon, lat = places["zhongxin"]
    appeals.appeal_create(
        actor=people.grid_manager, source=Source.GRID, module=modules["civil-affairs"], description="井盖缺失",
        lon=lon, lat=lat,
    )  # fmt: skip
    run = services.period_score(actor=None, label=label, today=later)
    return Scored(label, Period.objects.get(label=label), run)


def more_rows(run: ScoringRun, n: int = 3) -> None:
    """More units and staff in a run, as a bigger district would have: rankings must not take
    more queries for them."""
    have = set(run.unit_scores.filter(kind="community").values_list("node_id", flat=True))
    communities = GridNode.objects.filter(level=Level.COMMUNITY).exclude(pk__in=have)[:n]
    base = {"handled": 3, "completed": 2, "on_time": 1, "rated": 2, "satisfied": 1, "reworked": 1}
    base |= {"return_visited": 2, "extensions": 0, "blue": 0, "yellow": 1, "orange": 0, "red": 0}
    for i, node in enumerate(communities):
        UnitScore.objects.create(
            run=run, kind="community", node=node, name=node.name, **base, score=Decimal(50 + i), rank=9
        )
    for i in range(n):
        department = Department.objects.create(code=f"dept-{run.pk}-{i}", name=f"部门{i}")
        UnitScore.objects.create(
            run=run, kind="department", department=department, name=department.name, **base,
            score=Decimal(60 + i), rank=9,
        )  # fmt: skip
    grids = list(GridNode.objects.filter(level=Level.BASE_GRID).order_by("code")[:n])
    units = list(GridNode.objects.filter(level=Level.UNIT_GRID).order_by("code")[:n])
    for i in range(n):
        for role, node in (("grid_manager", grids[i]), ("grid_assistant", units[i])):
            user = UserFactory()
            StaffScore.objects.create(
                run=run, user=user, role=role, node=node, name=user.username, households=100, visited=20,
                reports=2, services=1, services_on_time=1, diary_days=10, score=Decimal(70 + i), rank=9,
            )  # fmt: skip


def workbook(content: bytes):
    return load_workbook(io.BytesIO(content), read_only=True)
