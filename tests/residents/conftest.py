"""Registry fixtures: the small district with a few households per unit grid, made through
the services, and a community workstation user under 中心街."""

import datetime
import random

import numpy as np
import pytest
from shapely import geometry as geom

from accounts.roles import Role
from grids import locator
from grids.models import GridNode, Level
from grids.services import assignment_start
from residents import demo, services
from residents.models import Relation, SpecialCategory
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def fresh_locator():
    # The locator is cached per process and refreshed on commit; test transactions never
    # commit, so each test starts from a locator built from its own district.
    locator._state["locator"] = None
    yield
    locator._state["locator"] = None


def make_id_number(rng: random.Random, birth: datetime.date, sex: str = "M", region: str = "370402") -> str:
    from gridgov.personal_data import id_check_digit

    seq = rng.randrange(0, 500) * 2 + (1 if sex == "M" else 0)
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_digit(first17)


def point_in(node: GridNode, rng: np.random.Generator | None = None) -> tuple[float, float]:
    rng = rng or np.random.default_rng(1)
    return tuple(demo.sample_points(geom.shape(node.boundary), 1, rng)[0])


@pytest.fixture
def categories(db) -> dict[str, SpecialCategory]:
    demo.seed_categories(None)
    return {c.code: c for c in SpecialCategory.objects.all()}


@pytest.fixture
def registry(district, categories):
    """Two households in every unit grid (16 unit grids), two or three members each; the
    first member of each household has a phone, every third resident a tag."""
    rng = random.Random(11)
    nprng = np.random.default_rng(11)
    count = 0
    for unit in GridNode.objects.filter(level=Level.UNIT_GRID).order_by("code"):
        for i in range(2):
            lon, lat = point_in(unit, nprng)
            household = services.household_create(actor=None, address=f"{unit.name}{i + 1}号", lon=lon, lat=lat)
            for j in range(2 + (i % 2)):
                birth = datetime.date(1950 + rng.randrange(60), rng.randint(1, 12), rng.randint(1, 28))
                resident = services.resident_create(
                    actor=None,
                    household=household,
                    name=f"居民{count}",
                    relation=Relation.HEAD if j == 0 else Relation.CHILD,
                    id_number=make_id_number(rng, birth, "M" if j % 2 == 0 else "F"),
                    phone=f"1381234{count:04d}" if j == 0 else "",
                )
                if count % 3 == 0:
                    services.resident_tag_add(
                        actor=None,
                        resident=resident,
                        category=categories["disabled"],
                        start_date=datetime.date(2020, 1, 1),
                    )
                count += 1
    return count


@pytest.fixture
def community_user(district, streets):
    community = GridNode.objects.filter(level=Level.COMMUNITY, parent=streets["中心街街道"]).order_by("code").first()
    user = UserFactory(username="community")
    assignment_start(actor=None, user=user, role=Role.COMMUNITY, node=community)
    return user
