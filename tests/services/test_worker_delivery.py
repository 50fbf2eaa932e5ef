import pytest
from django.db import transaction

from accounts.models import Notification
from accounts.services import notification_send
from tests.factories import UserFactory

from .conftest import wait_for

pytestmark = pytest.mark.services


def test_a_real_worker_delivers_a_notice_enqueued_after_commit(celery_worker_process):
    user = UserFactory(username="zhongxin", email="zhongxin@example.gov.cn")
    with transaction.atomic():
        [notice_id] = notification_send(
            recipients=[user], kind=Notification.Kind.DISPATCH, title="新交办：诉求 7", key="dispatch:7"
        )
        # Not delivered before commit: the task is only sent once the row is visible.
        assert Notification.objects.get(pk=notice_id).delivered_at is None

    delivered = wait_for(lambda: Notification.objects.filter(pk=notice_id, delivered_at__isnull=False).exists())
    assert delivered, "the worker did not deliver the notice within 30 s"
    assert Notification.objects.get(pk=notice_id).attempts == 1
