import datetime
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from gridgov.errors import Conflict, InvalidInput, NotAllowed
from petitions import services
from petitions.models import Appeal, AppealEvent, AppealPhoto, Colour, ExtensionRequest, Source, Status
from petitions.transitions import TRANSITIONS, available_actions

from .conftest import png_bytes, reload

pytestmark = pytest.mark.django_db


def test_every_transition_in_the_table_is_exercised_by_a_service_walk(make_appeal, people, places):
    """Walk one appeal through all the moves of the table; each leaves an event."""
    appeal = make_appeal("registered")
    seen = {("received", "register")}
    appeal = services.appeal_dispatch(actor=people.center, appeal=appeal, node=places["zhongxin_street"])
    seen.add(("registered", "dispatch"))
    appeal = services.appeal_return(actor=people.zhongxin, appeal=appeal, reason="不属于本街道")
    seen.add(("dispatched", "return"))
    appeal = services.appeal_dispatch(actor=people.center, appeal=appeal, node=places["zhongxin_street"])
    appeal = services.appeal_dispatch_down(actor=people.zhongxin, appeal=appeal, community=places["zhongxin_community"])
    seen.add(("dispatched", "dispatch_down"))
    appeal = services.appeal_return(actor=people.zhongxin, appeal=appeal, reason="社区无法处理")
    appeal = services.appeal_dispatch(actor=people.center, appeal=appeal, node=places["zhongxin_street"])
    appeal = services.appeal_sign(actor=people.zhongxin, appeal=appeal)
    seen.add(("dispatched", "sign"))
    appeal = services.appeal_dispatch_down(actor=people.zhongxin, appeal=appeal, community=places["zhongxin_community"])
    seen.add(("in_progress", "dispatch_down"))
    appeal = services.appeal_sign(actor=people.zhongxin, appeal=appeal)
    appeal = services.appeal_transfer(actor=people.zhongxin, appeal=appeal, reason="应由民政局办理")
    seen.add(("in_progress", "transfer"))
    appeal = services.appeal_dispatch(actor=people.center, appeal=appeal, department=places["civil"])
    appeal = services.appeal_sign(actor=people.department, appeal=appeal)
    services.appeal_request_extension(actor=people.department, appeal=appeal, days=3, reason="需协调")
    seen.add(("in_progress", "request_extension"))
    appeal = services.appeal_decide_extension(actor=people.center, appeal=appeal, approve=True)
    seen.add(("in_progress", "decide_extension"))
    appeal = services.appeal_reply(actor=people.department, appeal=appeal, reply="已处理")
    seen.add(("in_progress", "reply"))
    appeal = services.appeal_rework(actor=people.center, appeal=appeal, reason="现场未整改")
    seen.add(("replied", "rework"))
    appeal = services.appeal_sign(actor=people.department, appeal=appeal)
    appeal = services.appeal_reply(actor=people.department, appeal=appeal, reply="已整改")
    appeal = services.appeal_verify(actor=people.center, appeal=appeal)
    seen.add(("replied", "verify"))
    appeal = services.appeal_return_visit(
        actor=people.center, appeal=appeal, rating="dissatisfied", substantive=True, note="问题仍在"
    )
    seen.add(("verified", "revisit_rework"))
    assert appeal.rework_count == 2
    appeal = services.appeal_sign(actor=people.department, appeal=appeal)
    appeal = services.appeal_reply(actor=people.department, appeal=appeal, reply="彻底解决")
    appeal = services.appeal_verify(actor=people.center, appeal=appeal)
    appeal = services.appeal_return_visit(actor=people.center, appeal=appeal, rating="satisfied")
    seen.add(("verified", "revisit"))
    assert appeal.status == Status.CLOSED and appeal.satisfaction == "satisfied"
    appeal = services.appeal_reopen(actor=people.center, appeal=appeal, reason="再次反映")
    seen.add(("closed", "reopen"))
    appeal = services.appeal_reject(actor=people.center, appeal=appeal, reason="已另案处理")
    seen.add(("registered", "reject"))

    other = make_appeal("received")
    services.appeal_reject(actor=people.center, appeal=other, reason="无效来电")
    seen.add(("received", "reject"))
    repeat = make_appeal("received")
    first = make_appeal("registered")
    services.appeal_merge(actor=people.center, appeal=repeat, into=first)
    seen.add(("received", "merge"))

    assert seen == {(str(s), a) for s, a in TRANSITIONS}
    events = list(AppealEvent.objects.filter(appeal=appeal).values_list("action", flat=True))
    assert events[0] == "create" and events[-1] == "reject"
    assert len(events) == 28


