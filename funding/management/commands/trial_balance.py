from django.core.management.base import BaseCommand, CommandError

from funding import selectors
from funding.models import yuan


class Command(BaseCommand):
    help = (
        "Print every ledger account's posted debits, credits and balance, and the totals. "
        "Exits non-zero if the books do not balance. Reads only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="one calendar year (default: all years)")

    def handle(self, *args, year=None, **options):
        tb = selectors.trial_balance(year)
        self.stdout.write(f"Trial balance {year or '(all years)'}")
        self.stdout.write(f"{'account':<24} {'name':<28} {'debit':>18} {'credit':>18} {'balance':>18}")
        for row in tb.rows:
            if not (row.debit_fen or row.credit_fen):
                continue
            self.stdout.write(
                f"{row.code:<24} {row.name[:14]:<28} {yuan(row.debit_fen):>18} {yuan(row.credit_fen):>18} "
                f"{yuan(row.balance_fen):>18}"
            )
        self.stdout.write(
            f"{'TOTAL':<24} {'':<28} {yuan(tb.debit_fen):>18} {yuan(tb.credit_fen):>18} "
            f"{yuan(tb.debit_fen - tb.credit_fen):>18}"
        )
        if not tb.balanced:
            raise CommandError(
                f"The books do not balance: debits {yuan(tb.debit_fen)}, credits {yuan(tb.credit_fen)}; "
                f"unbalanced vouchers: {tb.unbalanced_vouchers or 'none'}"
            )
        self.stdout.write(self.style.SUCCESS("The books balance."))
