"""Funding benchmark (issue 6), on the paper-scale demo district.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridgov_bench .venv/bin/python bench/bench_funding.py
    .venv/bin/python bench/bench_funding.py --reseed            # SQLite file var/bench_funding.sqlite3

Seeds `seed_district --scale paper` into its own database once (again with --reseed), then
measures: the trial balance, the auditors' budget-vs-actual page and endpoint, the flags,
the ledger page (median ms and queries), and voucher posting throughput (create + post,
rolled back afterwards, so the data stays as seeded). Prints a Markdown table.
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

from common import machine, setup_django

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def timed(fn, runs: int) -> tuple[float, int]:
    """Median milliseconds of `runs` calls, and the queries of the last one."""
    from django.db import connection, reset_queries

    samples, queries = [], 0
    for _ in range(runs):
        reset_queries()
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
        queries = len(connection.queries)
    return statistics.median(samples), queries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--postings", type=int, default=500)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench_funding.sqlite3'}")
    setup_django(url)

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction
    from django.db.models import Sum
    from django.test import Client
    from django.test.utils import setup_test_environment

    from funding import selectors, services
    from funding.models import Budget, ExpenseLine, Voucher, VoucherLine
    from grids.models import GridNode, Level

    settings.DEBUG = True  # record queries
    setup_test_environment()
    seed_seconds = None
    if args.reseed or not Budget.objects.exists():
        started = time.perf_counter()
        call_command("seed_district", "--scale", "paper", "--reset", verbosity=0)
        seed_seconds = time.perf_counter() - started
    year = Budget.objects.order_by("-year").values_list("year", flat=True).first()
    User = get_user_model()
    auditor, center, admin = (User.objects.get(username=u) for u in ("auditor", "center", "admin"))
    zhongxin = User.objects.get(username="zhongxin")
    client = Client()
    client.force_login(auditor)
    street_client = Client()
    street_client.force_login(zhongxin)

    def get(c, path):
        def call():
            response = c.get(path)
            assert response.status_code == 200, (path, response.status_code)

        return call

    rows = []
    district = GridNode.objects.get(level=Level.DISTRICT)
    total_fen = Budget.objects.filter(year=year).aggregate(s=Sum("amount_fen"))["s"]
    assert total_fen == 6000 * district.households, (total_fen, district.households)
    rows.append(
        (
            f"district budget {year}: 60 yuan × {district.households:,} households = sum of the 11 streets' budgets",
            f"{total_fen / 100:,.2f} yuan",
            "",
        )
    )
    if seed_seconds is not None:
        rows.append(("`seed_district --scale paper` (whole command)", f"{seed_seconds:.1f} s", ""))
    tb_ms, tb_q = timed(lambda: selectors.trial_balance(year), args.runs)
    tb = selectors.trial_balance(year)
    assert tb.balanced
    rows.append((f"trial balance {year} ({len(tb.rows)} accounts, all vouchers checked)", f"{tb_ms:.1f} ms", tb_q))
    started = time.perf_counter()
    call_command("trial_balance", "--year", str(year), stdout=io.StringIO())
    rows.append(("`manage.py trial_balance` command", f"{(time.perf_counter() - started) * 1000:.0f} ms", ""))
    for label, c, path in [
        ("page: budget vs actual, 11 streets × 12 months (auditor)", client, f"/funding/budget/?year={year}"),
        ("API: /api/funding/budget-vs-actual/ (auditor)", client, f"/api/funding/budget-vs-actual/?year={year}"),
        ("page: budget vs actual (street officer, own street)", street_client, f"/funding/budget/?year={year}"),
        ("API: /api/funding/flags/ for the year (auditor)", client, f"/api/funding/flags/?year={year}"),
        ("page: ledger, all accounts with balances", client, f"/funding/ledger/?year={year}"),
        ("page: funding home (auditor)", client, f"/funding/?year={year}"),
        ("API: /api/funding/reports/ (50 per page)", client, f"/api/funding/reports/?year={year}"),
        ("export: budget vs actual .xlsx", client, f"/funding/budget/?year={year}&format=xlsx"),
    ]:
        ms, q = timed(get(c, path), args.runs)
        rows.append((label, f"{ms:.1f} ms", q))

    street = GridNode.objects.filter(level=Level.STREET).order_by("code").first()
    accounts = services.street_accounts(street)
    fund = services.fund_account()
    import datetime

    day = datetime.date(year + 1, 1, 15)  # an open month no report has locked
    with transaction.atomic():
        settings.DEBUG = False
        started = time.perf_counter()
        for i in range(args.postings):
            draft = services.voucher_create(
                actor=center,
                street=street,
                date=day,
                kind="adjustment",
                memo=f"bench {i}",
                lines=[
                    services.LineSpec(accounts["devices"], debit_fen=100 + i),
                    services.LineSpec(fund, credit_fen=100 + i),
                ],
            )
            services.voucher_post(actor=admin, voucher=draft)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    rows.append((f"posting: create + post {args.postings} vouchers in one month (gapless numbers)",
                 f"{args.postings / seconds:.0f} vouchers/s", ""))  # fmt: skip

    vendor = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"\n{time.strftime('%Y-%m-%d')}, {machine()}, {vendor}.")
    print(
        f"Data: {Voucher.objects.count():,} vouchers, {VoucherLine.objects.count():,} voucher lines, "
        f"{ExpenseLine.objects.count():,} report lines ({year}).\n"
    )
    print("| measure | median | queries |\n|---|---|---|")
    for label, value, queries in rows:
        print(f"| {label} | {value} | {queries} |")


if __name__ == "__main__":
    main()
