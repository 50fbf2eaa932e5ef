"""Assessment fixtures: the appeals helpers, the small registry, and a period that holds today."""

import datetime

import pytest
from django.utils import timezone

from assessment import services
from tests.assessment.scored import scored  # noqa: F401
from tests.petitions.conftest import make_appeal, modules, places  # noqa: F401
from tests.residents.conftest import categories, registry  # noqa: F401


@pytest.fixture
def rules(db):
    # A transactional test before this one flushed the row the data migration made.
    return services.rules_default_ensure()


@pytest.fixture
def this_month(rules):
    """This month's label and a day after it ends, so it can be scored now."""
    today = timezone.localdate()
    _kind, _start, end = services.period_bounds(f"{today:%Y-%m}")
    return f"{today:%Y-%m}", end + datetime.timedelta(days=1)
