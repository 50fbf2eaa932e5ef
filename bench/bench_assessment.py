"""Benchmark of the assessment (issue 7): scoring a month and a quarter of the paper-scale
district (100,000 appeals a year, 1,893 staff, 3,686 cadres), and the query count of scoring,
which must not depend on the number of units, staff or appeals.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridgov_bench \
        .venv/bin/python bench/bench_assessment.py [--scale paper] [--reseed] [--repeat 5]

Seeds the demo district at the scale asked unless it is there. Each scoring runs inside a
transaction that is rolled back, so every repetition scores the same unscored period afresh.
Prints a Markdown table for docs/benchmarks.md.
"""

import datetime

from common import analyze, bench_parser, count_queries, ensure_seeded, machine, setup_django, timed


class Rollback(Exception):
    pass


def main() -> None:
    parser = bench_parser(scale="paper", repeat=5)
    args = parser.parse_args()
    url = setup_django()
    seeded = ensure_seeded(args.scale, args.reseed)

    from django.db import transaction
    from django.utils import timezone

    from assessment import indicators, services
    from assessment.models import Period, PeriodStatus
    from grids.models import Assignment
    from petitions.models import Appeal

    analyze()
    services.rules_default_ensure()
    scored = set(Period.objects.filter(status=PeriodStatus.CLOSED).values_list("label", flat=True))
    today = timezone.localdate()

    def unscored(kind: str) -> str:
        """The latest ended period of `kind` not scored yet (the seed scores the last months)."""
        first = today.replace(day=1)
        for _ in range(36):
            first = (first - datetime.timedelta(days=1)).replace(day=1)
            label = f"{first.year}-Q{(first.month - 1) // 3 + 1}" if kind == "quarter" else f"{first:%Y-%m}"
            if label not in scored and services.period_bounds(label)[2] <= today:
                return label
        raise SystemExit(f"no unscored {kind} in the last three years")

    def score(label: str):
        def run():
            try:
                with transaction.atomic():
                    result = services.period_score(actor=None, label=label, today=today)
                    counts = (result.unit_scores.count(), result.staff_scores.count())
                    raise Rollback(counts)
            except Rollback as done:
                return done.args[0]

        return run

    rows = []

    def measure(label, fn, note=""):
        ms, result = timed(fn, args.repeat)
        rows.append((label, ms, count_queries(fn), note or result))

    month, quarter = unscored("month"), unscored("quarter")
    empty = "2001-01"  # before any appeal: no unit to score
    for label in (month, quarter, empty):
        _kind, start, end = services.period_bounds(label)
        since, until = indicators.bounds(start, end)
        appeals = Appeal.objects.filter(created_at__gte=since, created_at__lt=until).count()
        measure(f"score {label} ({appeals:,} appeals received)", score(label))
    _kind, start, end = services.period_bounds(month)
    since, until = indicators.bounds(start, end)
    rules = services.rules_in_force(start)
    measure(f"unit indicators only, {month}", lambda: len(indicators.unit_indicators(since, until)))
    measure(f"staff indicators only, {month}", lambda: len(indicators.staff_indicators(start, end, rules)))
    year_start = timezone.now() - datetime.timedelta(days=365)
    measure(
        "unit indicators over the whole last year",
        lambda: len(indicators.unit_indicators(year_start, timezone.now())),
    )

    print(f"\n{machine()}\ndatabase: {url.rsplit('@', 1)[-1]}")
    if seeded:
        print(f"seeded in {seeded:.0f} s")
    staff = Assignment.objects.active().filter(role__in=indicators.STAFF_ROLES).count()
    print(f"{Appeal.objects.count():,} appeals in the database, {staff:,} grid staff posts\n")
    print("| measure | median ms | queries | (units, staff) scored / rows |\n|---|---|---|---|")
    for label, ms, queries, note in rows:
        print(f"| {label} | {ms:.0f} | {queries} | {note} |")


if __name__ == "__main__":
    main()
