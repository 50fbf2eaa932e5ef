"""A grid worker's photo travels with the appeal: the command center sees it on the appeal page,
the street officer of the other street gets the site's 404 for it."""

import io

import pytest
from PIL import Image, ImageDraw

from petitions.models import Appeal, ServiceModule
from petitions.services import module_defaults_ensure, module_owners_link
from tests.petitions.conftest import point_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def street_photo() -> bytes:
    image = Image.new("RGB", (800, 600), (120, 160, 200))
    draw = ImageDraw.Draw(image)
    draw.rectangle((250, 200, 550, 420), fill=(60, 60, 60))  # the open manhole
    draw.ellipse((330, 260, 470, 360), fill=(20, 20, 20))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def test_a_grid_managers_photo_is_seen_by_the_center_and_refused_to_the_other_street(
    people, streets, login, page, live_server, screenshot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    module_defaults_ensure(actor=None)  # an earlier transactional test may have flushed them
    module_owners_link(actor=None)
    lon, lat = point_in(people.grid_manager.assignments.get().node)

    # 1. The grid manager reports an open manhole from the phone page, with a photo.
    login("manager")
    page.goto(f"{live_server.url}/appeals/report/")
    page.select_option("#id_module", str(ServiceModule.objects.get(code="sanitation").pk))
    page.fill("#id_description", "井盖缺失，有行人跌落危险")
    page.fill("#id_lon", str(lon))
    page.fill("#id_lat", str(lat))
    page.set_input_files(
        "input[name=photos]", files=[{"name": "井盖.jpg", "mimeType": "image/jpeg", "buffer": street_photo()}]
    )
    page.click("#report button[type=submit]")
    page.wait_for_load_state("networkidle")
    appeal = Appeal.objects.get()
    photo = appeal.photos.get()

    # 2. The command center opens the appeal: the thumbnail loads from the scope-checked view.
    page.context.clear_cookies()
    login("center")
    page.goto(f"{live_server.url}/appeals/{appeal.pk}/")
    image = page.locator(f'.photos img[src="{photo.thumbnail_url}"]')
    image.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert image.evaluate("img => img.naturalWidth") == 320
    screenshot("photo-1-center-sees-the-grid-managers-photo")
    full = page.request.get(f"{live_server.url}{photo.url}")
    assert full.status == 200 and full.headers["content-type"] == "image/jpeg"

    # 3. The street officer of 税郭镇 neither sees the appeal nor its photo.
    page.context.clear_cookies()
    login("shuiguo")
    response = page.goto(f"{live_server.url}{photo.url}")
    assert response.status == 404
    assert "页面不存在" in page.content()
    screenshot("photo-2-other-street-gets-404")
    assert page.request.get(f"{live_server.url}{photo.thumbnail_url}").status == 404