def test_an_illegal_move_is_refused_naming_the_state_and_the_action(make_appeal, people):
    appeal = make_appeal("received")
    with pytest.raises(Conflict) as refused:
        services.appeal_sign(actor=people.zhongxin, appeal=appeal)
    assert "received" in refused.value.message and "sign" in refused.value.message
    assert reload(appeal).status == Status.RECEIVED
    assert AppealEvent.objects.filter(appeal=appeal).count() == 1


def test_a_street_officer_may_not_dispatch_from_the_inbox(make_appeal, people, places):
    appeal = make_appeal("registered")
    with pytest.raises(NotAllowed):
        services.appeal_dispatch(actor=people.zhongxin, appeal=appeal, node=places["zhongxin_street"])


def test_another_street_cannot_sign_a_case_dispatched_to_zhongxin(make_appeal, people):
    appeal = make_appeal("dispatched")
    with pytest.raises(NotAllowed) as refused:
        services.appeal_sign(actor=people.shuiguo, appeal=appeal)
    assert refused.value.code == "not_handling_unit"
    assert reload(appeal).status == Status.DISPATCHED


def test_a_department_officer_cannot_sign_a_case_of_another_unit(make_appeal, people):
    appeal = make_appeal("dispatched", unit="street")
    with pytest.raises(NotAllowed):
        services.appeal_sign(actor=people.department, appeal=appeal)


def test_a_street_can_handle_a_case_it_dispatched_down_to_its_community(make_appeal, people, places):
    appeal = make_appeal("dispatched")
    appeal = services.appeal_dispatch_down(actor=people.zhongxin, appeal=appeal, community=places["zhongxin_community"])
    assert appeal.handling_node == places["zhongxin_community"]
    assert appeal.handling_street == places["zhongxin_street"]
    assert "sign" in available_actions(people.zhongxin, appeal)


def test_dispatch_down_only_to_a_community_of_the_street(make_appeal, people, places):
    appeal = make_appeal("dispatched")
    other = places["shuiguo_street"].get_children().first()
    with pytest.raises(InvalidInput):
        services.appeal_dispatch_down(actor=people.zhongxin, appeal=appeal, community=other)


def test_dispatch_needs_exactly_one_unit_of_the_right_level(make_appeal, people, places):
    appeal = make_appeal("registered")
    with pytest.raises(InvalidInput):
        services.appeal_dispatch(actor=people.center, appeal=appeal)
    with pytest.raises(InvalidInput):
        services.appeal_dispatch(
            actor=people.center, appeal=appeal, node=places["zhongxin_street"], department=places["civil"]
        )
    unit = places["zhongxin_community"].get_descendants().last()
    with pytest.raises(InvalidInput):
        services.appeal_dispatch(actor=people.center, appeal=appeal, node=unit)
    assert reload(appeal).status == Status.REGISTERED


def test_dispatch_sets_a_deadline_in_working_days(make_appeal, people, places):
    appeal = make_appeal("dispatched", module="sanitation")
    assert appeal.deadline > appeal.window_start
    local = timezone.localtime(appeal.deadline)
    assert local.weekday() < 5 or local.date().isoformat() in {"2026-02-14", "2026-02-28"}
    assert (local.date() - timezone.localdate()).days >= 3


def test_a_repeat_appeal_is_merged_and_raises_the_open_case_to_yellow(make_appeal, people):
    first = make_appeal("dispatched")
    repeat = make_appeal("received")
    services.appeal_merge(actor=people.center, appeal=repeat, into=first)
    first, repeat = reload(first), reload(repeat)
    assert repeat.status == Status.MERGED and repeat.duplicate_of == first
    assert first.repeat_count == 1 and first.colour == Colour.YELLOW
    assert AppealEvent.objects.filter(appeal=first, action="repeat").exists()


def test_a_closed_case_cannot_take_repeats(make_appeal, people):
    first = make_appeal("closed")
    repeat = make_appeal("received")
    with pytest.raises(Conflict):
        services.appeal_merge(actor=people.center, appeal=repeat, into=first)
    assert reload(repeat).status == Status.RECEIVED


