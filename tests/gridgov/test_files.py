"""Uploaded files are served by one view, to those who may see what they belong to
(gridgov/files.py): appeal photos, visit photos, receipts; thumbnails; the web server hand-off."""

import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from funding.services import expense_report_create, receipt_attach
from gridgov import files
from petitions import services as appeals
from petitions.models import Source
from residents import services as registry
from tests.petitions.conftest import modules, places, png_bytes, point_in  # noqa: F401
from tests.uploads import pdf_bytes
from visits.services import visit_record

pytestmark = pytest.mark.django_db


def image_bytes(size=(8, 8), fmt="PNG", colour=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=fmt)
    return buffer.getvalue()


@dataclass
class Uploads:
    appeal_photo: object
    visit_photo: object
    receipt: object
    pdf_receipt: object


@pytest.fixture
def uploads(people, modules, places, streets, settings, tmp_path, clock) -> Uploads:  # noqa: F811
    """One file of each kind, all under 中心街: a grid manager's report photo, a visit photo,
    and the street's receipts (an image and a PDF)."""
    settings.MEDIA_ROOT = tmp_path
    lon, lat = places["zhongxin"]
    appeal = appeals.appeal_create(
        actor=people.grid_manager, source=Source.GRID, module=modules["sanitation"], description="井盖缺失",
        lon=lon, lat=lat, photos=[SimpleUploadedFile("p.png", image_bytes((900, 600)), content_type="image/png")],
    )  # fmt: skip
    household = registry.household_create(actor=None, address="中心街1号", lon=lon, lat=lat)
    visit = visit_record(
        actor=people.grid_manager, household=household, visited_on=clock.today,
        photos=[SimpleUploadedFile("door.png", image_bytes(), content_type="image/png")],
    )  # fmt: skip
    report = expense_report_create(
        actor=people.zhongxin, street=streets["中心街街道"], year=clock.today.year, month=clock.today.month
    )
    receipt = receipt_attach(
        actor=people.zhongxin,
        report=report,
        file=SimpleUploadedFile("票据.png", image_bytes(), content_type="image/png"),
    )
    pdf = receipt_attach(
        actor=people.zhongxin,
        report=report,
        file=SimpleUploadedFile("发票.pdf", pdf_bytes(), content_type="application/pdf"),
    )
    return Uploads(appeal.photos.get(), visit.photos.get(), receipt, pdf)


KINDS = [
    ("appeal-photo", "appeal_photo", "image"),
    ("visit-photo", "visit_photo", "image"),
    ("receipt", "receipt", "file"),
]


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(("kind", "attr", "field"), KINDS)
def test_each_kind_of_file_is_served_to_the_center_and_to_the_street_it_belongs_to(
    uploads, people, client_for, kind, attr, field
):
    row = getattr(uploads, attr)
    stored = getattr(row, field)
    for user in (people.center, people.zhongxin):
        response = client_for(user).get(files.file_url(kind, row.pk))
        assert response.status_code == 200, user
        assert body(response) == Path(stored.path).read_bytes()
        assert response["Content-Type"] == "image/png"
        assert response["Cache-Control"] == "private, max-age=3600"


@pytest.mark.parametrize(("kind", "attr", "field"), KINDS)
def test_each_kind_of_file_is_404_to_the_street_officer_of_the_other_street(
    uploads, people, client_for, kind, attr, field
):
    pk = getattr(uploads, attr).pk
    client = client_for(people.shuiguo)
    assert client.get(files.file_url(kind, pk)).status_code == 404
    assert client.get(files.thumbnail_url(kind, pk)).status_code == 404


@pytest.mark.parametrize(("kind", "attr", "field"), KINDS)
def test_an_anonymous_visitor_is_sent_to_the_login_for_each_kind(uploads, kind, attr, field):
    url = files.file_url(kind, getattr(uploads, attr).pk)
    response = Client().get(url)
    assert response.status_code == 302 and response.url.startswith(f"{reverse('login')}?next=")


def test_a_signed_in_user_with_no_post_sees_no_file(uploads, people, client_for):
    client = client_for(people.nobody)
    for kind, attr, _field in KINDS:
        assert client.get(files.file_url(kind, getattr(uploads, attr).pk)).status_code == 404


def test_the_grid_manager_who_reported_and_visited_sees_their_photos_but_not_the_streets_receipts(
    uploads, people, client_for
):
    client = client_for(people.grid_manager)
    assert client.get(uploads.appeal_photo.url).status_code == 200
    assert client.get(uploads.visit_photo.url).status_code == 200
    assert client.get(uploads.receipt.url).status_code == 404  # funding is not for grid staff


def test_an_unknown_kind_a_missing_row_and_a_post_are_refused(uploads, people, client_for):
    client = client_for(people.center)
    assert client.get("/files/household/1/").status_code == 404
    assert client.get(files.file_url("appeal-photo", uploads.appeal_photo.pk + 1000)).status_code == 404
    assert client.post(uploads.appeal_photo.url).status_code == 405


