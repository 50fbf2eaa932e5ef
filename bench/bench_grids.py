"""Benchmark of the grid tree (issue 2): seed time, subtree queries, locator lookups.

    .venv/bin/python bench/bench_grids.py [--reseed]
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridgov_bench .venv/bin/python bench/bench_grids.py

Prints a Markdown table to paste into docs/benchmarks.md.
"""

import datetime
import random
import time

from common import bench_parser, count_queries, ensure_seeded, machine, setup_django, timed


def main():
    parser = bench_parser(scale="small")
    args = parser.parse_args()
    url = setup_django()

    from django.contrib.auth import get_user_model
    from django.test import Client

    from grids import demo
    from grids.locator import Locator, get_locator
    from grids.models import GridNode, Level

    seed_seconds = ensure_seeded(args.scale, reseed=args.reseed)

    # Building and checking the polygons, without the database.
    started = time.perf_counter()
    demo.build_tree(random.Random(2015))
    build_seconds = time.perf_counter() - started

    User = get_user_model()
    officers = {u.username: u for u in User.objects.filter(username__in=[login for _c, _n, login in demo.STREETS])}
    street_sizes = []
    for _code, name, login in demo.STREETS:

        def subtree(pk=officers[login].pk):
            # A fresh user object each time, so the scope is resolved inside the timing.
            return list(GridNode.objects.visible_to(User.objects.get(pk=pk)).defer("boundary"))

        ms, nodes = timed(subtree, 20)
        street_sizes.append((name, len(nodes), ms, count_queries(subtree)))

    center = User.objects.get(username="center")
    client = Client(HTTP_HOST="localhost")
    client.force_login(center)
    district = GridNode.objects.get(level=Level.DISTRICT)
    geojson_ms, response = timed(lambda: client.get(f"/api/grids/nodes/{district.pk}/geojson/?level=4"), 10)
    assert response.status_code == 200 and len(response.json()["features"]) == 1144, response.status_code
    geojson_queries = count_queries(lambda: client.get(f"/api/grids/nodes/{district.pk}/geojson/?level=4"))
    list_ms, response = timed(lambda: client.get("/api/grids/nodes/?page_size=500"), 10)
    assert response.status_code == 200, response.status_code
    list_queries = count_queries(lambda: client.get("/api/grids/nodes/?page_size=500"))

    build_started = time.perf_counter()
    Locator.from_database()
    locator_build_ms = (time.perf_counter() - build_started) * 1000
    locator = get_locator()
    rng = random.Random(1)
    points = [
        (rng.uniform(district.min_lon, district.max_lon), rng.uniform(district.min_lat, district.max_lat))
        for _ in range(50_000)
    ]
    started = time.perf_counter()
    hits = sum(1 for lon, lat in points if locator.find(lon, lat) is not None)
    single_rate = len(points) / (time.perf_counter() - started)
    started = time.perf_counter()
    locator.find_many([p[0] for p in points], [p[1] for p in points])
    bulk_rate = len(points) / (time.perf_counter() - started)

    print(f"### Grid tree — {datetime.date.today()} — {'PostgreSQL' if url.startswith('postgres') else 'SQLite'}")
    print(f"Machine: {machine()}\n")
    print("| measure | result |\n|---|---|")
    if seed_seconds is not None:
        print(f"| `seed_district --scale {args.scale}` (whole command) | {seed_seconds:.1f} s |")
    print(f"| build + validate the 1,714 polygons (no database) | {build_seconds:.2f} s |")
    for name, size, ms, queries in street_sizes:
        print(f"| subtree of {name} ({size} nodes), street officer | {ms:.1f} ms median, {queries} queries |")
    print(f"| API: district GeoJSON of 1,144 unit grids | {geojson_ms:.0f} ms median, {geojson_queries} queries |")
    print(f"| API: node list, 500 per page | {list_ms:.0f} ms median, {list_queries} queries |")
    print(f"| locator build (1,144 polygons) | {locator_build_ms:.0f} ms |")
    print(f"| locator single lookups ({len(points):,} points, {hits:,} inside) | {single_rate:,.0f} / s |")
    print(f"| locator bulk lookup (`find_many`) | {bulk_rate:,.0f} / s |")


if __name__ == "__main__":
    main()