def test_an_approved_extension_moves_the_deadline_and_keeps_the_request(make_appeal, people):
    appeal = make_appeal("in_progress", unit="department")
    before = appeal.deadline
    services.appeal_request_extension(actor=people.department, appeal=appeal, days=5, reason="需要协调多部门")
    with pytest.raises(Conflict):
        services.appeal_request_extension(actor=people.department, appeal=appeal, days=2, reason="再延")
    appeal = services.appeal_decide_extension(actor=people.center, appeal=appeal, approve=True)
    assert appeal.deadline > before
    request = ExtensionRequest.objects.get(appeal=appeal)
    assert request.status == "approved" and request.old_deadline == before and request.new_deadline == appeal.deadline


def test_a_refused_extension_leaves_the_deadline(make_appeal, people):
    appeal = make_appeal("in_progress", unit="department")
    before = appeal.deadline
    services.appeal_request_extension(actor=people.department, appeal=appeal, days=5, reason="x")
    appeal = services.appeal_decide_extension(actor=people.center, appeal=appeal, approve=False)
    assert appeal.deadline == before


def test_an_extension_cannot_be_asked_after_the_deadline(make_appeal, people):
    appeal = make_appeal("in_progress", unit="department")
    Appeal.objects.filter(pk=appeal.pk).update(deadline=timezone.now() - datetime.timedelta(hours=1))
    with pytest.raises(Conflict):
        services.appeal_request_extension(actor=people.department, appeal=appeal, days=2, reason="迟了")


def test_reopen_only_within_thirty_days(make_appeal, people):
    appeal = make_appeal("closed")
    Appeal.objects.filter(pk=appeal.pk).update(closed_at=timezone.now() - datetime.timedelta(days=31))
    with pytest.raises(Conflict):
        services.appeal_reopen(actor=people.center, appeal=appeal, reason="再次反映")


def test_a_dissatisfied_rating_without_substance_closes_the_case(make_appeal, people):
    appeal = make_appeal("verified")
    appeal = services.appeal_return_visit(actor=people.center, appeal=appeal, rating="dissatisfied")
    assert appeal.status == Status.CLOSED and appeal.satisfaction == "dissatisfied"


def test_a_rework_needs_a_reason(make_appeal, people):
    appeal = make_appeal("replied")
    with pytest.raises(InvalidInput):
        services.appeal_rework(actor=people.center, appeal=appeal, reason="  ")
    assert reload(appeal).status == Status.REPLIED


def test_intake_refuses_a_missing_module_and_saves_nothing(people, modules, places):
    lon, lat = places["zhongxin"]
    with pytest.raises(InvalidInput) as refused:
        services.appeal_create(
            actor=people.center, source=Source.HOTLINE, module=None, description="x", lon=lon, lat=lat
        )
    assert refused.value.field == "module"
    assert not Appeal.objects.exists()


def test_intake_refuses_a_point_outside_the_district(people, modules):
    with pytest.raises(InvalidInput) as refused:
        services.appeal_create(
            actor=people.center, source=Source.HOTLINE, module=modules["sanitation"], description="x", lon=100, lat=30
        )
    assert refused.value.code == "outside_district"
    assert not Appeal.objects.exists()


def test_intake_refuses_nul_bytes(people, modules, places):
    lon, lat = places["zhongxin"]
    with pytest.raises(InvalidInput) as refused:
        services.appeal_create(
            actor=people.center, source=Source.HOTLINE, module=modules["sanitation"], description="a\x00b",
            lon=lon, lat=lat,
        )  # fmt: skip
    assert refused.value.code == "nul"


def test_intake_refuses_a_file_that_is_not_an_image(people, modules, places):
    lon, lat = places["zhongxin"]
    fake = SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")
    with pytest.raises(InvalidInput) as refused:
        services.appeal_create(
            actor=people.grid_manager, source=Source.GRID, module=modules["sanitation"], description="垃圾堆放",
            lon=lon, lat=lat, photos=[fake],
        )  # fmt: skip
    assert refused.value.code == "not_an_image"
    assert not Appeal.objects.exists() and not AppealPhoto.objects.exists()


def test_intake_refuses_an_oversized_photo(people, modules, places, settings):
    lon, lat = places["zhongxin"]
    big = SimpleUploadedFile("big.png", png_bytes() + b"\0" * (5 * 1024 * 1024 + 1), content_type="image/png")
    with pytest.raises(InvalidInput) as refused:
        services.appeal_create(
            actor=people.grid_manager, source=Source.GRID, module=modules["sanitation"], description="垃圾",
            lon=lon, lat=lat, photos=[big],
        )  # fmt: skip
    assert refused.value.code == "photo_too_large"


