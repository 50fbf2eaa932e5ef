"""Shared set-up for the benchmark scripts: Django on a benchmark database of its own.

BENCH_DATABASE_URL picks the database (default: a SQLite file var/bench.sqlite3); for
PostgreSQL: BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridgov_bench (created if
missing). The demo district is seeded there once, at the scale asked for, and reused.
"""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup_django(url: str | None = None) -> str:
    url = url or os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    (ROOT / "var").mkdir(exist_ok=True)
    if url.startswith("postgres"):
        _create_postgres_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


def _create_postgres_database(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    base, name = url.rsplit("/", 1)
    connection = psycopg2.connect(f"{base}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def ensure_seeded(scale: str, reseed: bool = False) -> float | None:
    """Seed the demo district unless it is there; returns the seconds seeding took, if it ran."""
    from django.core.management import call_command

    from grids.models import GridNode

    if GridNode.objects.exists() and not reseed:
        return None
    started = time.perf_counter()
    call_command("seed_district", "--scale", scale, "--reset", verbosity=0)
    return time.perf_counter() - started


def timed(fn, repeat: int) -> tuple[float, object]:
    """Median milliseconds over `repeat` runs, and the last result."""
    samples, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), result


def count_queries(fn) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = subprocess.run(["free", "-g"], capture_output=True, text=True).stdout.split("\n")[1].split()[1]
    return f"{os.cpu_count()} cores, {cpu}, {memory} GiB, Python {platform.python_version()}"


def bench_parser(*, scale: str = "paper", repeat: int | None = None) -> argparse.ArgumentParser:
    """The options every benchmark over the demo district takes (add your own to it)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=["small", "paper"], default=scale)
    parser.add_argument("--reseed", action="store_true", help="seed again even if the district is there")
    if repeat is not None:
        parser.add_argument("--repeat", type=int, default=repeat)
    return parser


def analyze() -> None:
    """Fresh bulk-loaded tables have no statistics until autovacuum gets to them; measure the
    steady state a running server is in, not the minutes after a seed."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