def test_a_file_missing_from_disk_is_404_not_500(uploads, people, client_for):
    Path(uploads.visit_photo.image.path).unlink()
    assert client_for(people.center).get(uploads.visit_photo.url).status_code == 404
    assert client_for(people.center).get(uploads.visit_photo.thumbnail_url).status_code == 404


def test_a_receipt_keeps_the_name_it_was_uploaded_with(uploads, people, client_for):
    response = client_for(people.auditor).get(uploads.receipt.url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == "inline; filename*=utf-8''%E7%A5%A8%E6%8D%AE.png"
    # The funding pages' own address for a receipt is the same view.
    assert client_for(people.shuiguo).get(reverse("funding-receipt", args=[uploads.receipt.pk])).status_code == 404


def test_a_thumbnail_is_a_small_jpeg_made_once_and_kept_on_disk(uploads, people, client_for, monkeypatch):
    client = client_for(people.center)
    response = client.get(uploads.appeal_photo.thumbnail_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(body(response))) as thumb:
        assert thumb.format == "JPEG" and thumb.size == (files.THUMBNAIL_SIZE, files.THUMBNAIL_SIZE * 600 // 900)
    kept = Path(uploads.appeal_photo.image.storage.path(files.thumbnail_of(uploads.appeal_photo.image.name)))
    assert kept.is_file()

    def no_second_decoding(*args, **kwargs):
        raise AssertionError("the kept thumbnail was made again")

    monkeypatch.setattr(files.Image, "open", no_second_decoding)
    assert client.get(uploads.appeal_photo.thumbnail_url).status_code == 200


def test_a_pdf_receipt_has_no_thumbnail(uploads, people, client_for):
    client = client_for(people.center)
    assert client.get(files.file_url("receipt", uploads.pdf_receipt.pk)).status_code == 200
    assert client.get(files.thumbnail_url("receipt", uploads.pdf_receipt.pk)).status_code == 404


def test_in_x_accel_mode_the_view_checks_scope_then_hands_the_file_to_nginx(uploads, people, client_for, settings):
    settings.GRIDGOV_FILES_SENDFILE = "x-accel-redirect"
    settings.GRIDGOV_FILES_INTERNAL_URL = "/protected-media/"
    response = client_for(people.center).get(uploads.appeal_photo.url)
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/protected-media/{uploads.appeal_photo.image.name}"
    assert response["Content-Type"] == "image/png"
    thumb = client_for(people.center).get(uploads.appeal_photo.thumbnail_url)
    assert thumb["X-Accel-Redirect"].startswith(f"/protected-media/thumbnails/{files.THUMBNAIL_SIZE}/")
    receipt = client_for(people.center).get(uploads.receipt.url)
    assert receipt["X-Accel-Redirect"] == "/protected-media/" + "/".join(
        files.quote(part) for part in uploads.receipt.file.name.split("/")
    )
    refused = client_for(people.shuiguo).get(uploads.appeal_photo.url)
    assert refused.status_code == 404 and not refused.has_header("X-Accel-Redirect")


def test_in_x_sendfile_mode_the_view_names_the_files_path(uploads, people, client_for, settings):
    settings.GRIDGOV_FILES_SENDFILE = "x-sendfile"
    response = client_for(people.center).get(uploads.visit_photo.url)
    assert response.status_code == 200 and response.content == b""
    assert response["X-Sendfile"] == uploads.visit_photo.image.path


@pytest.mark.parametrize(("kind", "attr", "field"), KINDS)
def test_serving_a_file_costs_a_fixed_number_of_queries(
    uploads, people, client_for, django_assert_num_queries, kind, attr, field
):
    client = client_for(people.zhongxin)
    url = files.file_url(kind, getattr(uploads, attr).pk)
    client.get(url)  # the first request of a session may write it; count a steady one
    # session, user, the user's posts (scope), the file's row with its visibility as one query
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200


def test_the_appeal_page_shows_thumbnails_linking_to_the_photo_and_no_public_media_address(uploads, people, client_for):
    page = client_for(people.center).get(f"/appeals/{uploads.appeal_photo.appeal_id}/").content.decode()
    assert f'src="{uploads.appeal_photo.thumbnail_url}"' in page
    assert f'href="{uploads.appeal_photo.url}"' in page
    assert "/media/" not in page


def test_the_visit_page_shows_its_photo_through_the_file_view_to_the_visitor_and_the_center(
    uploads, people, client_for
):
    for user in (people.grid_manager, people.center):
        response = client_for(user).get(f"/visits/{uploads.visit_photo.visit_id}/")
        assert response.status_code == 200, user
        page = response.content.decode()
        assert f'src="{uploads.visit_photo.thumbnail_url}"' in page and "/media/" not in page


def test_the_appeal_api_links_photos_through_the_file_view(uploads, people, client_for):
    data = client_for(people.center).get(f"/api/appeals/{uploads.appeal_photo.appeal_id}/").json()
    assert [p["url"] for p in data["photos"]] == [uploads.appeal_photo.url]


def test_no_page_or_module_links_an_upload_by_its_storage_url():
    # FieldFile.url would point at /media/, which nothing serves: every link goes through the
    # scope-checked view (the models' .url and .thumbnail_url).
    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"\b(?:image|file)\.url\b|MEDIA_URL")
    sources = [
        p
        for p in [*root.glob("*/**/*.py"), *root.glob("templates/**/*.html")]
        if ".venv" not in p.parts and "tests" not in p.parts and p.name != "settings.py"
    ]
    assert len(sources) > 50
    offenders = [str(p.relative_to(root)) for p in sources if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


# ---- Uploads are accepted by content and stored under random names ----

HTML = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"


@pytest.mark.parametrize(
    "data",
    [HTML, b"%PDF-1.4 <html><script>alert(1)</script>", image_bytes(fmt="GIF"), image_bytes(fmt="PNG")[:60]],
    ids=["html", "pdf-magic-but-html", "gif", "truncated-png"],
)
def test_a_photo_named_jpg_that_is_not_a_jpeg_png_or_webp_is_refused_everywhere(
    data,
    people,
    modules,  # noqa: F811
    places,  # noqa: F811
    streets,
    clock,
    settings,
    tmp_path,
):
    from gridgov.errors import InvalidInput

    settings.MEDIA_ROOT = tmp_path
    lon, lat = places["zhongxin"]

    def upload(name="photo.jpg"):
        return SimpleUploadedFile(name, data, content_type="image/jpeg")

    with pytest.raises(InvalidInput) as refused:
        appeals.appeal_create(
            actor=people.grid_manager, source=Source.GRID, module=modules["sanitation"], description="井盖缺失",
            lon=lon, lat=lat, photos=[upload()],
        )  # fmt: skip
    assert refused.value.code == "not_an_image"
    household = registry.household_create(actor=None, address="中心街1号", lon=lon, lat=lat)
    with pytest.raises(InvalidInput):
        visit_record(actor=people.grid_manager, household=household, visited_on=clock.today, photos=[upload()])
    report = expense_report_create(
        actor=people.zhongxin, street=streets["中心街街道"], year=clock.today.year, month=clock.today.month
    )
    for name in ("receipt.jpg", "receipt.pdf"):
        with pytest.raises(InvalidInput, match="A receipt is a PDF, JPEG or PNG file"):
            receipt_attach(actor=people.zhongxin, report=report, file=upload(name))
    assert not any(p.is_file() for p in Path(tmp_path).rglob("*"))  # nothing was stored


def test_an_upload_is_stored_under_a_random_name_with_the_extension_of_its_content(uploads):
    names = [
        uploads.appeal_photo.image.name,
        uploads.visit_photo.image.name,
        uploads.receipt.file.name,
        uploads.pdf_receipt.file.name,
    ]
    for name, folder, extension in zip(
        names, ["appeals", "visits", "funding/receipts", "funding/receipts"], ["png", "png", "png", "pdf"], strict=True
    ):
        assert re.fullmatch(rf"{folder}/\d{{4}}/\d{{2}}/[0-9a-f]{{32}}\.{extension}", name), name
    assert "visit-" not in uploads.visit_photo.image.name
    assert uploads.receipt.name == "票据.png"  # the uploader's name is kept only as the download name


def test_a_png_uploaded_with_a_jpg_name_is_stored_as_png(people, streets, clock, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = expense_report_create(
        actor=people.zhongxin, street=streets["中心街街道"], year=clock.today.year, month=clock.today.month
    )
    receipt = receipt_attach(
        actor=people.zhongxin,
        report=report,
        file=SimpleUploadedFile("scan.jpg", image_bytes(), content_type="image/jpeg"),
    )
    assert receipt.file.name.endswith(".png")


def test_every_file_field_of_every_model_stores_under_a_random_name():
    from django.apps import apps
    from django.db import models

    fields = [f for model in apps.get_models() for f in model._meta.get_fields() if isinstance(f, models.FileField)]
    assert len(fields) >= 3
    for field in fields:
        assert callable(field.upload_to), field
        first, second = field.upload_to(_Row(), "x.jpg"), field.upload_to(_Row(), "x.jpg")
        assert first != second and re.search(r"/[0-9a-f]{32}\.jpg$", first), (field, first)


class _Row:
    extension = "jpg"


def test_uploads_are_never_served_from_media_url():
    from django.conf import settings
    from django.urls import get_resolver

    def patterns(resolver, prefix=""):
        for p in resolver.url_patterns:
            if hasattr(p, "url_patterns"):
                yield from patterns(p, prefix + str(p.pattern))
            else:
                yield prefix + str(p.pattern)

    media = settings.MEDIA_URL.strip("/")
    assert not [p for p in patterns(get_resolver()) if p.lstrip("^").startswith(media)]
    assert Client().get(f"/{media}/anything.jpg").status_code != 200
