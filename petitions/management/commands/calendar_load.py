from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gridgov.errors import DomainError
from petitions import calendar
from petitions.services import calendar_days_import
from petitions.services.modules import calendar_changes


class Command(BaseCommand):
    help = (
        "Enter a year's working-day calendar from a file: one day a line, `YYYY-MM-DD off NAME` "
        "(public holiday) or `YYYY-MM-DD work` (make-up working day on a weekend); `#` comments. "
        "Prints what it would change; writes only with --commit, and then all of it or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the calendar file (UTF-8)")
        parser.add_argument("--commit", action="store_true", help="write the days (default: a dry run)")

    def handle(self, *args, file, commit, **options):
        try:
            text = Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        try:
            entries = calendar.calendar_file_parse(text)
            changes = calendar_changes(entries)
            for entry, before in changes:
                kind = "working day (调休)" if entry.is_workday else "holiday"
                was = f" (was: {'working day' if before.is_workday else 'holiday'} {before.name})" if before else ""
                self.stdout.write(f"{entry.date}  {kind:<18} {entry.name}{was}")
            years = sorted({e.date.year for e in entries})
            if not commit:
                self.stdout.write(
                    f"Dry run: {len(changes)} of {len(entries)} days would change ({', '.join(map(str, years))}). "
                    "Run again with --commit to write them."
                )
                return
            changed = calendar_days_import(actor=None, entries=entries)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Wrote {changed} of {len(entries)} days ({', '.join(map(str, years))}).")
