# ruff: noqa: F811  (the appeals fixtures are imported into this module to be used here)
"""Scoring with the real services: beat's daily task on a real Celery worker over Redis and
PostgreSQL scores last month once, however often it is sent; two scorings at once store one run."""

import datetime
import os
import threading

import pytest
from django.db import connection
from django.utils import timezone

from assessment import services
from assessment.models import Period, ScoringRun, UnitScore
from gridgov.errors import Conflict
from petitions.models import Appeal
from tests.petitions.conftest import make_appeal, modules, places  # noqa: F401  (fixtures)

from .conftest import require_real_services, run_in_django, wait_for

pytestmark = pytest.mark.services

TRIGGER = "from assessment.tasks import score_due_periods; score_due_periods.delay(); print('sent')"


def last_month() -> str:
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")


def move_into_last_month(appeals) -> None:
    Appeal.objects.filter(pk__in=[a.pk for a in appeals]).update(
        created_at=timezone.now().replace(day=1) - datetime.timedelta(days=3)
    )


def test_beats_daily_task_on_a_real_worker_scores_last_month_once(celery_worker_process, make_appeal):
    services.rules_default_ensure()
    move_into_last_month([make_appeal("closed", unit="street"), make_appeal("closed", unit="department")])
    for _ in range(2):  # beat sends it every day; the second finds the month closed
        sent = run_in_django(TRIGGER, os.environ["REDIS_URL"])
        assert sent.returncode == 0, sent.stderr[-2000:]
    assert wait_for(lambda: Period.objects.filter(label=last_month(), status="closed").exists(), 60)
    # Give the second message time to be worked through, then check nothing ran twice.
    assert wait_for(lambda: not celery_worker_process.process.poll() and _queue_empty(), 30)
    assert ScoringRun.objects.filter(period__label=last_month()).count() == 1
    assert UnitScore.objects.count() == 2


def _queue_empty() -> bool:
    import redis

    return redis.Redis.from_url(os.environ["REDIS_URL"]).llen("celery") == 0


def test_two_scorings_of_the_same_period_at_once_store_one_run(transactional_db, make_appeal):
    require_real_services()
    services.rules_default_ensure()
    move_into_last_month([make_appeal("closed", unit="street")])
    outcomes = []

    def score():
        try:
            outcomes.append(services.period_score(actor=None, label=last_month()).number)
        except Conflict as refusal:
            outcomes.append(refusal.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=score) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes, key=str) == [1, "conflict", "conflict"]
    assert ScoringRun.objects.count() == 1 and UnitScore.objects.count() == 1
