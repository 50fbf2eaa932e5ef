"""Benchmark of the command center's dashboard (issue 12): the district's and a street's
dashboard page, the statistics API, a figure's list, the wall screen's refresh, each with its
query count (which must not grow with the data).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridgov_bench \
        .venv/bin/python bench/bench_dashboard.py [--scale paper] [--years 10] [--reseed]

Seeds the demo district unless it is there (paper: 100,000 appeals a year; `--years 10` makes
the 1,000,000 of the issue's targets). Prints a Markdown table to paste into docs/benchmarks.md.
Targets (issue 12, PostgreSQL, 1M appeals): district dashboard ≤ 150 ms, a street's ≤ 80 ms,
the wall's refresh ≤ 50 ms.
"""

import argparse
import datetime
import time

from common import count_queries, machine, setup_django, timed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="paper", choices=["small", "paper"])
    parser.add_argument("--years", type=int, default=1, help="years of appeals to seed (paper: 100,000 a year)")
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    url = setup_django()

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from grids.models import GridNode, Level
    from petitions.models import Appeal

    seed_seconds = None
    if args.reseed or not GridNode.objects.exists():
        started = time.perf_counter()
        call_command("seed_district", "--scale", args.scale, "--years", str(args.years), "--reset", verbosity=0)
        seed_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        # Bulk-loaded tables have no statistics until autovacuum runs: measure the steady state.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    User = get_user_model()
    appeals = Appeal.objects.count()
    street = GridNode.objects.filter(level=Level.STREET).order_by("code").first()
    today = timezone.localdate()
    year = f"start={today - datetime.timedelta(days=364):%Y-%m-%d}&end={today:%Y-%m-%d}"
    month = f"start={today.replace(day=1):%Y-%m-%d}&end={today:%Y-%m-%d}"
    rows = []

    def measure(label, username, path):
        client = Client(HTTP_HOST="localhost")
        client.force_login(User.objects.get(username=username))
        ms, response = timed(lambda: client.get(path), args.repeat)
        assert response.status_code == 200, (path, response.status_code)
        rows.append((label, ms, count_queries(lambda: client.get(path))))

    measure("page: district dashboard, today", "center", "/dashboard/")
    measure("page: district dashboard, this month", "center", f"/dashboard/?{month}")
    measure("page: district dashboard, last 365 days", "center", f"/dashboard/?{year}")
    measure(f"page: street dashboard ({street.name}), today, command center", "center", f"/dashboard/?node={street.pk}")
    measure(f"page: street dashboard ({street.name}), this month", "center", f"/dashboard/?node={street.pk}&{month}")
    measure("API: /api/stats/summary/, district, this month", "center", f"/api/stats/summary/?{month}")
    measure("API: /api/stats/summary/, district, last 365 days", "center", f"/api/stats/summary/?{year}")
    measure(f"API: /api/stats/summary/, {street.name}, this month", "center",
            f"/api/stats/summary/?node={street.pk}&{month}")  # fmt: skip
    measure("list: overdue now, district (50 per page)", "center", "/dashboard/list/?figure=overdue")
    measure("list: closed on time, district, this month", "center", f"/dashboard/list/?figure=closed_on_time&{month}")
    measure("wall: refresh (/wall/data/)", "center", "/wall/data/")
    district = GridNode.objects.get(level=Level.DISTRICT)
    box = f"{district.min_lon},{district.min_lat},{district.max_lon},{district.max_lat}"
    measure("case map: district clusters (zoom 11)", "center", f"/api/stats/case-map/?bbox={box}&zoom=11")
    measure(f"case map: {street.name}, red only (zoom 13)", "center",
            f"/api/stats/case-map/?bbox={box}&zoom=13&node={street.pk}&colour=red")  # fmt: skip
    lon, lat = (street.min_lon + street.max_lon) / 2, (street.min_lat + street.max_lat) / 2
    near = f"{lon - 0.004},{lat - 0.003},{lon + 0.004},{lat + 0.003}"
    measure("case map: points near a street's centre (zoom 16)", "center", f"/api/stats/case-map/?bbox={near}&zoom=16")

    print(f"\n{datetime.date.today()}, {machine()}, database: {url.split('://')[0]}")
    print(f"{appeals:,} appeals" + (f"; seeded in {seed_seconds:.0f} s" if seed_seconds else ""))
    print("\n| measure | median ms | queries |\n|---|---|---|")
    for label, ms, queries in rows:
        print(f"| {label} | {ms:.1f} | {queries} |")


if __name__ == "__main__":
    main()
