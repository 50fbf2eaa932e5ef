"""Shared fixtures: a small district and the named people whose scopes differ.

The small district has the real tree's shape on two streets (中心街街道 and 税郭镇), built by
the same generator and service as the demo district.
"""

import datetime
import os
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import translation

from accounts.roles import Role
from grids import demo
from grids.locator import drop_cached_locator
from grids.models import Department, GridNode, Level
from grids.services import assignment_start, grid_tree_create

from .factories import UserFactory

SMALL_STREETS = [("001", "中心街街道", "zhongxin"), ("100", "税郭镇", "shuiguo")]
SMALL_COUNTS = (4, 8, 16)  # communities, base grids, unit grids

LOCAL = ZoneInfo("Asia/Shanghai")


def suite_now() -> datetime.datetime:
    """The suite's "now": `GRIDGOV_TEST_TODAY=YYYY-MM-DD` (10:00 local time) or
    `YYYY-MM-DDTHH:MM` travels there; unset, the real now."""
    raw = os.environ.get("GRIDGOV_TEST_TODAY", "").strip()
    if not raw:
        return datetime.datetime.now(LOCAL)
    try:
        when = datetime.datetime.fromisoformat(raw if "T" in raw else f"{raw}T10:00")
    except ValueError as error:
        raise pytest.UsageError(f"GRIDGOV_TEST_TODAY={raw!r} is not YYYY-MM-DD or YYYY-MM-DDTHH:MM") from error
    return when if when.tzinfo else when.replace(tzinfo=LOCAL)


_suite_travel = None


def pytest_configure(config):
    """Moves the whole run to GRIDGOV_TEST_TODAY, if set, before the test modules are even
    imported (so a module-level date is the suite's too); the clock keeps ticking from there.
    Each xdist worker travels on its own. Subprocesses (a Celery worker, gunicorn) and the
    browser keep the real clock."""
    global _suite_travel
    if os.environ.get("GRIDGOV_TEST_TODAY") and _suite_travel is None:
        _suite_travel = time_machine.travel(suite_now(), tick=True)
        _suite_travel.start()


def pytest_unconfigure(config):
    global _suite_travel
    if _suite_travel is not None:
        _suite_travel.stop()
        _suite_travel = None


def pytest_report_header(config):
    moved = os.environ.get("GRIDGOV_TEST_TODAY")
    return f"suite date: {suite_now():%Y-%m-%d %H:%M %Z}" + (f" (GRIDGOV_TEST_TODAY={moved})" if moved else " (today)")


class Clock:
    """The suite's one clock for a test: frozen at the suite's now until moved."""

    def __init__(self, traveller):
        self._traveller = traveller

    @property
    def now(self) -> datetime.datetime:
        return datetime.datetime.now(LOCAL)

    @property
    def today(self) -> datetime.date:
        return self.now.date()

    def move_to(self, when: datetime.datetime | datetime.date) -> datetime.datetime:
        """Moves to an aware datetime, or to 10:00 local time on a date; returns the new now."""
        if not isinstance(when, datetime.datetime):
            when = datetime.datetime.combine(when, datetime.time(10, 0), tzinfo=LOCAL)
        elif when.tzinfo is None:
            raise ValueError("the clock moves to aware datetimes only")
        self._traveller.move_to(when)
        return self.now

    def shift(self, delta: datetime.timedelta) -> datetime.datetime:
        self._traveller.shift(delta)
        return self.now


@pytest.fixture
def clock():
    """A test that depends on "now" takes this fixture and says which now (`clock.move_to`).
    Until moved, time stands still at the suite's now."""
    with time_machine.travel(suite_now(), tick=False) as traveller:
        yield Clock(traveller)


@pytest.fixture
def mid_month(clock) -> Clock:
    """The clock at 10:00 on the 15th of the suite's month, for a test that needs days on both
    sides of now inside one month. List it before the fixtures that make data (the named
    people take their posts "today")."""
    clock.move_to(clock.today.replace(day=15))
    return clock


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # PBKDF2's deliberate slowness costs seconds per fixture user; tests need no strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def english_messages():
    # Services speak the active language; tests assert on the English source messages.
    # Pages still follow each request's Accept-Language through LocaleMiddleware.
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fresh_locator():
    # Each test builds its own tree inside a transaction that never commits, so the
    # commit-time invalidation never runs: start every test with no cached locator.
    drop_cached_locator()
    yield
    drop_cached_locator()


SEEDED = "seeded_small_district"
# The tests that need the seeded district committed for real (a live server, a `--reset` that
# TRUNCATEs) and leave the database flushed behind them: they run after every other seeded
# test, on the district the run has seeded already, and the next one seeds it again.
CONSUMED = "seeded_small_district_to_flush"


def pytest_collection_modifyitems(session, config, items):
    """Moves the tests on the seeded small district to the end of the run (keeping their order),
    so the one seeding they share comes after every test that needs an empty database, and the
    tests that flush it after them (CONSUMED) behind those. Under xdist (`--dist load`) each
    worker is sent its tests in this order too, and seeds its own database once."""
    seeded, consumed = [], []
    for item in items:
        names = getattr(item, "fixturenames", ())
        if CONSUMED in names:
            consumed.append(item)
        elif SEEDED in names:
            if "transactional_db" in names or "live_server" in names:
                raise pytest.UsageError(f"{item.nodeid}: a test on the seeded district must not flush the database")
            seeded.append(item)
    if seeded or consumed:
        ids = {id(item) for item in seeded + consumed}
        items[:] = [item for item in items if id(item) not in ids] + seeded + consumed


