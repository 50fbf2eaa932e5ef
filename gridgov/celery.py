import os
from pathlib import Path

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")

app = Celery("gridgov")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The periodic tasks (celery beat); each is thin and safe to run twice.
app.conf.beat_schedule = {
    "redeliver-notifications": {"task": "accounts.tasks.redeliver_notifications", "schedule": 300.0},
    # funding: flags unsubmitted monthly expense reports once they pass the 5th (idempotent).
    "funding-mark-late-reports": {"task": "funding.tasks.mark_late_reports", "schedule": 3600.0},
    "sweep-deadlines": {"task": "petitions.tasks.sweep_deadlines", "schedule": 60.0},
    # residents: deletes uploaded registry sheets never confirmed (GRIDGOV_IMPORT_STAGED_HOURS).
    "expire-staged-imports": {"task": "residents.tasks.expire_staged_imports", "schedule": 3600.0},
    # petitions: tells the admins when next year's holiday calendar is missing (from 1 November).
    "notify-missing-calendar": {
        "task": "petitions.tasks.notify_missing_calendar",
        "schedule": crontab(hour=8, minute=0),
    },
    # assessment: scores last month / quarter once it is over; a closed period is left alone.
    "score-due-periods": {"task": "assessment.tasks.score_due_periods", "schedule": crontab(hour=2, minute=30)},
    # audit: entries past the retention (GRIDGOV_AUDIT_RETENTION_DAYS, at least 180 days) go.
    "purge-audit-trail": {
        "task": "audit.tasks.purge_audit_trail",
        "schedule": crontab(day_of_month=1, hour=3, minute=15),
    },
    # dashboard: hot-spot rules' hits become proactive tasks (未诉先办) for the grid managers.
    "detect-hotspots": {"task": "dashboard.tasks.detect_hotspots", "schedule": crontab(minute=5)},
}


@app.on_configure.connect
def make_broker_folders(sender, **kwargs):
    # kombu's filesystem transport (the embedded default) needs its folders to exist. Read
    # from Django's settings: sender.conf is not ready while on_configure runs.
    from django.conf import settings

    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
