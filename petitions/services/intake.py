"""Intake (受理): an appeal from any channel becomes a received appeal with its first event.

Everything is checked before anything is written (text, module, point, photos, the actor's
right to take this channel); the appeal, its event and its photos are written in one
transaction, so a refusal leaves nothing half-saved.
"""

import logging
from collections.abc import Sequence

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from accounts.scopes import require_role
from gridgov import files
from gridgov.errors import InvalidInput, NotAllowed
from gridgov.text import clean_text
from grids.locator import locate

from ..ids import as_id
from ..models import Appeal, AppealEvent, AppealPhoto, Open311Key, Priority, ServiceModule, Source, Status
from ..reporter import seal_reporter

log = logging.getLogger(__name__)

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 6
PHOTO_EXTENSIONS = frozenset({"jpg", "png", "webp"})  # checked by content (gridgov/files.py)
MAX_DESCRIPTION = 4000

# Who may take an appeal in through each channel. Open311 appeals come from a client system
# (an API key), never from a signed-in user.
SOURCE_ROLES = {
    Source.HOTLINE: (Role.HOTLINE, Role.COMMAND_CENTER),
    Source.WEB: (Role.HOTLINE, Role.COMMAND_CENTER),
    Source.VISIT: (Role.CADRE, Role.GRID_MANAGER, Role.GRID_ASSISTANT, Role.COMMUNITY, Role.STREET_OFFICE),
    Source.GRID: (Role.GRID_MANAGER, Role.GRID_ASSISTANT, Role.COMMUNITY),
}


def checked_photo(upload) -> tuple[bytes, str, int, int]:
    """The photo's bytes, extension and size, or InvalidInput saying why it is refused."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_PHOTO_BYTES:
        raise InvalidInput(
            _("A photo may be at most %(mb)d MB; %(name)s is larger.")
            % {"mb": MAX_PHOTO_BYTES // (1024 * 1024), "name": getattr(upload, "name", "")},
            field="photos",
            code="photo_too_large",
        )
    data = upload.read(MAX_PHOTO_BYTES + 1)
    if len(data) > MAX_PHOTO_BYTES:
        raise InvalidInput(_("A photo may be at most 5 MB."), field="photos", code="photo_too_large")
    name = getattr(upload, "name", "") or _("The file")
    checked = files.checked_content(
        data,
        accept=PHOTO_EXTENSIONS,
        refusal=_("%(name)s is not a JPEG, PNG or WebP image.") % {"name": name},
        field="photos",
        code="not_an_image",
        too_large_code="photo_too_large",
    )
    return checked.data, checked.extension, checked.width, checked.height


def checked_photos(uploads: Sequence) -> list[tuple[bytes, str, int, int]]:
    if len(uploads) > MAX_PHOTOS:
        raise InvalidInput(_("At most %(n)d photos.") % {"n": MAX_PHOTOS}, field="photos")
    return [checked_photo(upload) for upload in uploads]


def save_photos(*, appeal: Appeal, photos: list, actor, event: AppealEvent | None = None) -> list[AppealPhoto]:
    saved = []
    for data, extension, width, height in photos:
        photo = AppealPhoto(
            appeal=appeal, event=event, extension=extension, width=width, height=height, uploaded_by=actor
        )
        photo.image.save(f"photo.{extension}", ContentFile(data), save=False)
        photo.save()
        saved.append(photo)
    return saved


def active_module(module) -> ServiceModule:
    if module is None or module == "":
        raise InvalidInput(_("Choose a service module."), field="module", code="module_required")
    if isinstance(module, ServiceModule):
        found = module
    elif as_id(module):
        found = ServiceModule.objects.filter(pk=as_id(module)).first()
    else:
        found = ServiceModule.objects.filter(code=str(module)).first()
    if found is None or not found.is_active:
        raise InvalidInput(_("There is no service module %(m)s.") % {"m": module}, field="module", code="module")
    return found


def appeal_create(
    *,
    actor,
    source: str,
    module: ServiceModule | int | str | None,
    description: str,
    lon: float | None,
    lat: float | None,
    address: str = "",
    priority: str = Priority.NORMAL,
    reporter_name: str = "",
    reporter_phone: str = "",
    photos: Sequence = (),
    open311_client: Open311Key | None = None,
    reporter_resident=None,
    public: bool = False,
) -> Appeal:
    """Take an appeal in (受理). The command center registers it next. `public` only when the
    reporter chose to publish it (an Open311 POST, or the consent box of a report)."""
    if source not in Source.values:
        raise InvalidInput(_("Unknown source %(s)s.") % {"s": source}, field="source")
    if public and source in (Source.HOTLINE, Source.VISIT):
        raise InvalidInput(_("Hotline calls and visit opinions are never published."), field="public")
    if source == Source.OPEN311:
        if open311_client is None:
            raise InvalidInput(_("Open311 appeals come in through /open311/v2/ with a client key."), field="source")
        if open311_client.revoked_at is not None:
            raise NotAllowed(_("This Open311 API key has been revoked."), code="api_key")
    else:
        require_role(actor, *SOURCE_ROLES[source], action=_("take in appeals from this channel"))
    if priority not in Priority.values:
        raise InvalidInput(_("Unknown priority %(p)s.") % {"p": priority}, field="priority")
    description = clean_text(description, field="description", label=_("The description"), required=True)
    address = clean_text(address, field="address", label=_("The address"), max_length=200)
    reporter_name = clean_text(reporter_name, field="reporter_name", label=_("The reporter's name"), max_length=50)
    reporter_phone = clean_text(reporter_phone, field="reporter_phone", label=_("The phone"), max_length=30)
    found_module = active_module(module)
    if lon in (None, "") or lat in (None, ""):
        raise InvalidInput(_("Put the place on the map: a longitude and latitude are needed."), field="location")
    located = locate(lon, lat)
    checked = checked_photos(photos)
    if reporter_resident is not None and actor is not None and not actor.is_superuser:
        from residents.models import Resident

        if not Resident.objects.visible_to(actor).filter(pk=reporter_resident.pk).exists():
            raise InvalidInput(_("That resident is not in your area."), field="reporter_resident")
    sealed = seal_reporter(reporter_name, reporter_phone, resident=reporter_resident)
    now = timezone.now()
    with transaction.atomic():
        appeal = Appeal.objects.create(
            source=source,
            module=found_module,
            priority=priority,
            description=description,
            address=address,
            lon=float(lon),
            lat=float(lat),
            unit_grid_id=located.unit_grid_id,
            community_id=located.community_id,
            street_id=located.street_id,
            created_at=now,
            created_by=actor,
            open311_client=open311_client,
            reporter_resident=reporter_resident,
            public=bool(public),
            **sealed.columns(),
        )
        event = AppealEvent.objects.create(
            appeal=appeal,
            at=now,
            actor=actor,
            action="create",
            from_status="",
            to_status=Status.RECEIVED,
            data={"source": source, "module": found_module.code},
        )
        save_photos(appeal=appeal, photos=checked, actor=actor, event=event)
        transaction.on_commit(lambda: log.debug("appeal %s received via %s", appeal.pk, source))
    return appeal
