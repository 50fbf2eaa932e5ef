"""The audit trail's page in Chinese: a phone change shows masked, the filters narrow it.
Screenshot audit-log.png."""

import datetime

import pytest

from grids.models import GridNode, Level
from residents import services as registry
from tests.residents.conftest import point_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_bureau_reads_the_audit_trail_in_chinese_with_phones_masked(people, login, page, live_server, screenshot):
    unit = GridNode.objects.filter(level=Level.UNIT_GRID).order_by("code").first()
    lon, lat = point_in(unit)
    household = registry.household_create(actor=people.admin, address="光明路1号", lon=lon, lat=lat)
    resident = registry.resident_create(
        actor=people.admin, household=household, name="张三", sex="M", birth_date=datetime.date(1980, 1, 1),
        phone="13812345678",
    )  # fmt: skip
    registry.resident_update(actor=people.admin, resident=resident, phone="13987654321")
    login("bureau")
    page.goto(f"{live_server.url}/audit/?model=residents.resident")
    text = page.inner_text("#audit-entries")
    assert "139****4321" in text and "13987654321" not in text
    assert "审计日志" in page.inner_text("h1")
    screenshot("audit-log")
