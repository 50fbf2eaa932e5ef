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


def test_a_modules_owner_limit_and_activity_change_only_through_its_service_and_by_an_admin(people, modules):
    from gridgov.errors import InvalidInput, NotAllowed
    from petitions import services

    module = modules["civil-affairs"]
    with pytest.raises(NotAllowed):
        services.module_update(actor=people.center, module=module, owner=None, limit_days=9, is_active=True)
    with pytest.raises(InvalidInput):
        services.module_update(actor=people.admin, module=module, owner=None, limit_days=0, is_active=True)
    changed = services.module_update(actor=people.admin, module=module, owner=None, limit_days=9, is_active=False)
    module.refresh_from_db()
    assert (changed.limit_days, module.limit_days, module.is_active, module.owner) == (9, 9, False, None)


def test_the_module_list_is_not_editable_in_place_and_the_change_form_calls_the_service(people, modules, client_for):
    from tests.factories import UserFactory

    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = client_for(root)
    assert 'name="form-0-limit_days"' not in client.get("/admin/petitions/servicemodule/").content.decode()
    module = modules["civil-affairs"]
    url = f"/admin/petitions/servicemodule/{module.pk}/change/"
    response = client.post(url, {"owner": "", "limit_days": "0", "is_active": "on"})
    assert response.status_code == 200  # the form again, with the service's refusal
    module.refresh_from_db()
    assert module.limit_days != 0
    assert client.post(url, {"owner": "", "limit_days": "7", "is_active": "on"}).status_code == 302
    module.refresh_from_db()
    assert module.limit_days == 7
