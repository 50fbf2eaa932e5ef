# ruff: noqa: F811  (the appeals fixtures are imported into this module to be used here)
"""The supervision sweep with the real services: a Celery worker process on Redis, against
PostgreSQL. An appeal crossing a threshold gets its slip through beat's task; Redis stopped
loses nothing; a worker killed mid-sweep leaves exactly one slip per due appeal."""

import datetime
import os
import signal

import pytest
from django.utils import timezone

from petitions.models import Appeal, SupervisionSlip
from tests.petitions.conftest import make_appeal, modules, places  # noqa: F401  (fixtures)

from .conftest import Worker, require_real_services, run_in_django, wait_for

pytestmark = pytest.mark.services

TRIGGER = "from petitions.tasks import sweep_deadlines; sweep_deadlines.delay(); print('sent')"


def make_due(appeals, *, overdue: bool = False):
    """Move the appeals' windows back so that 70 % (or the deadline) has passed now."""
    now = timezone.now()
    for appeal in appeals:
        span = appeal.deadline - appeal.window_start
        start = now - span * (1.5 if overdue else 0.75)
        Appeal.objects.filter(pk=appeal.pk).update(window_start=start, deadline=start + span, next_check_at=now)


def test_an_appeal_crossing_a_threshold_gets_its_slip_from_beats_task_on_a_real_worker(
    celery_worker_process, make_appeal
):
    appeal = make_appeal("in_progress")
    make_due([appeal])
    sent = run_in_django(TRIGGER, os.environ["REDIS_URL"])
    assert sent.returncode == 0, sent.stderr[-2000:]
    assert wait_for(lambda: SupervisionSlip.objects.filter(appeal=appeal, colour="blue").exists(), 60)
    # Beat runs it again a minute later: nothing twice.
    run_in_django(TRIGGER, os.environ["REDIS_URL"])
    assert wait_for(lambda: Appeal.objects.filter(pk=appeal.pk, next_check_at__gt=timezone.now()).exists(), 30)
    assert SupervisionSlip.objects.filter(appeal=appeal).count() == 1


INTAKE = """
from accounts.models import User
from petitions import services
from petitions.models import ServiceModule
center = User.objects.get(username="center")
street = User.objects.get(username="zhongxin")
from grids.models import GridNode
node = GridNode.objects.get(pk={node})
for _ in range(3):
    a = services.appeal_create(actor=center, source="hotline", module=ServiceModule.objects.get(code="civil-affairs"),
                               description="路灯不亮", lon={lon}, lat={lat}, reporter_name="张三",
                               reporter_phone="13812345678")
    a = services.appeal_register(actor=center, appeal=a)
    a = services.appeal_dispatch(actor=center, appeal=a, node=node)
    services.appeal_sign(actor=street, appeal=a)
print("committed")
"""


def test_appeals_taken_while_redis_is_down_get_every_due_slip_exactly_once_when_it_returns(
    transactional_db, private_redis, make_appeal, places, people
):
    require_real_services()
    before = make_appeal("in_progress")
    worker = Worker(private_redis.url).start()
    try:
        private_redis.stop()
        lon, lat = places["zhongxin"]
        taken = run_in_django(INTAKE.format(node=places["zhongxin_street"].pk, lon=lon, lat=lat), private_redis.url)
        # Intake commits although the broker is down (its notices' enqueue is only logged).
        assert taken.returncode == 0 and "committed" in taken.stdout, taken.stderr[-2000:]
        appeals = list(Appeal.objects.filter(status="in_progress"))
        assert len(appeals) == 4
        # While Redis is down, time passes: every appeal is overdue now.
        make_due(appeals, overdue=True)
        assert not SupervisionSlip.objects.exists()

        private_redis.start()
        for _ in range(2):  # beat's next two ticks
            sent = run_in_django(TRIGGER, private_redis.url)
            assert sent.returncode == 0, sent.stderr[-2000:]
        done = lambda: SupervisionSlip.objects.filter(colour="orange").count() == 4  # noqa: E731
        assert wait_for(done, 60)
        assert wait_for(lambda: not Appeal.objects.filter(next_check_at__lte=timezone.now()).exists(), 30)
        for appeal in appeals:
            colours = sorted(SupervisionSlip.objects.filter(appeal=appeal).values_list("colour", flat=True))
            assert colours == ["blue", "orange", "yellow"], (appeal.pk, colours)
        assert before.pk in {a.pk for a in appeals}
        assert Appeal.objects.count() == 4  # nothing lost
    finally:
        worker.stop()


def test_a_worker_killed_mid_sweep_leaves_exactly_one_slip_per_due_appeal_after_restart(
    transactional_db, private_redis, make_appeal
):
    require_real_services()
    appeals = [make_appeal("in_progress") for _ in range(6)]
    make_due(appeals)
    # A slow sweep (test-only hook) and a short redelivery time for the unacknowledged task.
    env = {"GRIDGOV_SWEEP_TEST_SLEEP": "1.0", "CELERY_VISIBILITY_TIMEOUT": "5"}
    worker = Worker(private_redis.url, env=env).start()
    try:
        sent = run_in_django(TRIGGER, private_redis.url)
        assert sent.returncode == 0, sent.stderr[-2000:]
        # Kill it -9 once it has issued some slips but not all.
        assert wait_for(lambda: SupervisionSlip.objects.exists(), 60)
        os.kill(worker.process.pid, signal.SIGKILL)
        worker.process.wait()
        partial = SupervisionSlip.objects.count()
        assert 0 < partial < len(appeals)

        # Restarted (now at full speed), it gets the unacknowledged task again.
        worker = Worker(private_redis.url, env={"CELERY_VISIBILITY_TIMEOUT": "5"}).start()
        assert wait_for(lambda: SupervisionSlip.objects.count() == len(appeals), 180)
        assert wait_for(lambda: not Appeal.objects.filter(next_check_at__lte=timezone.now()).exists(), 30)
        for appeal in appeals:
            assert list(SupervisionSlip.objects.filter(appeal=appeal).values_list("colour", flat=True)) == ["blue"]
    finally:
        worker.stop()


def test_two_sweeps_at_once_issue_nothing_twice(transactional_db, make_appeal):
    require_real_services()
    import threading

    from django.db import connection

    from petitions.services.supervision import slips_issue_due

    appeals = [make_appeal("in_progress") for _ in range(8)]
    make_due(appeals, overdue=True)
    errors = []

    def sweep():
        try:
            slips_issue_due(now=timezone.now() + datetime.timedelta(seconds=1))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert SupervisionSlip.objects.count() == 3 * len(appeals)  # blue, yellow, orange each
