"""Registry imports as Celery tasks with progress (`RegistryImport`): the upload is staged,
checked by a task, confirmed once, imported by a task; staged sheets expire."""

import datetime
import uuid
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import REGISTRY_EDITORS
from accounts.scopes import require_role, scope_for
from gridgov.errors import Conflict, DomainError, NotAllowed, NotFound
from gridgov.tasks import enqueue_on_commit
from grids.models import GridNode

from .import_sheet import check_archive
from .importing import registry_import
from .models import RegistryImport


def staging_dir() -> Path:
    """Where an uploaded sheet waits between its check and the confirmation (MEDIA_ROOT/imports)."""
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def staged_imports_expire(*, older_than: datetime.timedelta | None = None) -> int:
    """Delete staged sheets nobody confirmed (an abandoned check, a closed browser): they hold
    residents' ID numbers and phones. Returns how many were deleted. Safe to run twice."""
    if older_than is None:
        older_than = datetime.timedelta(hours=settings.GRIDGOV_IMPORT_STAGED_HOURS)
    cutoff = (timezone.now() - older_than).timestamp()
    removed = 0
    for path in staging_dir().iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # confirmed (and deleted) meanwhile
            continue
    return removed


def _check_may_import(actor, node: GridNode) -> None:
    require_role(actor, *REGISTRY_EDITORS, action=_("import into the residents registry"))
    if actor is not None and not scope_for(actor).contains_node(node) and not actor.is_superuser:
        raise NotAllowed(_("%(node)s lies outside your area.") % {"node": node.name})


def _staged(job: RegistryImport) -> Path:
    return staging_dir() / f"{job.token.hex}.xlsx"


@transaction.atomic
def registry_import_stage(*, actor, node: GridNode, data: bytes) -> RegistryImport:
    """Keep an uploaded sheet and have a task check it. What can exhaust a worker (size, zip
    bombs) is refused here, in the request, before anything is kept."""

    _check_may_import(actor, node)
    check_archive(data)
    job = RegistryImport.objects.create(token=uuid.uuid4(), node=node, created_by=actor)
    _staged(job).write_bytes(data)
    from .tasks import run_registry_import

    enqueue_on_commit(run_registry_import, job.pk)
    return job


def registry_import_confirm(*, actor, job: RegistryImport) -> RegistryImport:
    """The uploader confirms a checked sheet: a task imports it. Only once (a conditional update)."""
    if actor is None or job.created_by_id != actor.pk:
        raise NotFound(_("No such import."))
    with transaction.atomic():
        moved = RegistryImport.objects.filter(pk=job.pk, status=RegistryImport.Status.CHECKED).update(
            status=RegistryImport.Status.IMPORTING, rows_done=0
        )
        if moved != 1:
            raise Conflict(_("This import is not waiting for confirmation."))
        from .tasks import run_registry_import

        enqueue_on_commit(run_registry_import, job.pk)
    job.refresh_from_db()
    return job


def registry_import_run(*, pk: int) -> str:
    """The task's work: check (status CHECKING) or import (status IMPORTING) the staged sheet.
    Safe to run twice: a job in any other status is left alone, and the import is one
    transaction, so a worker killed half-way leaves the job IMPORTING to be run again."""
    job = RegistryImport.objects.select_related("node", "created_by").filter(pk=pk).first()
    if job is None or not job.in_progress:
        return job.status if job else "missing"
    commit = job.status == RegistryImport.Status.IMPORTING
    rows = RegistryImport.objects.filter(pk=pk)

    def progress(done: int, total: int) -> None:
        rows.update(rows_done=done, rows_total=total)

    finished = {"finished_at": timezone.now()}
    try:
        data = _staged(job).read_bytes()
        report = registry_import(actor=job.created_by, node=job.node, data=data, commit=commit, progress=progress)
    except FileNotFoundError:
        expired = _("The file has expired; upload it again.")
        rows.update(status=RegistryImport.Status.FAILED, message=expired, **finished)
        return RegistryImport.Status.FAILED
    except DomainError as exc:
        rows.update(status=RegistryImport.Status.FAILED, message=str(exc.message)[:300], **finished)
        _staged(job).unlink(missing_ok=True)
        return RegistryImport.Status.FAILED
    if report.committed:
        status = RegistryImport.Status.IMPORTED
    elif report.ok:
        status = RegistryImport.Status.CHECKED
        finished = {}
    else:
        status = RegistryImport.Status.REJECTED
    rows.update(
        status=status,
        households=report.households,
        residents=report.residents,
        tags=report.tags,
        errors=[asdict(e) for e in report.errors[:1000]],
        **finished,
    )
    if status != RegistryImport.Status.CHECKED:  # nothing more will read the sheet
        _staged(job).unlink(missing_ok=True)
    return status
