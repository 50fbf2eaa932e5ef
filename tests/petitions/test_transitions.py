"""Property test of the one transition table: whatever sequence of actions and actors is
thrown at an appeal, the services move it only along the table, and every move that happens
writes its event while every refusal changes nothing."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridgov.errors import DomainError
from petitions import services
from petitions.models import Appeal, AppealEvent
from petitions.transitions import TRANSITIONS

pytestmark = pytest.mark.django_db

ACTIONS = sorted({action for _status, action in TRANSITIONS})
ACTORS = ["center", "zhongxin", "shuiguo", "department", "grid_manager", "auditor"]


def call(action, actor, appeal, places, other):
    calls = {
        "register": lambda: services.appeal_register(actor=actor, appeal=appeal),
        "merge": lambda: services.appeal_merge(actor=actor, appeal=appeal, into=other),
        "reject": lambda: services.appeal_reject(actor=actor, appeal=appeal, reason="r"),
        "dispatch": lambda: services.appeal_dispatch(actor=actor, appeal=appeal, node=places["zhongxin_street"]),
        "dispatch_down": lambda: services.appeal_dispatch_down(
            actor=actor, appeal=appeal, community=places["zhongxin_community"]
        ),
        "sign": lambda: services.appeal_sign(actor=actor, appeal=appeal),
        "return": lambda: services.appeal_return(actor=actor, appeal=appeal, reason="r"),
        "transfer": lambda: services.appeal_transfer(actor=actor, appeal=appeal, reason="r"),
        "request_extension": lambda: services.appeal_request_extension(actor=actor, appeal=appeal, days=2, reason="r"),
        "decide_extension": lambda: services.appeal_decide_extension(actor=actor, appeal=appeal, approve=True),
        "reply": lambda: services.appeal_reply(actor=actor, appeal=appeal, reply="done"),
        "verify": lambda: services.appeal_verify(actor=actor, appeal=appeal),
        "rework": lambda: services.appeal_rework(actor=actor, appeal=appeal, reason="r"),
        "revisit": lambda: services.appeal_return_visit(actor=actor, appeal=appeal, rating="satisfied"),
        "revisit_rework": lambda: services.appeal_return_visit(
            actor=actor, appeal=appeal, rating="dissatisfied", substantive=True, note="still broken"
        ),
        "reopen": lambda: services.appeal_reopen(actor=actor, appeal=appeal, reason="r"),
    }
    return calls[action]()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(ACTIONS), st.sampled_from(ACTORS)), min_size=1, max_size=25))
def test_services_move_an_appeal_only_along_the_transition_table(make_appeal, people, places, steps):
    appeal = make_appeal("received")
    other = make_appeal("registered")
    for action, who in steps:
        before = Appeal.objects.get(pk=appeal.pk).status
        events = AppealEvent.objects.filter(appeal=appeal).count()
        try:
            call(action, getattr(people, who), appeal, places, other)
        except DomainError:
            assert Appeal.objects.get(pk=appeal.pk).status == before
            assert AppealEvent.objects.filter(appeal=appeal).count() == events
            continue
        move = TRANSITIONS[(before, action)]
        assert who in {"center", "zhongxin", "department"}  # the auditor and others never move it
        assert Appeal.objects.get(pk=appeal.pk).status == move.to
        assert AppealEvent.objects.filter(appeal=appeal).count() == events + 1
