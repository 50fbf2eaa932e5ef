"""On the seeded demo district (appeals in every state, slips, extensions, rework): every
figure still equals its list, for the district, a street and a community."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from dashboard import selectors
from grids.models import GridNode, Level

pytestmark = pytest.mark.django_db


def test_every_figure_equals_its_list_on_the_seeded_district(seeded_small_district):
    center = get_user_model().objects.get(username="center")
    today = timezone.localdate()
    street = GridNode.objects.filter(level=Level.STREET).order_by("code").first()
    community = street.get_children().order_by("code").first()
    checked = 0
    for days in (0, 30, 120):
        period = selectors.Period(today - datetime.timedelta(days=days), today, timezone.now())
        for node in (selectors.dashboard_node(center, None), street, community):
            counts = selectors.figure_counts(center, node, period)
            for figure in selectors.FIGURES:
                assert counts[figure.name] == selectors.figure_appeals(center, node, period, figure.name).count(), (
                    days, node.name, figure.name,
                )  # fmt: skip
                checked += counts[figure.name]
    assert checked > 1000  # the demo's appeals are really counted, not zeros compared with zeros
