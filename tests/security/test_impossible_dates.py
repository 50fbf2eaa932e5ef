"""Impossible dates (issue 15): every date a user writes keeps to GRIDGOV_YEARS (gridgov/dates.py).

Two halves: the 13 writes the probe found, each refused with a clear 400 or form error and
nothing saved; and a walk over every form and serializer of the apps, so a new date input that
does not use the one rule fails here (the service behind it checks too)."""

import datetime
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.urls import reverse
from rest_framework import serializers

from assessment.models import RuleSet
from funding import services as funding
from funding.models import FundingRate, Period, Voucher
from gridgov import dates
from grids.models import Assignment
from residents.models import Resident, ResidentTag
from tests.assessment.test_pages import rule_values
from tests.petitions.conftest import modules  # noqa: F401
from tests.residents.conftest import categories, registry  # noqa: F401
from tests.visits.conftest import TODAY, cadres, campaign, visits_today  # noqa: F401
from visits.models import Campaign, DiaryEntry, Visit

pytestmark = pytest.mark.django_db

FIRST, LAST = "0001-01-01", "9999-12-31"
MESSAGE = "The year must be between 2000 and 2100."


def _json(client, url, body):
    return client.post(url, body, content_type="application/json")


def visit_api(ctx, day):
    a = ctx.campaign.assignments.filter(cadre=ctx.cadres[0]).first()
    body = {"household": a.household_id, "visited_on": day, "campaign": ctx.campaign.pk}
    return _json(ctx.client(ctx.cadres[0]), "/api/visits/visits/", body), Visit


def visit_page(ctx, day):
    a = ctx.campaign.assignments.filter(cadre=ctx.cadres[0]).first()
    body = {"campaign": ctx.campaign.pk, "visited_on": day, "met": "户主", "notes": ""}
    return ctx.client(ctx.cadres[0]).post(f"/visits/record/{a.household_id}/", body), Visit


def diary_api(ctx, day):
    node = ctx.people.grid_manager.assignments.get().node
    body = {"node": node.pk, "date": day, "text": "走访三户"}
    return _json(ctx.client(ctx.people.grid_manager), "/api/visits/diary/", body), DiaryEntry


def diary_page(ctx, day):
    node = ctx.people.grid_manager.assignments.get().node
    body = {"date": day, "node": node.pk, "text": "消防通道堵塞"}
    return ctx.client(ctx.people.grid_manager).post("/visits/diary/", body), DiaryEntry


def tag_add_api(ctx, day):
    resident = Resident.objects.first()
    body = {"category": "released", "start_date": day}
    return _json(ctx.client(ctx.people.center), f"/api/residents/residents/{resident.pk}/tags/", body), ResidentTag


def tag_end_api(ctx, day):
    client = ctx.client(ctx.people.center)
    resident = Resident.objects.first()
    tag = resident.tags.filter(category__code="released").first()
    if tag is None:
        created = _json(client, f"/api/residents/residents/{resident.pk}/tags/", {"category": "released"})
        tag = ResidentTag.objects.get(pk=created.json()["id"])
    response = _json(client, f"/api/residents/tags/{tag.pk}/end/", {"end_date": day})
    return response, ResidentTag.objects.filter(end_date__isnull=False)


def campaign_api(ctx, day):
    body = {"name": "春季走访", "start_date": FIRST, "end_date": day, "scope_node": ctx.streets["中心街街道"].pk}
    return _json(ctx.client(ctx.people.center), "/api/visits/campaigns/", body), Campaign


def _voucher_body(ctx, day):
    street = ctx.streets["中心街街道"]
    accounts, fund = funding.street_accounts(street), funding.fund_account()
    return {
        "street": street.pk, "date": day, "kind": "adjustment", "memo": "测试",
        "lines": [{"account": accounts["allocation"].pk, "debit_fen": 500}, {"account": fund.pk, "credit_fen": 500}],
    }  # fmt: skip


def voucher_api(ctx, day):
    body = _voucher_body(ctx, day)
    # Counting periods too: a voucher of year 1 or 9999 once created that accounting period.
    return _json(ctx.client(ctx.people.center), reverse("funding-voucher-list"), body), (Voucher, Period)


def voucher_reverse_api(ctx, day):
    center = ctx.client(ctx.people.center)
    draft = _json(center, reverse("funding-voucher-list"), _voucher_body(ctx, TODAY.isoformat())).json()
    assert ctx.client(ctx.people.admin).post(reverse("funding-voucher-post", args=[draft["id"]])).status_code == 200
    response = _json(center, reverse("funding-voucher-reverse", args=[draft["id"]]), {"date": day})
    return response, (Voucher.objects.filter(reverses__isnull=False), Period)


def rate_api(ctx, day):
    body = {"fen_per_household": 1000, "effective_from": day}
    return _json(ctx.client(ctx.people.center), reverse("funding-rate-list"), body), FundingRate


