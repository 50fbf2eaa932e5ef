"""Fixtures of the appeals tests: the modules owned, points inside each street, and a helper
that walks an appeal to any status through the services."""

import io

import pytest
from PIL import Image
from shapely import geometry as geom

from grids.models import Department, GridNode, Level
from petitions import services
from petitions.models import Appeal, ServiceModule, Source


def point_in(node: GridNode) -> tuple[float, float]:
    unit = GridNode.objects.filter(level=Level.UNIT_GRID, code__startswith=node.code).order_by("code").first()
    p = geom.shape(unit.boundary).representative_point()
    return p.x, p.y


@pytest.fixture
def modules(people):
    # A transactional test before this one flushed the rows the data migration made.
    services.module_defaults_ensure(actor=None)
    services.module_owners_link(actor=None)
    return {m.code: m for m in ServiceModule.objects.all()}


@pytest.fixture
def places(streets, people):
    zhongxin, shuiguo = streets["中心街街道"], streets["税郭镇"]
    return {
        "zhongxin": point_in(zhongxin),
        "shuiguo": point_in(shuiguo),
        "zhongxin_street": zhongxin,
        "shuiguo_street": shuiguo,
        "zhongxin_community": zhongxin.get_children().order_by("code").first(),
        "civil": Department.objects.get(code="civil-affairs"),
    }


def png_bytes(size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def make_appeal(people, modules, places):
    """make_appeal(status, where="zhongxin", unit="street"|"department"|"community")."""

    def make(status="received", *, where="zhongxin", unit="street", module="civil-affairs", phone="13812345678"):
        lon, lat = places[where]
        appeal = services.appeal_create(
            actor=people.center, source=Source.HOTLINE, module=modules[module], description="路灯不亮",
            lon=lon, lat=lat, reporter_name="张三", reporter_phone=phone,
        )  # fmt: skip
        if status == "received":
            return appeal
        if status == "merged":
            return appeal
        appeal = services.appeal_register(actor=people.center, appeal=appeal)
        if status == "registered":
            return appeal
        if status == "rejected":
            return services.appeal_reject(actor=people.center, appeal=appeal, reason="不属于受理范围")
        target = {
            "street": {"node": places[f"{where}_street"]},
            "department": {"department": places["civil"]},
            "community": {"node": places["zhongxin_community"]},
        }[unit]
        appeal = services.appeal_dispatch(actor=people.center, appeal=appeal, **target)
        if status == "dispatched":
            return appeal
        handler = {"street": getattr(people, where), "department": people.department, "community": None}[unit]
        appeal = services.appeal_sign(actor=handler, appeal=appeal)
        if status == "in_progress":
            return appeal
        appeal = services.appeal_reply(actor=handler, appeal=appeal, reply="已修复")
        if status == "replied":
            return appeal
        appeal = services.appeal_verify(actor=people.center, appeal=appeal)
        if status == "verified":
            return appeal
        appeal = services.appeal_return_visit(actor=people.center, appeal=appeal, rating="satisfied")
        assert status == "closed"
        return appeal

    return make


def reload(appeal: Appeal) -> Appeal:
    return Appeal.objects.get(pk=appeal.pk)
