import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from petitions.models import Colour
from petitions.services.supervision import slips_issue_due, sweep_more_due


class Command(BaseCommand):
    help = (
        "Issue the supervision slips due now (the beat task's sweep, without a worker), or at the "
        "moment given with --now; prints the slips issued by colour."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", help="ISO date-time to sweep at (default: now); local time if naive")

    def handle(self, *args, now=None, **options):
        when = timezone.now()
        if now:
            when = parse_datetime(now) or (datetime.datetime.combine(d, datetime.time()) if (d := _date(now)) else None)
            if when is None:
                raise CommandError(f"Not an ISO date-time: {now}")
            if timezone.is_naive(when):
                when = timezone.make_aware(when)
        total, appeals = dict.fromkeys(("blue", "yellow", "orange", "red"), 0), 0
        while True:
            counts = slips_issue_due(now=when)
            batch = counts.pop("appeals")
            appeals += batch
            for colour, n in counts.items():
                total[colour] += n
            if not batch or not sweep_more_due(now=when):
                break
        for colour, n in total.items():
            self.stdout.write(f"{Colour(colour).label}: {n}")
        self.stdout.write(f"Appeals checked: {appeals}")


def _date(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None