def rules_page(ctx, day):
    return ctx.client(ctx.people.bureau).post("/assessment/rules/", rule_values(effective_from=day)), RuleSet


def assignment_start_api(ctx, day):
    body = {"user": ctx.people.nobody.pk, "role": "street_office", "node": ctx.streets["税郭镇"].pk, "valid_from": day}
    return _json(ctx.client(ctx.people.admin), "/api/grids/assignments/", body), Assignment


def assignment_end_api(ctx, day):
    assignment = ctx.people.shuiguo.assignments.get()
    response = _json(ctx.client(ctx.people.admin), f"/api/grids/assignments/{assignment.pk}/end/", {"valid_to": day})
    return response, Assignment.objects.filter(valid_to__isnull=False)


WRITES = [
    (visit_api, FIRST),
    (visit_page, FIRST),
    (diary_api, FIRST),
    (diary_page, FIRST),
    (tag_add_api, LAST),
    (tag_end_api, LAST),
    (campaign_api, LAST),
    (voucher_api, FIRST),
    (voucher_api, LAST),
    (voucher_reverse_api, LAST),
    (rate_api, FIRST),
    (rules_page, FIRST),
    (assignment_start_api, FIRST),
    (assignment_end_api, LAST),
]


class Context:
    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)


def _count(models) -> tuple[int, ...]:
    models = models if isinstance(models, tuple) else (models,)
    return tuple((m.objects if hasattr(m, "objects") else m).count() for m in models)


@pytest.mark.parametrize(("write", "day"), WRITES, ids=[f"{w.__name__}-{d[:4]}" for w, d in WRITES])
def test_an_impossible_date_is_refused_with_a_clear_message_and_nothing_is_saved(
    write, day, request, client_for, people, streets, rules
):
    # The imported fixtures, asked for by name (a parameter would shadow the import).
    request.getfixturevalue("modules")
    the_campaign, its_cadres = request.getfixturevalue("campaign"), request.getfixturevalue("cadres")
    ctx = Context(client=client_for, people=people, streets=streets, campaign=the_campaign, cadres=its_cadres)
    # Run the write once to learn what it counts, then compare before and after a second try.
    response, counted = write(ctx, day)
    before = _count(counted)
    response, counted = write(ctx, day)
    body = response.content.decode()
    if response.get("Content-Type", "").startswith("application/json"):
        assert response.status_code == 400, body
    else:
        assert response.status_code == 200, body  # the form again, with its error
    assert MESSAGE in body
    assert _count(counted) == before
    assert not Period.objects.filter(year__in=(1, 9999)).exists()


@pytest.fixture
def rules(people):
    from assessment.services import rules_default_ensure

    return rules_default_ensure()


# ---- Every date input of every form and serializer uses the one rule ----

APPS = ["accounts", "assessment", "funding", "grids", "petitions", "residents", "visits"]
# Birth dates lie before 2000: residents.services holds their own rule (1900 to today).
EXEMPT = {"birth_date"}


def _modules():
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if any(part in info.name for part in (".migrations", ".management", ".tests")):
                continue
            yield importlib.import_module(info.name)


def _classes(base):
    seen = set()
    for module in _modules():
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, base) and cls.__module__.split(".")[0] in APPS and cls not in seen:
                seen.add(cls)
                yield cls


def test_every_date_field_of_every_form_keeps_to_the_domain_range():
    wrong = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in _classes(forms.BaseForm)
        for name, field in getattr(cls, "base_fields", {}).items()
        if isinstance(field, (forms.DateField, forms.DateTimeField))
        and not isinstance(field, (dates.DomainDateField, dates.DomainDateTimeField))
        and name not in EXEMPT
        and not field.disabled
    ]
    assert wrong == []


def test_every_writable_date_field_of_every_serializer_keeps_to_the_domain_range():
    wrong, checked = [], 0
    for cls in _classes(serializers.BaseSerializer):
        if cls.__name__.startswith("_") or issubclass(cls, serializers.ListSerializer):
            continue
        try:
            fields = cls().fields
        except Exception:
            continue
        checked += 1
        for name, field in fields.items():
            if field.read_only or name in EXEMPT:
                continue
            if isinstance(field, (serializers.DateField, serializers.DateTimeField)) and not isinstance(
                field, (dates.ApiDateField, dates.ApiDateTimeField)
            ):
                wrong.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert checked > 20
    assert wrong == []


def test_the_services_refuse_an_impossible_date_whoever_calls_them(people, streets):
    from gridgov.errors import InvalidInput
    from grids.services import assignment_start

    with pytest.raises(InvalidInput, match="between 2000 and 2100"):
        assignment_start(
            actor=None,
            user=people.nobody,
            role="street_office",
            node=streets["税郭镇"],
            valid_from=datetime.date(1, 1, 1),
        )
    with pytest.raises(InvalidInput, match="between 2000 and 2100"):
        funding.funding_rate_add(actor=people.center, fen_per_household=1000, effective_from=datetime.date(9999, 1, 1))
