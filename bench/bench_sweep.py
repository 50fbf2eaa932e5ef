"""Benchmark of the supervision sweep (issue 5): one sweep's time on 1,000,000 appeals of
which 50,000 are open, and the rows it reads.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridgov_supervision_bench \\
        .venv/bin/python bench/bench_sweep.py [--total 1000000] [--open 50000]

Seeds the small demo district (the tree, staff, modules) once, then bulk-generates appeals in
SQL (generate_series, not the services) copying one seeded in-progress appeal: the open ones
in progress with windows spread over the last four days and next_check_at at 70 % of their
window, as the services would set it; the rest closed (next_check_at null). Then it sweeps
at moments chosen so that 30 (a minute's worth at this volume), 100 (one task run), 500 and 5,000
(a catch-up after an outage, in task-sized batches) appeals are due, and prints a Markdown
table: time, appeals fetched, slips issued, and the plan and buffers of the due query.
"""

import argparse
import time

from common import ensure_seeded, machine, setup_django


def generate(total: int, open_count: int) -> float:
    from django.db import connection

    from petitions.models import Appeal

    have = Appeal.objects.count()
    if have >= total:
        return 0.0
    template = Appeal.objects.filter(status="in_progress", handling_node__isnull=False).order_by("pk").first()
    assert template, "the seed made no in-progress appeal handled by a street"
    columns = [f.column for f in Appeal._meta.concrete_fields if f.column != "id"]
    overrides = {
        "token": "md5(g::text || clock_timestamp()::text)::uuid",
        "status": "CASE WHEN g <= %(open)s THEN 'in_progress' ELSE 'closed' END",
        "created_at": "now() - mod(g, 3650) * interval '1 day' - interval '5 days'",
        "updated_at": "now()",
        "window_start": "CASE WHEN g <= %(open)s THEN now() - random() * interval '4 days' "
        "ELSE now() - mod(g, 3650) * interval '1 day' END",
        "deadline": "NULL",
        "next_check_at": "NULL",
        "closed_at": "CASE WHEN g <= %(open)s THEN NULL ELSE now() - mod(g, 3650) * interval '1 day' END",
        "colour": "''",
        "supervising_node_id": "NULL",
        "rework_count": "0",
        "repeat_count": "0",
    }
    select = ", ".join(overrides.get(c, f"t.{c}") for c in columns)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO petitions_appeal ({', '.join(columns)}) SELECT {select} "
            "FROM generate_series(1, %(n)s) g CROSS JOIN (SELECT * FROM petitions_appeal WHERE id = %(t)s) t",
            {"n": total - have, "open": open_count, "t": template.pk},
        )
        # The services' window: 5 days; the next check at 70 % of it (no slip yet).
        cursor.execute(
            "UPDATE petitions_appeal SET deadline = window_start + interval '5 days', "
            "next_check_at = window_start + interval '3.5 days' WHERE status = 'in_progress' AND deadline IS NULL"
        )
        cursor.execute("ANALYZE petitions_appeal")
    return time.perf_counter() - started


def moment_for(due: int):
    from petitions.models import Appeal

    return (
        Appeal.objects.filter(next_check_at__isnull=False)
        .order_by("next_check_at")
        .values_list("next_check_at", flat=True)[due - 1]
    )


def explain(now, limit: int) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT id FROM petitions_appeal "
            "WHERE next_check_at <= %s ORDER BY next_check_at LIMIT %s",
            [now, limit],
        )
        return "\n".join(row[0] for row in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--total", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=50_000)
    args = parser.parse_args()
    url = setup_django()
    seeded = ensure_seeded("small")
    made = generate(args.total, args.open)

    from petitions.models import Appeal, SupervisionSlip
    from petitions.services.supervision import slips_issue_due, thresholds

    batch = thresholds()["SWEEP_BATCH"]
    total, open_ = Appeal.objects.count(), Appeal.objects.filter(status="in_progress").count()
    print(f"Database: {url.split('@')[-1]}; machine: {machine()}")
    print(f"Appeals: {total:,} ({open_:,} in progress); seed {seeded or 0:.0f} s; generated in {made:.0f} s\n")
    print(f"| due appeals | sweep runs (batches of {batch}) | time | appeals fetched | slips issued | ms per appeal |")
    print("|---:|---:|---:|---:|---:|---:|")
    plans = []
    for due in (30, 100, 500, 5_000):
        now = moment_for(due)
        already = SupervisionSlip.objects.count()
        plans.append((due, explain(now, batch)))
        runs, fetched = 0, 0
        started = time.perf_counter()
        while True:
            counts = slips_issue_due(now=now)
            runs += 1
            fetched += counts["appeals"]
            if counts["appeals"] < batch:
                break
        seconds = time.perf_counter() - started
        issued = SupervisionSlip.objects.count() - already
        per = seconds * 1000 / max(1, fetched)
        print(f"| {due:,} | {runs} | {seconds:.2f} s | {fetched:,} | {issued:,} | {per:.1f} |")
    # An idle sweep: nothing due now (what most beat ticks find).
    now = moment_for(1) - __import__("datetime").timedelta(seconds=1)
    started = time.perf_counter()
    counts = slips_issue_due(now=now)
    print(f"| 0 | 1 | {(time.perf_counter() - started) * 1000:.1f} ms | {counts['appeals']} | 0 | — |")
    for due, plan in plans:
        print(f"\nDue query with {due:,} due (first batch):\n```\n{plan}\n```")


if __name__ == "__main__":
    main()
