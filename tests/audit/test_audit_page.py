"""The audit trail's page and export: for the supervision bureau and administrators only,
filtered, with personal data masked and no formula in the export."""

import datetime

from django.urls import reverse

from residents import services as registry
from tests.audit.test_audit_trail import resident  # noqa: F401
from tests.xlsx_cells import formula_cells, text_values


def test_the_bureau_and_the_admin_read_the_trail_and_no_one_else(everyone, client_for):
    for role, user in everyone.items():
        expected = 200 if role in ("supervision", "admin") else 404
        assert client_for(user).get(reverse("audit-log")).status_code == expected, role
        assert client_for(user).get(reverse("audit-export")).status_code == expected, role


def test_the_page_filters_by_actor_model_and_days_and_shows_the_phone_masked(
    people,
    resident,  # noqa: F811
    client_for,
):
    registry.resident_update(actor=people.admin, resident=resident, phone="13987654321")
    client = client_for(people.bureau)
    page = client.get(reverse("audit-log"), {"who": people.admin.username, "model": "residents.resident"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "139****4321" in html and "13987654321" not in html
    assert len(page.context["rows"]) == 1
    today = datetime.date.today()
    later = client.get(reverse("audit-log"), {"since": (today + datetime.timedelta(days=2)).isoformat()})
    assert len(later.context["rows"]) == 0
    assert client.get(reverse("audit-log"), {"since": "yesterday"}).status_code == 400


def test_the_export_is_text_only_and_masked(people, resident, client_for):  # noqa: F811
    registry.resident_update(actor=people.admin, resident=resident, name='=HYPERLINK("http://x")')
    content = client_for(people.admin).get(reverse("audit-export")).content
    assert formula_cells(content) == []
    texts = " ".join(str(v) for v in text_values(content))
    assert "13812345678" not in texts and "138****5678" in texts
