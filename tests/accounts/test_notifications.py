import datetime

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Notification
from accounts.services import (
    MAX_DELIVERY_ATTEMPTS,
    notification_mark_read,
    notification_send,
    notifications_deliver,
    notifications_pending,
)
from gridgov.tasks import enqueue_on_commit

pytestmark = pytest.mark.django_db


def send(*users, key="slip:1:yellow", title="督办单：诉求 1"):
    return notification_send(recipients=users, kind=Notification.Kind.SLIP, title=title, key=key, url="/grids/1/")


def test_a_notice_sent_twice_under_one_key_arrives_once(people):
    first = send(people.zhongxin, people.shuiguo)
    again = send(people.zhongxin, people.shuiguo)
    assert len(first) == 2 and again == []
    assert Notification.objects.count() == 2


def test_inactive_users_get_no_notices(people):
    people.shuiguo.is_active = False
    people.shuiguo.save(update_fields=["is_active"])
    send(people.zhongxin, people.shuiguo, None)
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["zhongxin"]


def test_delivery_mails_recipients_with_an_address_and_running_it_twice_sends_once(people):
    people.zhongxin.email = "zhongxin@example.gov.cn"
    people.zhongxin.save(update_fields=["email"])
    ids = send(people.zhongxin, people.shuiguo)
    assert notifications_deliver(ids=ids) == 2
    assert notifications_deliver(ids=ids) == 0
    assert [m.to for m in mail.outbox] == [["zhongxin@example.gov.cn"]]
    assert "/grids/1/" in mail.outbox[0].body
    assert not Notification.objects.undelivered().exists()


def test_a_failing_mail_server_leaves_the_notice_pending_until_its_attempts_run_out(people, settings):
    settings.EMAIL_BACKEND = "tests.accounts.failing_mail.Backend"
    people.zhongxin.email = "zhongxin@example.gov.cn"
    people.zhongxin.save(update_fields=["email"])
    ids = send(people.zhongxin)
    Notification.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=10))
    for _ in range(MAX_DELIVERY_ATTEMPTS - 1):
        with pytest.raises(ConnectionRefusedError):
            notifications_deliver(ids=ids)
        assert notifications_pending(older_than=datetime.timedelta(minutes=2)) == ids
    with pytest.raises(ConnectionRefusedError):
        notifications_deliver(ids=ids)
    assert notifications_pending(older_than=datetime.timedelta(minutes=2)) == []
    assert Notification.objects.get().attempts == MAX_DELIVERY_ATTEMPTS


def test_a_broker_outage_at_commit_time_does_not_undo_the_change(people, django_capture_on_commit_callbacks):
    class Unreachable:
        name = "unreachable"

        def apply_async(self, **kwargs):
            raise ConnectionError("broker down")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send(people.zhongxin)
        enqueue_on_commit(Unreachable())
    assert len(callbacks) == 2
    assert Notification.objects.filter(recipient=people.zhongxin).exists()


def test_users_read_only_their_own_notices_through_the_page_and_the_api(people, client_for):
    send(people.zhongxin, title="给中心街")
    send(people.shuiguo, title="给税郭", key="slip:2:yellow")
    page = client_for(people.zhongxin).get("/notifications/").content.decode()
    assert "给中心街" in page and "给税郭" not in page
    api = client_for(people.zhongxin).get("/api/notifications/").json()["results"]
    assert [n["title"] for n in api] == ["给中心街"]
    other = Notification.objects.get(recipient=people.shuiguo)
    assert client_for(people.zhongxin).get(f"/api/notifications/{other.pk}/").status_code == 404
    assert client_for(people.zhongxin).post(f"/api/notifications/{other.pk}/read/").status_code == 404
    assert Notification.objects.get(pk=other.pk).read_at is None


def test_the_header_counts_unread_notices_and_reading_one_follows_its_link(people, streets, client_for):
    send(people.zhongxin, key="a")
    send(people.zhongxin, key="b")
    client = client_for(people.zhongxin)
    home = client.get(f"/grids/{streets['中心街街道'].pk}/").content.decode()
    assert '<span class="badge">2</span>' in home
    notice = Notification.objects.filter(recipient=people.zhongxin).first()
    response = client.post("/notifications/read/", {"id": notice.pk})
    assert response.status_code == 302 and response.url == "/grids/1/"
    assert Notification.objects.filter(recipient=people.zhongxin).unread().count() == 1
    client.post("/api/notifications/read-all/")
    assert not Notification.objects.filter(recipient=people.zhongxin).unread().exists()


def test_marking_read_touches_only_the_actors_notices(people):
    send(people.zhongxin, people.shuiguo)
    assert notification_mark_read(actor=people.zhongxin) == 1
    assert Notification.objects.filter(recipient=people.shuiguo).unread().count() == 1


def test_the_notification_list_query_count_does_not_grow_with_the_notices(
    people, client_for, django_assert_num_queries
):
    client = client_for(people.zhongxin)
    send(people.zhongxin, key="only")
    with django_assert_num_queries(4):  # session, user, count, page
        client.get("/api/notifications/")
    for i in range(30):
        send(people.zhongxin, key=f"k{i}")
    with django_assert_num_queries(4):
        response = client.get("/api/notifications/")
    assert response.json()["count"] == 31


def _backlog(people, count: int) -> None:
    Notification.objects.bulk_create(
        Notification(recipient=people.zhongxin, kind=Notification.Kind.SLIP, title=f"督办单 {i}", key=f"backlog:{i}")
        for i in range(count)
    )
    Notification.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=10))


def test_the_redelivery_sweep_drains_every_due_notice_in_one_run_batch_after_batch(people):
    from accounts.services import notifications_redeliver

    _backlog(people, 35)
    assert notifications_redeliver(batch=10) == 35
    assert not Notification.objects.undelivered().exists()


def test_the_redelivery_task_delivers_more_than_one_batch(people, settings):
    from accounts import services, tasks

    _backlog(people, services.REDELIVERY_BATCH + 5)
    assert tasks.redeliver_notifications() == services.REDELIVERY_BATCH + 5
    assert not Notification.objects.undelivered().exists()


def test_the_redelivery_sweep_leaves_notices_that_are_not_due_yet(people):
    from accounts.services import notifications_redeliver

    _backlog(people, 3)
    send(people.zhongxin, key="fresh")  # just sent: its own delivery task is on the way
    assert notifications_redeliver(batch=2) == 3
    assert list(Notification.objects.undelivered().values_list("key", flat=True)) == ["fresh"]


def test_a_failing_mail_server_ends_the_redelivery_run_after_one_attempt(people, settings):
    from accounts.services import notifications_redeliver

    settings.EMAIL_BACKEND = "tests.accounts.failing_mail.Backend"
    people.zhongxin.email = "zhongxin@example.gov.cn"
    people.zhongxin.save(update_fields=["email"])
    _backlog(people, 5)
    assert notifications_redeliver(batch=2) == 0
    assert sorted(Notification.objects.values_list("attempts", flat=True)) == [0, 0, 0, 0, 1]


def test_the_seed_leaves_no_backlog_of_undelivered_notices(people):
    from accounts.demo import seed_notices_delivered
    from gridgov.management.commands.seed_district import STEPS

    _backlog(people, 4)
    assert "4" in seed_notices_delivered(None)
    assert not Notification.objects.undelivered().exists()
    assert all(n.delivered_at == n.created_at for n in Notification.objects.all())
    assert STEPS[-1][1] is seed_notices_delivered  # after every step that may send notices
