"""The one workflow shape (gridgov.workflow) and the three tables that use it: appeals,
assessment periods and expense reports."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accounts.roles import Role
from assessment.services import WORKFLOW as PERIODS
from funding.services import WORKFLOW as REPORTS
from gridgov.workflow import Move, Workflow
from petitions.transitions import WORKFLOW as APPEALS

TABLES = [APPEALS, PERIODS, REPORTS]
ROLES = sorted(Role.values)


@pytest.mark.parametrize("workflow", TABLES, ids=lambda w: w.name)
def test_each_table_names_only_its_own_states_and_real_roles(workflow):
    for (source, action), move in workflow.table.items():
        assert source in move.sources and move.action == action
        assert source in workflow.states and move.to in workflow.states
        assert move.roles and move.roles <= set(Role.values), action


@pytest.mark.parametrize("workflow", TABLES, ids=lambda w: w.name)
def test_each_table_lists_every_move_once_per_state(workflow):
    keys = [(source, m.action) for m in workflow.moves for source in m.sources]
    assert len(keys) == len(set(keys)) == len(workflow.table)


def test_a_table_that_names_a_move_twice_or_an_unknown_state_is_refused():
    with pytest.raises(ValueError, match="two moves"):
        Workflow("w", ["a", "b"], [Move("go", "a", "b", {"r"}), Move("go", ("a", "b"), "b", {"r"})])
    with pytest.raises(ValueError, match="does not have"):
        Workflow("w", ["a"], [Move("go", "a", "nowhere", {"r"})])


class _User:
    """A user holding `roles` (the scope is the one thing a role check reads)."""

    is_authenticated = True
    is_superuser = False

    def __init__(self, roles):
        self.roles = frozenset(roles)


@pytest.fixture
def roles_of(monkeypatch):
    class Scope:
        def __init__(self, user):
            self.user = user

        def has_role(self, *roles):
            return bool(self.user.roles.intersection(roles))

    monkeypatch.setattr("gridgov.workflow.scope_for", Scope)


@pytest.mark.usefixtures("roles_of")
@given(
    table=st.sampled_from(TABLES),
    roles=st.sets(st.sampled_from(ROLES), max_size=3),
    state=st.text(max_size=3) | st.sampled_from(sorted({s for t in TABLES for s in t.states})),
)
def test_the_moves_a_user_can_make_are_exactly_the_tables_moves_their_roles_allow(table, roles, state):
    user = _User(roles)
    moves = table.moves_for(user, state)
    expected = [a for (s, a), m in table.table.items() if s == state and m.roles & user.roles]
    assert moves == expected
    for action in moves:
        move = table.move(state, action)
        assert move is not None and table.may(user, action, state)
    for action in set(table.actions) - set(moves):
        assert not table.may(user, action, state)


@pytest.mark.usefixtures("roles_of")
def test_the_system_may_make_every_move_and_a_superuser_only_the_administrators():
    class Superuser(_User):
        is_superuser = True

    for table in TABLES:
        for (state, action), move in table.table.items():
            assert table.may(None, action, state)
            # Separation of duties: a superuser is an administrator, and no more.
            assert table.may(Superuser(()), action, state) == ("admin" in move.roles)


@pytest.mark.usefixtures("roles_of")
def test_a_move_that_needs_more_than_a_role_is_offered_only_when_the_app_says_it_holds():
    w = Workflow("w", ["a", "b"], [Move("go", "a", "b", {"r"}, needs=("unit",)), Move("stay", "a", "a", {"r"})])
    user = _User({"r"})
    assert w.moves_for(user, "a") == ["go", "stay"]
    assert w.moves_for(user, "a", needs=lambda m: "unit" not in m.needs) == ["stay"]
