"""`manage.py score_period 2026-05` scores a month (or `2026-Q2` a quarter) that has ended,
stores the scores and prints the ranking it stored. A period already scored is refused unless
`--recompute --by USERNAME --reason TEXT` asks for the logged recomputation."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from assessment import selectors, services
from gridgov.errors import DomainError


class Command(BaseCommand):
    help = "Score an assessment period (YYYY-MM or YYYY-Qn) and print the ranking stored."

    def add_arguments(self, parser):
        parser.add_argument("period", help="2026-05 for a month, 2026-Q2 for a quarter")
        parser.add_argument("--recompute", action="store_true", help="score a closed period again (logged)")
        parser.add_argument("--by", help="username of the person asking for the recomputation")
        parser.add_argument("--reason", default="", help="why the period is recomputed")
        parser.add_argument("--top", type=int, default=0, help="print only the first N of each level")

    def handle(self, *args, period, recompute, by, reason, top, **options):
        try:
            if recompute:
                if not by:
                    raise CommandError("--recompute needs --by USERNAME: a recomputation names who asks for it.")
                actor = get_user_model().objects.filter(username=by).first()
                if actor is None:
                    raise CommandError(f"No user “{by}”.")
                run = services.period_recompute(actor=actor, label=period, reason=reason)
            else:
                run = services.period_score(actor=None, label=period)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"{run.period.label}: run {run.number}, rules in force from {run.rules.effective_from}, {run.seconds:.2f} s"
        )
        for title, rows in selectors.run_rankings(run, top=top or None):
            self.stdout.write(f"\n{title}")
            for row in rows:
                self.stdout.write(f"  {row.rank:>4}  {row.score:>6}  {row.name}")
