"""ResidentTag.next_visit_on, the stored due date the due list reads: set by every writer of
tags, follow-ups and intervals, and always equal to the rule (start until followed up, then
the latest follow-up + the category's interval)."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from residents.models import Household, ResidentTag
from residents.services import category_update, next_visit_due, resident_tag_add
from visits import selectors, services

from .conftest import TODAY


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture
def released(people, categories, registry):
    """A released person (every 30 days) in the grid manager's base grid, tagged 60 days ago."""
    base = people.grid_manager.assignments.get().node
    household = Household.objects.filter(unit_grid__parent=base).order_by("number").first()
    return resident_tag_add(
        actor=None, resident=household.members.first(), category=categories["released"], start_date=TODAY - days(60)
    )


def follow_up(people, tag, on, actor=None):
    services.visit_record(
        actor=actor or people.grid_manager, household=tag.resident.household, visited_on=on, followed_tags=[tag]
    )
    tag.refresh_from_db()
    return tag


def expected(tag) -> datetime.date:
    last = max(tag.followups.values_list("visited_on", flat=True), default=None)
    return next_visit_due(start_date=tag.start_date, last_visit=last, interval_days=tag.category.visit_interval_days)


def test_a_new_tag_is_due_from_the_day_it_starts(released):
    assert released.next_visit_on == released.start_date == TODAY - days(60)


def test_recording_a_follow_up_moves_the_tags_next_visit_to_the_visit_plus_the_interval(people, released):
    follow_up(people, released, TODAY - days(5))
    assert released.next_visit_on == TODAY + days(25)


def test_a_backdated_visit_does_not_move_the_next_visit_back(people, released):
    follow_up(people, released, TODAY - days(2))
    follow_up(people, released, TODAY - days(20))
    assert released.next_visit_on == TODAY + days(28)


def test_changing_a_categorys_interval_recomputes_the_next_visit_of_its_tags(people, categories, released):
    follow_up(people, released, TODAY - days(10))
    base = people.grid_manager.assignments.get().node
    household = Household.objects.filter(unit_grid__parent=base).order_by("number")[1]
    never = resident_tag_add(
        actor=None, resident=household.members.first(), category=categories["released"], start_date=TODAY - days(3)
    )
    other = ResidentTag.objects.exclude(category=categories["released"]).first()
    before = other.next_visit_on

    category_update(actor=people.center, category=categories["released"], visit_interval_days=7)

    released.refresh_from_db()
    never.refresh_from_db()
    other.refresh_from_db()
    assert released.next_visit_on == TODAY - days(3)  # followed up 10 days ago, now every 7
    assert never.next_visit_on == TODAY - days(3)  # still due from its start
    assert other.next_visit_on == before


def test_a_category_of_more_tags_than_a_batch_is_recomputed_in_every_batch(people, categories, released, monkeypatch):
    from residents.services import tags as tag_services

    follow_up(people, released, TODAY - days(10))
    monkeypatch.setattr(tag_services, "REFRESH_BATCH", 1)
    followed = ResidentTag.objects.filter(category=categories["disabled"], street__name="中心街街道")[:3]
    assert len(followed) == 3
    for tag in followed:
        follow_up(people, tag, TODAY - days(1), actor=people.zhongxin)
    category_update(actor=people.center, category=categories["disabled"], visit_interval_days=45)
    for tag in ResidentTag.objects.filter(category=categories["disabled"]).select_related("category"):
        assert tag.next_visit_on == expected(tag)


def test_the_due_list_reads_the_stored_date_and_shows_the_last_visit(people, released):
    follow_up(people, released, TODAY - days(40))
    due = {d.tag.pk: d for d in selectors.due_visits(people.grid_manager)}
    assert (due[released.pk].last_visit, due[released.pk].due_on) == (TODAY - days(40), TODAY - days(10))
    # Moved by hand past Sunday, the tag leaves the list: the list trusts the column.
    ResidentTag.objects.filter(pk=released.pk).update(next_visit_on=TODAY + days(8))
    assert released.pk not in {d.tag.pk for d in selectors.due_visits(people.grid_manager)}


def test_the_due_list_counts_and_slices_in_the_database(people, released, categories):
    for household in Household.objects.filter(street__name="中心街街道").order_by("number")[1:5]:
        resident_tag_add(actor=None, resident=household.members.first(), category=categories["released"])
    everything = list(selectors.due_visits(people.zhongxin))
    due = selectors.due_visits(people.zhongxin)
    with CaptureQueriesContext(connection) as ctx:
        n = due.count()
        page = due[1:3]
    assert n == len(everything) >= 5
    assert [d.tag.pk for d in page] == [d.tag.pk for d in everything[1:3]]
    assert len(ctx.captured_queries) == 2
    assert "LIMIT 2" in ctx.captured_queries[1]["sql"]


def test_the_migration_computes_every_existing_tags_next_visit_from_its_follow_ups(people, released):
    follow_up(people, released, TODAY - days(12))
    ResidentTag.objects.update(next_visit_on=datetime.date(2000, 1, 1))
    migration = importlib.import_module("residents.migrations.0003_residenttag_next_visit_on")
    migration.compute_next_visit_on(apps, None)
    for tag in ResidentTag.objects.select_related("category"):
        assert tag.next_visit_on == expected(tag)
    assert ResidentTag.objects.get(pk=released.pk).next_visit_on == TODAY + days(18)
