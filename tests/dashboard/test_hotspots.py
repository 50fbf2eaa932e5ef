"""Hot spots (热点) and proactive tasks (未诉先办): a rule hit says why and lists its appeals, and
becomes one task for the unit grid's grid manager, whatever how often the detector runs."""

import datetime

import pytest

from dashboard.hotspots import hotspot_detect, hotspot_tasks_create, open_tasks
from dashboard.models import HotspotRule, ProactiveTask, RuleKind
from grids.models import GridNode
from petitions.models import Appeal

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules(db):
    HotspotRule.objects.all().delete()
    return {
        kind: HotspotRule.objects.create(name=kind, kind=kind, threshold=3, days=30)
        for kind in (RuleKind.GRID_MODULE, RuleKind.REPEAT_CALLER, RuleKind.SURGE)
    }


def test_three_appeals_of_one_module_in_one_unit_grid_make_a_task_for_its_grid_manager(
    mid_month, people, make_appeal, rules
):
    clock = mid_month
    first = make_appeal("received", phone="13800000001")
    clock.shift(datetime.timedelta(days=10))
    second = make_appeal("received", phone="13800000002")
    assert [h for h in hotspot_detect() if h.rule.kind == RuleKind.GRID_MODULE] == []
    clock.shift(datetime.timedelta(days=10))
    third = make_appeal("received", phone="13800000003")
    make_appeal("received", where="shuiguo", phone="13800000004")  # another street: not in it

    hits = [h for h in hotspot_detect() if h.rule.kind == RuleKind.GRID_MODULE]
    assert len(hits) == 1
    hit = hits[0]
    assert hit.appeal_ids == [first.pk, second.pk, third.pk]
    # Why, in the site's language (the district's Chinese), whatever the caller's.
    assert "近 30 天" in hit.reason and "3 件" in hit.reason and first.module.name in hit.reason

    tasks = [t for t in hotspot_tasks_create(actor=None) if t.rule.kind == RuleKind.GRID_MODULE]
    assert len(tasks) == 1
    task = tasks[0]
    assert set(task.appeals.values_list("pk", flat=True)) == {first.pk, second.pk, third.pk}
    unit = GridNode.objects.get(pk=first.unit_grid_id)
    assert task.unit_grid == unit
    # The grid manager posted on the unit grid's base grid.
    assert list(task.assignees.all()) == [people.grid_manager]
    assert people.grid_manager.assignments.filter(node=unit.parent).exists()

    # Run again, and after a fourth appeal: still one open task, with the new appeal added.
    hotspot_tasks_create(actor=None)
    fourth = make_appeal("received", phone="13800000005")
    hotspot_tasks_create(actor=None)
    assert ProactiveTask.objects.filter(rule=rules[RuleKind.GRID_MODULE]).count() == 1
    assert task.appeals.count() == 4 and task.appeals.filter(pk=fourth.pk).exists()

    # Ten more days: the first appeal falls out of the window, but the task keeps its appeals.
    clock.shift(datetime.timedelta(days=11))
    hit = next(h for h in hotspot_detect() if h.rule.kind == RuleKind.GRID_MODULE)
    assert first.pk not in hit.appeal_ids


def test_a_caller_appealing_three_times_is_a_hit_without_decrypting_anything(mid_month, make_appeal, rules):
    made = [make_appeal("received", phone="13912345678", module=m) for m in ("civil-affairs", "civil-affairs")]
    assert not [h for h in hotspot_detect() if h.rule.kind == RuleKind.REPEAT_CALLER]
    made.append(make_appeal("received", where="shuiguo", phone="13912345678"))
    hits = [h for h in hotspot_detect() if h.rule.kind == RuleKind.REPEAT_CALLER]
    assert len(hits) == 1 and hits[0].appeal_ids == sorted(a.pk for a in made)
    assert "13912345678" not in hits[0].key and "13912345678" not in hits[0].reason


def test_a_surge_against_the_same_weekday_baseline_is_a_hit(mid_month, make_appeal, rules):
    now = mid_month.now
    for weeks_ago in (4, 3, 2, 1):
        # One appeal on each of the last four same weekdays (back-dated: posts start today).
        earlier = make_appeal("received", phone=f"1370000000{weeks_ago}")
        Appeal.objects.filter(pk=earlier.pk).update(created_at=now - datetime.timedelta(weeks=weeks_ago))
    today = [make_appeal("received", phone=f"1360000000{i}") for i in range(5)]
    hits = [h for h in hotspot_detect() if h.rule.kind == RuleKind.SURGE]
    assert len(hits) == 1 and hits[0].appeal_ids == [a.pk for a in today]
    assert "z = 4.0" in hits[0].reason and "近4周" in hits[0].reason


def test_the_dashboard_lists_the_open_tasks_of_its_area(mid_month, people, make_appeal, rules, client_for, streets):
    for i in range(3):
        make_appeal("received", phone=f"1350000000{i}")
    hotspot_tasks_create(actor=None)
    task = ProactiveTask.objects.get(rule=rules[RuleKind.GRID_MODULE])
    html = client_for(people.center).get("/dashboard/").content.decode()
    assert f'data-task="{task.pk}"' in html
    for appeal in task.appeals.all():  # the appeals behind it, linked
        assert f'href="/appeals/{appeal.pk}/" data-appeal="{appeal.pk}"' in html
    zhongxin = streets["中心街街道"]
    assert list(open_tasks(people.zhongxin, zhongxin)) == [task]
    assert list(open_tasks(people.shuiguo, streets["税郭镇"])) == []
    assert f'data-task="{task.pk}"' not in client_for(people.shuiguo).get("/dashboard/").content.decode()
    assert list(open_tasks(people.department, GridNode.objects.get(level=0))) == []
    assert Appeal.objects.count() == 3


def test_the_hourly_task_runs_the_detector_and_is_safe_to_run_twice(mid_month, make_appeal, rules):
    from dashboard.tasks import detect_hotspots

    for i in range(3):
        make_appeal("received", phone=f"1340000000{i}")
    # The grid-and-module rule, and a surge (3 today against none on the last four same weekdays).
    assert detect_hotspots() == 2
    assert detect_hotspots() == 2
    assert ProactiveTask.objects.count() == 2
