"""Benchmark of the registry (issue 3) at paper scale: seed time, the demo data's checks, and
the household map's endpoints (households in a viewport, grid polygons with measures).

    .venv/bin/python bench/bench_households_bbox.py [--reseed] [--repeat 30]
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridgov_residents \
        .venv/bin/python bench/bench_households_bbox.py --reseed

BENCH_DATABASE_URL picks the database (default: the SQLite file var/bench.sqlite3). The demo
district is seeded there at paper scale unless it is there already (--reseed seeds again and
times it). Prints a Markdown table to paste into docs/benchmarks.md.
"""

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common import setup_django  # noqa: E402  (after the path is set)

# Viewports, as a map shows them at 1280 × 860 px: (label, width in degrees of longitude).
VIEWPORTS = [
    ("zoom 17 (a few buildings)", 0.008),
    ("zoom 15 (a unit grid)", 0.03),
    ("zoom 14 (a base grid)", 0.06),
    ("zoom 12 (a street)", 0.24),
    ("zoom 10 (the district)", 0.9),
]


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = subprocess.run(["free", "-g"], capture_output=True, text=True).stdout.split("\n")[1].split()[1]
    return f"{os.cpu_count()} cores ({cpu}), {memory} GiB, Python {platform.python_version()}"


def check_demo_data() -> dict:
    """The issue's "done when": 1,144 unit grids, 180,000–200,000 households, 100–250 a unit
    grid, every household inside its unit grid's polygon (vectorised covers test)."""
    import shapely
    from django.db.models import Count
    from shapely import geometry as geom

    from grids.models import GridNode, Level
    from residents.models import Household, Resident, ResidentTag

    units = {
        pk: geom.shape(b) for pk, b in GridNode.objects.filter(level=Level.UNIT_GRID).values_list("id", "boundary")
    }
    per_unit = dict(Household.objects.values_list("unit_grid_id").annotate(n=Count("id")).order_by())
    rows = list(Household.objects.values_list("unit_grid_id", "lon", "lat").iterator(chunk_size=20000))
    inside = shapely.covers([units[u] for u, _x, _y in rows], shapely.points([(x, y) for _u, x, y in rows]))
    return {
        "unit_grids": len(units),
        "unit_grids_with_households": len(per_unit),
        "households": len(rows),
        "residents": Resident.objects.count(),
        "active_tags": ResidentTag.objects.active().count(),
        "per_unit_min": min(per_unit.values()),
        "per_unit_max": max(per_unit.values()),
        "outside_their_unit_grid": int((~inside).sum()),
    }


