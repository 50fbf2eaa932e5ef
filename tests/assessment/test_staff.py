"""Grid staff scores: visit coverage of their own grid, reports filed, services on residents'
behalf concluded in time, diary days, each counted from what the staff did and recomputed by hand."""

import datetime
from decimal import Decimal

from django.utils import timezone

from assessment import indicators, services
from petitions import services as appeal_services
from petitions.models import Source
from residents.models import Household, Resident
from visits import services as visit_services
from visits.models import ProxyService


def test_grid_staff_are_scored_on_their_own_grids_work(mid_month, people, registry, modules, places, this_month):
    # Mid-month: the service backdated 100 hours below stays inside the month scored.
    label, later = this_month
    today = mid_month.today
    manager, assistant = people.grid_manager, people.assistant
    manager_grid = Household.objects.visible_to(manager).order_by("number")
    assistant_grid = Household.objects.visible_to(assistant).order_by("number")
    assert (manager_grid.count(), assistant_grid.count()) == (2, 2)

    # The manager visits both of the base grid's households, one of them twice.
    first, second = manager_grid[0], manager_grid[1]
    for household in (first, first, second):
        visit_services.visit_record(actor=manager, household=household, visited_on=today)
    # The assistant visits one of the unit grid's two households and files a report (网格员上报).
    visit_services.visit_record(actor=assistant, household=assistant_grid[0], visited_on=today)
    lon, lat = places["zhongxin"]
    appeal_services.appeal_create(
        actor=assistant, source=Source.GRID, module=modules["civil-affairs"], description="井盖缺失", lon=lon, lat=lat
    )
    # The manager takes on two services for residents: one concluded at once, one 100 hours late.
    resident = Resident.objects.filter(household=first).first()
    for _ in range(2):
        service = visit_services.proxy_service_create(actor=manager, resident=resident, what="代办低保复审")
        visit_services.proxy_service_finish(actor=manager, service=service, result="已办结")
    ProxyService.objects.filter(pk=service.pk).update(created_at=timezone.now() - datetime.timedelta(hours=100))
    # Diary: two entries on one day count one day.
    for text in ("走访了解民情", "调解邻里纠纷"):
        visit_services.diary_entry_create(
            actor=manager, node=manager.assignments.get().node, date=today, text=text, topics=[]
        )

    run = services.period_score(actor=None, label=label, today=later)

    by_user = {s.user_id: s for s in run.staff_scores.all()}
    m, a = by_user[manager.pk], by_user[assistant.pk]
    assert (m.households, m.visited, m.reports, m.services, m.services_on_time, m.diary_days) == (2, 2, 0, 2, 1, 1)
    assert (a.households, a.visited, a.reports, a.services, a.services_on_time, a.diary_days) == (2, 1, 1, 0, 0, 0)
    # Manager: 40 × min(1, 2 / (2 × 0.25)) + 20 × 0/4 + 20 × 1/2 + 20 × 1/20 = 40 + 0 + 10 + 1
    assert m.score == Decimal("51.00")
    # Assistant: 40 × min(1, 1 / (2 × 0.25)) + 20 × 1/4 + 20 × 1 (nothing taken on) + 20 × 0 = 65
    assert a.score == Decimal("65.00")
    assert (m.role, a.role, a.rank) == ("grid_manager", "grid_assistant", 1)


def test_a_quarters_targets_are_three_months_of_targets(rules):
    counts = indicators.StaffCounts(1, "grid_manager", 1, "x", households=40, visited=20, reports=6, diary_days=30)
    # Month: 40 × min(1, 20/10) + 20 × min(1, 6/4) + 20 × 1 + 20 × min(1, 30/20) = 100
    assert indicators.staff_score(counts, rules, 1) == Decimal("100.00")
    # Quarter: 40 × 20/30 + 20 × 6/12 + 20 + 20 × 30/60 = 26.67 + 10 + 20 + 10
    assert indicators.staff_score(counts, rules, 3) == Decimal("66.67")
