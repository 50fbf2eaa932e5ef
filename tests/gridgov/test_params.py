"""One reading of ?node= for every page and endpoint (gridgov.params): absent is None, not an id
is a 400 with a message, a node outside the user's scope (or none at all) is a 404."""

import pytest

pytestmark = pytest.mark.django_db

URLS = ["/api/residents/households/", "/registry/households/", "/api/appeals/"]


@pytest.mark.parametrize("url", URLS)
def test_a_node_that_is_not_an_id_is_a_400_with_a_message(client_for, people, url):
    response = client_for(people.center).get(f"{url}?node=abc")
    assert response.status_code == 400
    assert "node" in response.content.decode()


@pytest.mark.parametrize("url", URLS)
def test_a_node_outside_the_users_area_is_a_404_like_one_that_does_not_exist(client_for, people, url):
    other = people.shuiguo.assignments.get().node
    client = client_for(people.zhongxin)
    assert client.get(f"{url}?node={other.pk}").status_code == 404
    assert client.get(f"{url}?node=999999").status_code == 404
    assert client.get(f"{url}?node={people.zhongxin.assignments.get().node.pk}").status_code == 200
