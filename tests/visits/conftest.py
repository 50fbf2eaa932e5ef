"""Visits fixtures: the small registry (two households per unit grid), the modules, two cadres
under 中心街 and a campaign over 中心街 with its households assigned."""

import datetime

import pytest

from accounts.roles import Role
from grids.services import assignment_start
from tests.conftest import LOCAL, suite_now
from tests.factories import UserFactory
from tests.petitions.conftest import modules  # noqa: F401
from tests.residents.conftest import categories, fresh_locator, registry  # noqa: F401
from visits import services

# The visits tests' today: the suite's (GRIDGOV_TEST_TODAY or the real one). Every test runs with
# the clock stopped at 10:00 that day, so TODAY stays today however long the run takes.
TODAY = suite_now().date()


@pytest.fixture(autouse=True)
def visits_today(clock):
    clock.move_to(datetime.datetime.combine(TODAY, datetime.time(10, 0), tzinfo=LOCAL))
    return TODAY


def make_cadre(username, node):
    user = UserFactory(username=username)
    assignment_start(actor=None, user=user, role=Role.CADRE, node=node)
    return user


@pytest.fixture
def cadres(streets, people):
    return [make_cadre("cadre1", streets["中心街街道"]), make_cadre("cadre2", streets["中心街街道"])]


@pytest.fixture
def campaign(people, streets, registry, cadres):  # noqa: F811
    campaign = services.campaign_create(
        actor=people.center,
        name="2015 春季集中走访",
        start_date=datetime.date(2015, 3, 1),
        end_date=TODAY + datetime.timedelta(days=30),
        scope_node=streets["中心街街道"],
        cadres=cadres,
    )
    services.campaign_assign_balanced(actor=people.center, campaign=campaign)
    return campaign
