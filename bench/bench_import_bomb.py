"""Benchmark of the registry import's refusal of crafted workbooks (issue 15): how long the
zip-directory check takes to refuse a zip bomb, and the process's peak memory.

    .venv/bin/python bench/bench_import_bomb.py

Prints a Markdown table to paste into docs/benchmarks.md.
"""

import resource
import sys
import time

from common import ROOT, machine, setup_django

sys.path.insert(0, str(ROOT))


def main() -> None:
    setup_django()
    from gridgov.errors import InvalidInput
    from residents.import_sheet import check_archive
    from tests.xlsx_bombs import crafted_workbook, million_empty_rows, one_huge_string

    print(machine())
    print("| crafted file | upload KB | refused as | ms to refuse | peak RSS before → after MB |")
    print("|---|---|---|---|---|")
    for name, parts in [
        ("3,000,000 empty rows", million_empty_rows(3_000_000)),
        ("one 400 MB string", one_huge_string(400)),
    ]:
        data = crafted_workbook(parts)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        try:
            check_archive(data)
            code = "ACCEPTED"
        except InvalidInput as exc:
            code = exc.code
        elapsed = (time.perf_counter() - started) * 1000
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"| {name} | {len(data) / 1024:,.0f} | `{code}` | {elapsed:.2f} | {before:.0f} → {after:.0f} |")


if __name__ == "__main__":
    main()
