"""Dashboard fixtures: the appeals helpers and a district with appeals in every state."""

import datetime

import pytest

from petitions import services
from petitions.services.supervision import slip_issue
from tests.petitions.conftest import make_appeal, modules, places  # noqa: F401


@pytest.fixture
def busy_district(mid_month, people, make_appeal):  # noqa: F811
    """Appeals of both streets in every state, some signed late, reworked, extended, rated in
    each way, with slips; then the clock moves on three weeks so some are overdue. Returns the
    clock."""
    clock = mid_month
    made = {}
    for status in ("received", "registered", "rejected", "dispatched", "in_progress", "replied", "verified", "closed"):
        made[status] = make_appeal(status)
        made[f"shuiguo_{status}"] = make_appeal(status, where="shuiguo")
    dept = make_appeal("in_progress", unit="department")
    community = make_appeal("dispatched", unit="community")
    # Signed late: dispatched, then signed two days later.
    late = make_appeal("dispatched")
    clock.shift(datetime.timedelta(days=2))
    late = services.appeal_sign(actor=people.zhongxin, appeal=late)
    # Reworked, then closed dissatisfied (not substantive) and unreachable.
    for rating in ("dissatisfied", "unreachable", "basic"):
        a = make_appeal("replied")
        a = services.appeal_rework(actor=people.center, appeal=a, reason="照片不清")
        a = services.appeal_sign(actor=people.zhongxin, appeal=a)
        a = services.appeal_reply(actor=people.zhongxin, appeal=a, reply="已重新处理")
        a = services.appeal_verify(actor=people.center, appeal=a)
        services.appeal_return_visit(actor=people.center, appeal=a, rating=rating)
    # An approved extension and a refused one.
    for approve in (True, False):
        services.appeal_request_extension(actor=people.department, appeal=dept, days=3, reason="需要协调")
        services.appeal_decide_extension(actor=people.center, appeal=dept, approve=approve)
    # Slips by hand, two of one colour on one appeal.
    slip_issue(actor=people.center, appeal=made["in_progress"], colour="yellow", reason="群众反映强烈")
    slip_issue(actor=people.center, appeal=made["in_progress"], colour="yellow", reason="再次督办")
    slip_issue(actor=people.center, appeal=made["shuiguo_dispatched"], colour="blue", reason="提示")
    slip_issue(actor=people.center, appeal=community, colour="red", reason="问责")
    clock.shift(datetime.timedelta(days=21))
    return clock
