"""The command center's work: new intakes counted at the top of the inbox, the replied-to-verify
queue and the notice of each reply; the return-visit form asks for a rating."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Notification
from petitions import services
from petitions.models import Status

from .conftest import reload

pytestmark = pytest.mark.django_db


def listed(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-appeal="(\d+)"', html)]


def test_new_intakes_are_counted_at_the_top_of_the_inbox_newest_first(make_appeal, people, client_for):
    older, newer = make_appeal("received"), make_appeal("received")
    registered = make_appeal("registered")
    html = client_for(people.center).get("/appeals/inbox/").content.decode()
    counts = html[html.index('id="new-intakes"') :]
    assert re.match(r'id="new-intakes"><strong>2</strong>', counts)
    assert html.index('id="new-intakes"') < html.index('id="received"') < html.index(f'data-appeal="{registered.pk}"')
    received = html[html.index('id="received"') : html.index("</section>", html.index('id="received"'))]
    assert listed(received) == [newer.pk, older.pk]
    assert 'class="highlight"' in html


def test_an_empty_inbox_flags_nothing(people, client_for):
    html = client_for(people.center).get("/appeals/inbox/").content.decode()
    assert re.search(r'id="new-intakes"><strong>0</strong>', html)
    assert 'class="highlight"' not in html and "count-card new" not in html


def test_the_verify_queue_lists_replied_appeals_oldest_reply_first(make_appeal, people, client_for):
    first, second = make_appeal("replied"), make_appeal("replied", where="shuiguo", unit="department")
    make_appeal("in_progress")
    make_appeal("verified")
    client = client_for(people.center)
    assert listed(client.get("/appeals/verify/").content.decode()) == [first.pk, second.pk]
    assert re.search(r'id="to-verify"><strong>2</strong>', client.get("/appeals/inbox/").content.decode())


def test_the_center_verifies_from_the_queue_and_the_appeal_leaves_it(make_appeal, people, client_for):
    appeal = make_appeal("replied")
    client = client_for(people.center)
    response = client.post(f"/appeals/{appeal.pk}/act/verify/", {"next": "/appeals/verify/"})
    assert response.status_code == 302 and response.url == "/appeals/verify/"
    assert reload(appeal).status == Status.VERIFIED
    assert listed(client.get("/appeals/verify/").content.decode()) == []


def test_the_verify_queue_is_the_command_centers_alone(make_appeal, people, client_for):
    make_appeal("replied")
    for user in (people.zhongxin, people.department, people.bureau, people.grid_manager):
        assert client_for(user).get("/appeals/verify/").status_code == 404


def test_the_verify_queue_query_count_does_not_grow(make_appeal, people, client_for):
    client = client_for(people.center)
    make_appeal("replied")

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/appeals/verify/").status_code == 200
        return len(captured)

    count()
    few = count()
    for _ in range(3):
        make_appeal("replied", where="shuiguo")
    assert count() == few


def test_each_reply_tells_the_center_staff_once(make_appeal, people):
    appeal = make_appeal("in_progress")
    services.appeal_reply(actor=people.zhongxin, appeal=appeal, reply="已修复")
    notices = Notification.objects.filter(title__contains="replied, to verify")
    assert list(notices.values_list("recipient", "url")) == [(people.center.pk, f"/appeals/{appeal.pk}/")]
    # Rework and a second reply: a second notice, and still one per reply.
    services.appeal_rework(actor=people.center, appeal=appeal, reason="路灯仍不亮")
    services.appeal_sign(actor=people.zhongxin, appeal=appeal)
    services.appeal_reply(actor=people.zhongxin, appeal=appeal, reply="已更换灯泡")
    assert notices.filter(recipient=people.center).count() == 2
    assert not notices.exclude(recipient=people.center).exists()


def test_the_return_visit_form_preselects_no_rating_and_explains_substantive(make_appeal, people, client_for):
    appeal = make_appeal("verified")
    for url in (f"/appeals/{appeal.pk}/", "/appeals/return-visits/"):
        html = client_for(people.center).get(url).content.decode()
        select = re.search(r'<select name="rating" required[^>]*>(.*?)</select>', html, re.S)
        assert select, url
        options = re.findall(r'<option value="([^"]*)"( selected)?>', select.group(1))
        assert options[0] == ("", " selected") and all(not chosen for _, chosen in options[1:]), url
        assert "the matter itself is not solved" in html, url


def test_a_return_visit_without_a_rating_is_refused_and_changes_nothing(make_appeal, people, client_for):
    appeal = make_appeal("verified")
    client = client_for(people.center)
    response = client.post(f"/appeals/{appeal.pk}/act/return_visit/", {"rating": "", "note": ""}, follow=True)
    assert "Choose how satisfied the reporter is." in response.content.decode()
    assert reload(appeal).status == Status.VERIFIED and reload(appeal).satisfaction == ""
