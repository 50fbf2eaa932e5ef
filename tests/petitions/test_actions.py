"""The one registry of appeal actions (petitions.actions): the pages and the API post to the
same names, each of which calls one service, and every move of the transition table is made
by exactly one action."""

import inspect

import pytest
from django.urls import Resolver404, resolve

from petitions.actions import ACTIONS, BY_MOVE, TABLE_MOVES, action_named, actions_for
from petitions.api import AppealViewSet
from petitions.models import Status

pytestmark = pytest.mark.django_db


def test_every_move_of_the_transition_table_is_made_by_exactly_one_action():
    made = [move for act in ACTIONS.values() for move in act.moves]
    assert len(made) == len(set(made))
    assert set(made) >= TABLE_MOVES
    assert set(BY_MOVE) == set(made)


def test_each_action_has_a_page_url_and_an_api_url_of_the_same_name():
    for name, act in ACTIONS.items():
        assert resolve(f"/appeals/1/act/{name}/").url_name == "appeal-act"
        match = resolve(f"/api/appeals/1/{act.url}/")
        assert match.func.actions == {"post": match.func.actions["post"]}, name
        assert act.url == name.replace("_", "-")


def test_the_api_offers_exactly_the_registered_actions_and_no_other_post():
    posts = {a.url_path for a in AppealViewSet.get_extra_actions() if a.detail and "post" in a.mapping}
    assert posts - {"reveal-reporter"} == {act.url for act in ACTIONS.values()}


def test_each_action_calls_a_service_that_takes_the_actor_and_the_appeal():
    for act in ACTIONS.values():
        parameters = inspect.signature(act.service).parameters
        assert {"actor", "appeal"} <= set(parameters), act.name
        assert act.service.__name__.startswith("appeal_"), act.name


def test_an_older_page_name_still_reaches_its_action_and_an_unknown_one_is_not_found():
    assert action_named("photos") is ACTIONS["add_photos"]
    assert action_named("return_visit") is ACTIONS["return_visit"]
    assert action_named("revisit") is None
    with pytest.raises(Resolver404):
        resolve("/appeals/1/act/not a slug/")


def test_the_return_visit_is_one_action_whichever_move_it_makes(make_appeal, people):
    appeal = make_appeal("verified")
    assert actions_for(people.center, appeal) == ["return_visit"]
    assert actions_for(people.zhongxin, appeal) == []


def test_the_page_and_the_api_list_the_same_actions(make_appeal, people, client_for):
    appeal = make_appeal("dispatched")
    body = client_for(people.zhongxin).get(f"/api/appeals/{appeal.pk}/").json()
    assert body["available_actions"] == actions_for(people.zhongxin, appeal) == ["dispatch_down", "sign", "return"]
    page = client_for(people.zhongxin).get(f"/appeals/{appeal.pk}/").content.decode()
    for name in ACTIONS:
        assert (f'data-form="{name}"' in page) == (name in body["available_actions"]), name


def test_photos_posted_to_the_older_page_name_are_added(make_appeal, people, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .conftest import png_bytes

    appeal = make_appeal("in_progress")
    photo = SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")
    client_for(people.zhongxin).post(f"/appeals/{appeal.pk}/act/photos/", {"photos": [photo], "note": "现场"})
    appeal.refresh_from_db()
    assert appeal.status == Status.IN_PROGRESS
    assert appeal.events.filter(action="photo").count() == 1