def measure(client, url: str, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # The query log is a bounded deque: after a seed in this process it is full, and a full
    # log would count every request as 0 queries.
    connection.queries_log.clear()
    samples, body, queries = [], None, 0
    for i in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content[:300]
        if i == 0:
            body, queries = response.json(), len(captured.captured_queries)
    return {"median_ms": statistics.median(samples), "p90_ms": sorted(samples)[int(0.9 * (len(samples) - 1))],
            "queries": queries, "body": body}  # fmt: skip


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reseed", action="store_true", help="seed the paper scale again and time it")
    parser.add_argument("--repeat", type=int, default=30, help="requests per viewport")
    args = parser.parse_args()
    url = setup_django()

    import random

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from grids.models import GridNode, Level
    from residents.models import Household

    seed_seconds = None
    if args.reseed or not Household.objects.exists():
        started = time.perf_counter()
        call_command("seed_district", "--scale", "paper", "--reset", verbosity=0)
        seed_seconds = time.perf_counter() - started

    checks = check_demo_data()
    users = get_user_model().objects
    client = Client(SERVER_NAME="localhost")
    client.force_login(users.get(username="center"))
    rng = random.Random(3)
    households = list(Household.objects.order_by("?").values_list("lon", "lat")[:20])

    rows = []
    for label, width in VIEWPORTS:
        height = width * 0.7
        results = []
        for lon, lat in rng.sample(households, 4):
            if width > 0.5:  # the district: one viewport, its centre
                district = GridNode.objects.get(level=Level.DISTRICT)
                lon, lat = (district.min_lon + district.max_lon) / 2, (district.min_lat + district.max_lat) / 2
            bbox = f"{lon - width / 2:.6f},{lat - height / 2:.6f},{lon + width / 2:.6f},{lat + height / 2:.6f}"
            results.append(measure(client, f"/api/residents/households/in-bbox/?bbox={bbox}", args.repeat))
        areas_level = 4 if width < 0.05 else 3 if width < 0.1 else 2 if width < 0.5 else 1
        areas = measure(client, f"/api/residents/areas/?level={areas_level}&bbox={bbox}", max(5, args.repeat // 3))
        rows.append(
            {
                "viewport": label,
                "median_ms": statistics.median(r["median_ms"] for r in results),
                "range_ms": (min(r["median_ms"] for r in results), max(r["median_ms"] for r in results)),
                "queries": sorted({r["queries"] for r in results}),
                "modes": sorted({r["body"]["mode"] for r in results}),
                "returned": (
                    min(len(r["body"].get("households", r["body"].get("clusters"))) for r in results),
                    max(len(r["body"].get("households", r["body"].get("clusters"))) for r in results),
                ),
                "households_in_view": (
                    min(r["body"]["count"] for r in results),
                    max(r["body"]["count"] for r in results),
                ),
                "areas": (areas_level, len(areas["body"]["features"]), areas["median_ms"], areas["queries"]),
            }
        )

    street = GridNode.objects.filter(level=Level.STREET).order_by("code").first()
    officer = users.filter(assignments__node=street, assignments__role="street_office").first()
    client.force_login(officer)
    street_box = f"{street.min_lon},{street.min_lat},{street.max_lon},{street.max_lat}"
    scoped = measure(client, f"/api/residents/households/in-bbox/?bbox={street_box}", args.repeat)

    # The registry's lists at this scale, for the district and for a street officer.
    from gridgov.personal_data import open_value
    from residents.models import Resident

    someone = Resident.objects.exclude(id_number_cipher="").order_by("id")[1000]
    number = open_value(someone.id_number_cipher)
    lists = []
    for who, user in [("center", users.get(username="center")), (officer.username, officer)]:
        client.force_login(user)
        for label, list_url in [
            ("API households, page 1", "/api/residents/households/"),
            ("API residents, page 1", "/api/residents/residents/"),
            ("API residents by exact ID number", f"/api/residents/residents/?id_number={number}"),
            ("API residents named 王…", "/api/residents/residents/?q=王"),
            ("page: households list", "/registry/households/"),
            ("page: residents list", "/registry/residents/"),
        ]:
            if list_url.startswith("/registry/"):
                from django.db import connection
                from django.test.utils import CaptureQueriesContext

                samples = []
                connection.queries_log.clear()
                for _ in range(max(5, args.repeat // 3)):
                    with CaptureQueriesContext(connection) as captured:
                        started = time.perf_counter()
                        assert client.get(list_url).status_code == 200
                        samples.append((time.perf_counter() - started) * 1000)
                lists.append((who, label, statistics.median(samples), len(captured.captured_queries)))
            else:
                result = measure(client, list_url, max(5, args.repeat // 3))
                lists.append((who, label, result["median_ms"], result["queries"]))

    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"\n{datetime.date.today()}, {machine()}, {engine}\n")
    if seed_seconds is not None:
        print(f"`seed_district --scale paper --reset` (whole command): {seed_seconds:.0f} s\n")
    print("Demo data: " + ", ".join(f"{k} {v:,}" for k, v in checks.items()) + "\n")
    print("| viewport | households in view | rows returned | mode | median ms (range over 4 places) | queries |"
          " polygons (level, n, ms, queries) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        level, n, ms, q = r["areas"]
        print(
            f"| {r['viewport']} | {r['households_in_view'][0]:,}–{r['households_in_view'][1]:,} "
            f"| {r['returned'][0]:,}–{r['returned'][1]:,} | {'/'.join(r['modes'])} | {r['median_ms']:.1f} "
            f"({r['range_ms'][0]:.1f}–{r['range_ms'][1]:.1f}) | {'/'.join(map(str, r['queries']))} "
            f"| {level}, {n}, {ms:.1f} ms, {q} |"
        )
    print("\n| who | list | median ms | queries |\n|---|---|---|---|")
    for who, label, ms, q in lists:
        print(f"| {who} | {label} | {ms:.1f} | {q} |")
    print(
        f"\nStreet officer of {street.name}, the whole street's box: {scoped['body']['count']:,} households, "
        f"{scoped['body']['mode']}, {scoped['median_ms']:.1f} ms, {scoped['queries']} queries."
    )


if __name__ == "__main__":
    main()
