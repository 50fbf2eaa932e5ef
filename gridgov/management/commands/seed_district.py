import random
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from accounts.demo import seed_notices_delivered
from assessment import demo as assessment_demo
from funding.demo import seed_funding
from gridgov.errors import DomainError
from grids import demo
from grids.models import GridNode
from petitions import demo as petitions_demo
from petitions import demo_supervision
from residents import demo as registry_demo
from visits import demo as visits_demo

# Each step takes the shared SeedContext and returns a line saying what it made; each app's
# demo.py holds its steps, in the order their data depend on each other.
STEPS = [
    ("grid tree", demo.seed_tree),
    ("departments", demo.seed_departments),
    ("staff", demo.seed_staff),
    ("special-population categories", registry_demo.seed_categories),
    ("households and residents", registry_demo.seed_registry),
    ("appeals", petitions_demo.seed_appeals),
    ("funding", seed_funding),
    ("visits", visits_demo.seed_visits),
    # Last: the sweep sees every appeal, including the opinions the visits registered.
    ("supervision slips", demo_supervision.seed_supervision),
    # After the slips: the scores count them.
    ("assessment", assessment_demo.seed_assessment),
    # Last of all: every step above may have sent notices.
    ("notices", seed_notices_delivered),
]


class Command(BaseCommand):
    help = (
        "Seed the demo district (Shizhong, Zaozhuang: 11 streets, 162 communities, 396 base grids, "
        "1,144 unit grids) with its departments and staff. Refuses a database that already holds a "
        "district unless told --reset (which deletes everything first) or --if-empty."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=["small", "paper"],
            default="small",
            help="small: the whole tree with a little data in it; paper: the paper's volumes",
        )
        parser.add_argument("--seed", type=int, default=2015, help="random seed; the same seed gives the same district")
        parser.add_argument("--years", type=int, default=1, help="years of appeals to generate")
        parser.add_argument("--reset", action="store_true", help="delete ALL data in the database, then seed")
        parser.add_argument(
            "--if-empty", action="store_true", help="when a district exists, keep it and only print the demo logins"
        )

    def handle(self, *args, scale, seed, years, reset, if_empty, **options):
        existing = GridNode.objects.count()
        if existing:
            if if_empty:
                self.stdout.write(f"The database already holds a district ({existing:,} grid nodes); seeding skipped.")
                self.print_logins(demo.demo_logins())
                return
            if not reset:
                raise CommandError(
                    f"The database already holds a district ({existing:,} grid nodes). Nothing was changed. "
                    "Run with --reset to delete all data and seed again, or --if-empty to keep it."
                )
            self.stdout.write("--reset: deleting all data in the database …")
            call_command("flush", interactive=False, verbosity=0)

        ctx = demo.SeedContext(rng=random.Random(seed), scale=scale, years=years, stdout=self.stdout)
        started = time.monotonic()
        try:
            with transaction.atomic():
                for label, step in tqdm(STEPS, desc="seeding", unit="step", disable=options["verbosity"] < 1):
                    step_started = time.monotonic()
                    said = step(ctx)
                    tqdm.write(f"  {label}: {said} ({time.monotonic() - step_started:.1f} s)")
        except DomainError as exc:
            raise CommandError(f"Seeding failed, nothing was written: {exc.message}") from exc
        self.stdout.write(self.style.SUCCESS(f"Seeded the demo district in {time.monotonic() - started:.1f} s."))
        self.print_logins(ctx.logins)

    def print_logins(self, logins):
        self.stdout.write(f"\nDemo logins (password for all: {demo.DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.username:<16} {login.role:<24} {login.place}")
