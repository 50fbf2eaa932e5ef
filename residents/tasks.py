from celery import shared_task

from . import import_jobs


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def expire_staged_imports() -> int:
    """Beat: delete uploaded sheets left unconfirmed past GRIDGOV_IMPORT_STAGED_HOURS."""
    return import_jobs.staged_imports_expire()


@shared_task(acks_late=True, time_limit=600, soft_time_limit=570)
def run_registry_import(pk: int) -> str:
    """Check or import one staged registry sheet (RegistryImport), reporting its progress."""
    return import_jobs.registry_import_run(pk=pk)
