"""Uploaded files (上传附件): appeal photos (a grid worker's report, a unit's reply), visit photos
and expense receipts (票据), served only to those who may see what they belong to.

There is no public /media/ URL: these are personal data. One view serves every kind; each kind
names its file field and the domain's own selector of the rows a user may see (the appeals
visible to the user, the visits, the expense reports), so a file is visible exactly when the
page of its appeal, visit or report is; outside scope it is 404 like that page.

Thumbnails for lists are made with Pillow on first request and kept on disk beside the uploads
(`thumbnails/<size>/<name>.jpg`); uploads are never replaced in place (new uploads get new
names), so a kept thumbnail never goes stale.

Uploads are accepted by what they are, never by their name (`checked_content`): an image must
decode with Pillow as JPEG, PNG or WebP (within a pixel limit, so a decompression bomb is
refused before it is decoded), a PDF must start with its magic bytes and parse with pypdf. A file
named `.jpg` that is really HTML is refused. Every upload is stored under a random name of our
own (`stored_name`: `<folder>/<yyyy>/<mm>/<32 hex>.<extension from the content>`), never the
uploader's and never a guessable one such as the row's id; every model's `upload_to` calls it.

With GRIDGOV_FILES_SENDFILE set the view checks, then hands the file to the web server
(X-Accel-Redirect for nginx, X-Sendfile for Apache/lighttpd) instead of streaming it through
a Python worker; docs/deploy.md has the nginx `internal` location.
"""

import io
import mimetypes
import os
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from PIL import Image, ImageOps, UnidentifiedImageError

from gridgov.errors import InvalidInput

# ---- Uploads: accepted by content, stored under random names ----

IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}  # Pillow's format → our extension
MAX_PIXELS = 40_000_000  # refuses decompression bombs before decoding them
PDF = "pdf"
EXTENSIONS = {*IMAGE_FORMATS.values(), PDF}


@dataclass(frozen=True)
class Checked:
    data: bytes
    extension: str  # from the content, never from the uploader's name
    width: int = 0
    height: int = 0


def checked_content(
    data: bytes,
    *,
    accept: frozenset[str] | set[str],
    refusal: str,
    field: str,
    code: str = "unsupported_file",
    too_large_code: str = "too_large",
) -> Checked:
    """What `data` really is, if it is one of `accept` (extensions: "jpg", "png", "webp", "pdf"),
    or InvalidInput with `refusal`. Images are decoded in full (a truncated or forged one fails);
    PDFs must start with `%PDF-` and parse."""
    if data.startswith(b"%PDF-"):
        if PDF in accept and _parses_as_pdf(data):
            return Checked(data, PDF)
        raise InvalidInput(refusal, field=field, code=code)
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height) = image.format, image.size
            if width * height > MAX_PIXELS:
                raise InvalidInput(_("The photo has too many pixels."), field=field, code=too_large_code)
            image.verify()  # the structure and checksums …
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # … and every pixel decodes
    except InvalidInput:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InvalidInput(refusal, field=field, code=code) from None
    if IMAGE_FORMATS.get(kind) not in accept:
        raise InvalidInput(refusal, field=field, code=code)
    return Checked(data, IMAGE_FORMATS[kind], width, height)


def _parses_as_pdf(data: bytes) -> bool:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        return len(PdfReader(io.BytesIO(data)).pages) > 0
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return False


def stored_name(folder: str, extension: str) -> str:
    """A new file's name in storage: random, in a month folder, with the content's extension."""
    extension = extension.lower() if extension.lower() in EXTENSIONS else "bin"
    return f"{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


def extension_of(name: str) -> str:
    return Path(name or "").suffix.lstrip(".").lower()


THUMBNAIL_SIZE = 320  # px, the longer side; lists show them at 64–160 px, sharp on HiDPI screens


@dataclass(frozen=True)
class FileKind:
    field: str  # the model's FileField
    visible: str  # dotted path of `selector(user) -> QuerySet` of the rows the user may see
    download_name: str = ""  # field holding the name the uploader gave, if kept


KINDS: dict[str, FileKind] = {
    "appeal-photo": FileKind("image", "petitions.selectors.appeal_photos"),
    "visit-photo": FileKind("image", "visits.selectors.visit_photos"),
    "receipt": FileKind("file", "funding.selectors.reports.visible_receipts", download_name="name"),
}


def file_url(kind: str, pk: int) -> str:
    return reverse("file", args=[kind, pk])


def thumbnail_url(kind: str, pk: int) -> str:
    return reverse("file-thumbnail", args=[kind, pk])


@require_safe
@login_required
def serve_file(request, kind: str, pk: int, thumbnail: bool = False):
    """The file of one row the viewer may see (or its thumbnail); anything else is 404."""
    spec = KINDS.get(kind)
    if spec is None:
        raise Http404
    fields = [spec.field, *([spec.download_name] if spec.download_name else [])]
    row = import_string(spec.visible)(request.user).filter(pk=pk).values_list(*fields).first()
    if row is None or not row[0]:
        raise Http404
    name = row[0]
    if thumbnail:
        return _send(thumbnail_of(name), filename=None)
    return _send(name, filename=row[1] if spec.download_name else Path(name).name)


def _send(name: str, *, filename: str | None):
    path = Path(default_storage.path(name))
    if not path.is_file():
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    mode = settings.GRIDGOV_FILES_SENDFILE
    if mode == "x-accel-redirect":
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.GRIDGOV_FILES_INTERNAL_URL + quote(name)
    elif mode == "x-sendfile":
        response = HttpResponse(content_type=content_type)
        response["X-Sendfile"] = str(path)
    else:
        response = FileResponse(path.open("rb"), content_type=content_type)
    if filename:
        response["Content-Disposition"] = content_disposition_header(False, filename)
    # Personal data: the browser may keep it, shared caches and proxies may not.
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def thumbnail_of(name: str) -> str:
    """The stored name of the file's thumbnail, made now if it is not on disk yet. 404 for a
    file that is not an image (a PDF receipt) or is missing."""
    thumb = f"thumbnails/{THUMBNAIL_SIZE}/{name}.jpg"
    target = Path(default_storage.path(thumb))
    if target.is_file():
        return thumb
    source = Path(default_storage.path(name))
    if not source.is_file():
        raise Http404
    try:
        with Image.open(source) as original:
            image = ImageOps.exif_transpose(original)  # phone photos lie on their side otherwise
            image.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise Http404 from None
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    else:
        image = image.convert("RGB")
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written aside and renamed: two first requests at once never serve a half-written file.
    fd, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            image.save(out, "JPEG", quality=82, optimize=True)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return thumb