def test_a_grid_report_keeps_its_photo(people, modules, places, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    lon, lat = places["zhongxin"]
    photo = SimpleUploadedFile("p.png", png_bytes(), content_type="image/png")
    appeal = services.appeal_create(
        actor=people.grid_manager, source=Source.GRID, module=modules["sanitation"], description="垃圾堆放",
        lon=lon, lat=lat, photos=[photo],
    )  # fmt: skip
    saved = AppealPhoto.objects.get(appeal=appeal)
    assert saved.extension == "png" and saved.width == 8 and saved.event.action == "create"


def test_a_street_officer_cannot_take_hotline_calls(people, modules, places):
    lon, lat = places["zhongxin"]
    with pytest.raises(NotAllowed):
        services.appeal_create(
            actor=people.zhongxin, source=Source.HOTLINE, module=modules["sanitation"], description="x",
            lon=lon, lat=lat,
        )  # fmt: skip


def test_open311_intake_needs_a_client_key(people, modules, places):
    lon, lat = places["zhongxin"]
    with pytest.raises(InvalidInput):
        services.appeal_create(
            actor=None, source=Source.OPEN311, module=modules["sanitation"], description="x", lon=lon, lat=lat
        )


def test_the_reporter_phone_is_never_stored_in_plain_text(make_appeal):
    appeal = make_appeal("received", phone="13812345678")
    row = Appeal.objects.filter(pk=appeal.pk).values().get()
    assert not any("13812345678" in str(value) for value in row.values())
    assert appeal.reporter_phone_masked == "138****5678"
    assert appeal.reporter_name_masked == "张*"


@pytest.mark.django_db(transaction=True)
def test_two_officers_signing_at_once_cannot_both_succeed(make_appeal, people):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises whole-database writes; row locks are proven on PostgreSQL")
    appeal = make_appeal("dispatched")
    other = type(people.zhongxin).objects.create(username="zhongxin2")
    from grids.services import assignment_start

    assignment_start(actor=None, user=other, role="street_office", node=appeal.handling_node)
    barrier = threading.Barrier(2)
    outcomes = []

    def sign(actor):
        try:
            barrier.wait()
            services.appeal_sign(actor=actor, appeal=appeal.pk, note=actor.username)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=sign, args=(u,)) for u in (people.zhongxin, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert AppealEvent.objects.filter(appeal=appeal, action="sign").count() == 1


def test_dispatch_notifies_the_handling_unit_and_a_return_the_command_center(make_appeal, people):
    from accounts.models import Notification

    appeal = make_appeal("dispatched")
    notice = Notification.objects.get(recipient=people.zhongxin)
    assert notice.kind == "dispatch" and notice.url == f"/appeals/{appeal.pk}/"
    assert not Notification.objects.filter(recipient=people.shuiguo).exists()
    services.appeal_return(actor=people.zhongxin, appeal=appeal, reason="不属于本街道")
    assert Notification.objects.filter(recipient=people.center, key__contains=":return:").count() == 1


def test_a_community_workstation_handles_what_its_street_dispatched_down(make_appeal, people, places):
    from accounts.roles import Role
    from grids.services import assignment_start
    from tests.factories import UserFactory

    community = places["zhongxin_community"]
    worker = UserFactory(username="workstation")
    assignment_start(actor=None, user=worker, role=Role.COMMUNITY, node=community)
    appeal = make_appeal("dispatched")
    assert "sign" not in available_actions(worker, appeal)  # still the street's case
    appeal = services.appeal_dispatch_down(actor=people.zhongxin, appeal=appeal, community=community)
    assert appeal.pk in set(Appeal.objects.visible_to(worker).values_list("pk", flat=True))
    assert available_actions(worker, appeal) == ["sign", "return"]
    appeal = services.appeal_sign(actor=worker, appeal=appeal)
    appeal = services.appeal_reply(actor=worker, appeal=appeal, reply="社区已处理")
    assert appeal.status == Status.REPLIED
    with pytest.raises(NotAllowed):
        services.appeal_dispatch_down(actor=worker, appeal=make_appeal("dispatched"), community=community)
