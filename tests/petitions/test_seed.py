import random

import pytest

from grids import demo as grids_demo
from petitions import demo, demo_supervision
from petitions.models import Appeal, AppealEvent, Open311Key, ServiceModule, Status

pytestmark = pytest.mark.django_db


def test_the_seed_step_makes_appeals_with_timelines_and_a_demo_key(district):
    ctx = grids_demo.SeedContext(rng=random.Random(3), scale="small")
    grids_demo.seed_departments(ctx)
    said = demo.seed_appeals(ctx)
    assert Appeal.objects.count() == demo.PER_YEAR["small"]
    assert ServiceModule.objects.filter(owner__isnull=True).count() == 0
    assert Open311Key.objects.filter(name="demo").exists() and ctx.open311_key in said
    # Every appeal's timeline starts with its reception and ends in its current status.
    for appeal in Appeal.objects.prefetch_related("events")[:50]:
        events = list(appeal.events.all())
        assert events[0].action == "create" and events[-1].to_status == appeal.status
        assert [e.at for e in events] == sorted(e.at for e in events)
    closed = Appeal.objects.filter(status=Status.CLOSED)
    assert closed.exists() and not closed.filter(satisfaction="").exists()
    assert not Appeal.objects.filter(status=Status.DISPATCHED, deadline__isnull=True).exists()
    assert AppealEvent.objects.count() > 5 * Appeal.objects.count()


def test_seed_district_seeds_appeals_after_the_households_they_link_to():
    from gridgov.management.commands.seed_district import STEPS

    labels = [label for label, _step in STEPS]
    assert ("appeals", demo.seed_appeals) in STEPS
    assert labels.index("households and residents") < labels.index("appeals")
    assert ("supervision slips", demo_supervision.seed_supervision) in STEPS
    assert labels.index("appeals") < labels.index("supervision slips")


def test_seeded_appeals_have_the_slips_the_rule_calls_for_and_a_second_sweep_issues_nothing(district):
    import datetime

    from django.utils import timezone

    from petitions.models import HANDLING_STATUSES, SupervisionSlip
    from petitions.services.supervision import _facts as facts_of
    from petitions.services.supervision import all_exceptions, colours_due, slips_issue_due

    ctx = grids_demo.SeedContext(rng=random.Random(3), scale="small")
    grids_demo.seed_departments(ctx)
    demo.seed_appeals(ctx)
    demo_supervision.seed_supervision(ctx)
    # Time moved forward a week: the sweep catches up, and a second run issues nothing.
    later = timezone.now() + datetime.timedelta(days=7)
    slips_issue_due(now=later, limit=10_000)
    assert slips_issue_due(now=later, limit=10_000)["appeals"] == 0
    exceptions = all_exceptions()
    handling = Appeal.objects.filter(status__in=HANDLING_STATUSES).prefetch_related("slips")
    assert handling.exists()
    for appeal in handling:
        slips = list(appeal.slips.all())
        window = {s.colour for s in slips if s.window_start == appeal.window_start and s.reason != "重复反映"}
        assert window == set(colours_due(facts_of(appeal, slips), later, exceptions)) - {
            s.colour for s in slips if s.reason == "重复反映"
        }, appeal.pk
        assert appeal.next_check_at is None or appeal.next_check_at > later
    assert SupervisionSlip.objects.filter(colour="orange").exists()


def test_the_seed_restores_the_default_modules_after_a_flush(district):
    ServiceModule.objects.all().delete()
    ctx = grids_demo.SeedContext(rng=random.Random(4), scale="small")
    grids_demo.seed_departments(ctx)
    demo.seed_appeals(ctx)
    assert ServiceModule.objects.count() == 17


def test_seeded_repeats_are_counted_on_the_case_they_repeat(district, monkeypatch):
    from django.db.models import Sum

    monkeypatch.setattr(demo, "BATCH", 60)  # several batches, so later ones can repeat earlier cases
    ctx = grids_demo.SeedContext(rng=random.Random(5), scale="small")
    grids_demo.seed_departments(ctx)
    demo.seed_appeals(ctx)
    merged = Appeal.objects.filter(status=Status.MERGED).count()
    assert merged > 0
    assert Appeal.objects.aggregate(n=Sum("repeat_count"))["n"] == merged
    assert AppealEvent.objects.filter(action="repeat").count() == merged
    assert not Appeal.objects.filter(repeat_count__gt=0, colour="").exists()


def test_seeded_appeals_link_registered_callers_with_their_sealed_phones(district):
    from residents import demo as registry_demo

    ctx = grids_demo.SeedContext(rng=random.Random(6), scale="small")
    grids_demo.seed_departments(ctx)
    registry_demo.seed_categories(ctx)
    registry_demo.seed_registry(ctx)
    demo.seed_appeals(ctx)
    linked = Appeal.objects.filter(reporter_resident__isnull=False).select_related("reporter_resident__household")
    assert 0.2 < linked.count() / Appeal.objects.count() < 0.5
    for appeal in linked[:20]:
        assert appeal.reporter_phone_hash == appeal.reporter_resident.phone_hash
        assert appeal.unit_grid_id == appeal.reporter_resident.household.unit_grid_id
