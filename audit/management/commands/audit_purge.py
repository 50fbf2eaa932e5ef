from django.core.management.base import BaseCommand

from audit.services import audit_purge, retention_days


class Command(BaseCommand):
    help = (
        "Delete audit entries older than GRIDGOV_AUDIT_RETENTION_DAYS (at least 180). "
        "Prints the count; deletes only with --commit. The only path the database lets delete."
    )

    def add_arguments(self, parser):
        parser.add_argument("--commit", action="store_true", help="delete (without it, only count)")

    def handle(self, *args, commit: bool, **options):
        days = retention_days()
        count = audit_purge(commit=commit)
        verb = "Deleted" if commit else "Would delete (run with --commit)"
        self.stdout.write(f"{verb} {count} audit entries older than {days} days.")