def _seed_small_district(django_db_blocker):
    global _seeded, _district_committed
    # Seeding hashes the demo password (PBKDF2, deliberately slow) a few times; tests need no
    # strength (fast_password_hashing), and the language is the site's, as `make run` seeds.
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        translation.override(settings.LANGUAGE_CODE),
    ):
        call_command("seed_district", "--scale", "small", "--reset", verbosity=0)
    _seeded = _district_committed = True


@pytest.fixture(scope="session")
def seeded_small_district(django_db_setup, django_db_blocker):
    """The small demo district (`seed_district --scale small`), seeded once per run (per xdist
    worker) for the tests that only read it; seeding costs ~20 s that each need not pay. Those
    tests run last (pytest_collection_modifyitems above), each in its own rolled-back
    transaction (the `db` fixture), so none sees another's changes and no test that wants an
    empty database ever sees the district."""
    _seed_small_district(django_db_blocker)


@pytest.fixture
def seeded_small_district_to_flush(transactional_db, django_db_blocker):
    """The small demo district committed, for a test that needs it for real (the live server's
    thread reads it; `seed_district --reset` truncates it) and is then flushed
    (`transactional_db`). Such tests come after all other seeded tests: the first on a worker
    takes the district seeded there already, the next ones seed it again."""
    global _district_committed
    if not _district_committed:
        _seed_small_district(django_db_blocker)
    yield
    _district_committed = False  # transactional_db flushes every table after the test


_seeded = False
_district_committed = False


@pytest.fixture(autouse=True)
def _no_test_after_the_seeding_but_the_seeded(request):
    # The guard of the ordering above: a test that wants an empty database must not meet the district.
    uses_database = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        request.fixturenames
    )
    on_the_district = {SEEDED, CONSUMED} & set(request.fixturenames)
    if _seeded and uses_database and not on_the_district:
        pytest.fail("this test ran after the seeded district's tests, which must come last", pytrace=False)


@pytest.fixture
def district(db) -> GridNode:
    grid_tree_create(actor=None, root=demo.build_tree(random.Random(7), streets=SMALL_STREETS, counts=SMALL_COUNTS))
    return GridNode.objects.get(level=Level.DISTRICT)


@dataclass
class People:
    center: object  # 区指挥中心 command-center officer
    bureau: object  # 考核督查局
    zhongxin: object  # street officer of 中心街街道
    shuiguo: object  # street officer of 税郭镇
    grid_manager: object  # grid manager of a base grid under 中心街
    assistant: object  # grid assistant of a unit grid under 中心街
    auditor: object
    admin: object
    department: object  # officer of 区民政局
    nobody: object  # signed in, holds no post


def _staff(username, role, *, node=None, department=None):
    user = UserFactory(username=username)
    assignment_start(actor=None, user=user, role=role, node=node, department=department)
    return user


@pytest.fixture
def streets(district) -> dict[str, GridNode]:
    return {n.name: n for n in GridNode.objects.filter(level=Level.STREET)}


@pytest.fixture
def people(district, streets) -> People:
    zhongxin = streets["中心街街道"]
    base = GridNode.objects.filter(level=Level.BASE_GRID, code__startswith=zhongxin.code).order_by("code").first()
    unit = base.get_children().order_by("code").first()
    civil = Department.objects.create(code="civil-affairs", name="区民政局")
    return People(
        center=_staff("center", Role.COMMAND_CENTER, node=district),
        bureau=_staff("bureau", Role.SUPERVISION, node=district),
        zhongxin=_staff("zhongxin", Role.STREET_OFFICE, node=zhongxin),
        shuiguo=_staff("shuiguo", Role.STREET_OFFICE, node=streets["税郭镇"]),
        grid_manager=_staff("manager", Role.GRID_MANAGER, node=base),
        assistant=_staff("assistant", Role.GRID_ASSISTANT, node=unit),
        auditor=_staff("auditor", Role.AUDITOR, node=district),
        admin=_staff("admin", Role.ADMIN, node=district),
        department=_staff("civil", Role.DEPARTMENT, department=civil),
        nobody=UserFactory(username="nobody"),
    )


@pytest.fixture
def client_for():
    """A logged-in test client for a user, asking for English (the app's default is Chinese)."""

    def make(user, language: str = "en") -> Client:
        client = Client(headers={"accept-language": language})
        client.force_login(user)
        return client

    return make


@pytest.fixture
def everyone(people, streets) -> dict[str, object]:
    """One user of each role (docs/domain.md §1): the named people, plus a hotline operator, a party
    cadre on a unit grid and a community workstation worker, all under 中心街街道. Admin is made
    staff (the header's Admin link is for staff)."""
    unit = people.assistant.assignments.get().node
    community = unit.parent.parent
    people.admin.is_staff = True
    people.admin.save(update_fields=["is_staff"])
    return {
        Role.COMMAND_CENTER: people.center,
        Role.SUPERVISION: people.bureau,
        Role.HOTLINE: _staff("hotline", Role.HOTLINE, node=people.center.assignments.get().node),
        Role.AUDITOR: people.auditor,
        Role.ADMIN: people.admin,
        Role.STREET_OFFICE: people.zhongxin,
        Role.DEPARTMENT: people.department,
        Role.GRID_MANAGER: people.grid_manager,
        Role.GRID_ASSISTANT: people.assistant,
        Role.CADRE: _staff("cadre", Role.CADRE, node=unit),
        Role.COMMUNITY: _staff("community", Role.COMMUNITY, node=community),
    }
