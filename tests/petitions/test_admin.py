import pytest

pytestmark = pytest.mark.django_db


def test_the_admin_lists_modules_calendar_keys_and_appeals(make_appeal, people, client_for):
    from tests.factories import UserFactory

    make_appeal("dispatched")
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = client_for(root)
    for url in ["/admin/petitions/servicemodule/", "/admin/petitions/calendarday/", "/admin/petitions/open311key/",
                "/admin/petitions/appeal/"]:  # fmt: skip
        assert client.get(url).status_code == 200, url
    appeal_id = make_appeal("closed").pk
    assert client.get(f"/admin/petitions/appeal/{appeal_id}/change/").status_code == 200
