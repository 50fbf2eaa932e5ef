import datetime

import pytest
from django.utils import timezone

from accounts.models import Notification
from tests.factories import UserFactory

from .conftest import Worker, require_real_services, run_in_django, wait_for

pytestmark = pytest.mark.services

SEND = """
from django.db import transaction
from accounts.models import Notification, User
from accounts.services import notification_send
with transaction.atomic():
    notification_send(
        recipients=User.objects.filter(username="zhongxin"), kind="dispatch", title="{title}", key="{key}"
    )
print("committed")
"""


def test_notices_sent_while_redis_is_down_are_kept_and_delivered_once_it_returns(transactional_db, private_redis):
    require_real_services()
    UserFactory(username="zhongxin", email="zhongxin@example.gov.cn")
    worker = Worker(private_redis.url).start()
    try:
        private_redis.stop()
        sent = run_in_django(SEND.format(title="交办：诉求 9", key="dispatch:9"), private_redis.url)
        # The change commits although the broker is down; the enqueue failure is only logged.
        assert sent.returncode == 0 and "committed" in sent.stdout, sent.stderr[-2000:]
        notice = Notification.objects.get(key="dispatch:9")
        assert notice.delivered_at is None

        private_redis.start()
        # The beat sweep redelivers what is older than two minutes; age the notice instead of waiting.
        Notification.objects.filter(pk=notice.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=5))
        swept = run_in_django(
            "from accounts.tasks import redeliver_notifications; redeliver_notifications.delay(); print('sent')",
            private_redis.url,
        )
        assert swept.returncode == 0, swept.stderr[-2000:]
        assert wait_for(lambda: Notification.objects.filter(pk=notice.pk, delivered_at__isnull=False).exists(), 60)
        assert Notification.objects.get(pk=notice.pk).attempts == 1
        assert Notification.objects.count() == 1
    finally:
        worker.stop()
