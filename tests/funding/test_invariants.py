"""Property-based: random sequences of ledger operations keep every invariant."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funding import selectors, services
from funding.models import Period, Voucher, VoucherStatus
from funding.services import LineSpec
from gridgov.errors import DomainError

from .conftest import YEAR

pytestmark = pytest.mark.django_db

operation = st.one_of(
    st.tuples(st.just("adjust"), st.integers(0, 1), st.integers(1, 12), st.integers(-10, 10**9), st.integers(0, 5)),
    st.tuples(st.just("reverse"), st.integers(0, 50), st.integers(1, 12)),
    st.tuples(st.just("close"), st.integers(1, 12)),
    st.tuples(st.just("tamper"), st.integers(0, 50)),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(ops=st.lists(operation, min_size=1, max_size=12))
def test_random_posting_sequences_keep_the_books_balanced_numbered_and_immutable(people, streets, ops):
    street_list = [streets["中心街街道"], streets["税郭镇"]]
    with transaction.atomic():
        fund = services.fund_account()
        accounts = [services.street_accounts(s) for s in street_list]
        categories = ["allocation", "manager_subsidy", "devices", "training", "printing", "other"]
        snapshots: dict[int, tuple] = {}
        for op in ops:
            try:
                with transaction.atomic():
                    if op[0] == "adjust":
                        _, si, month, fen, cat = op
                        draft = services.voucher_create(
                            actor=people.center,
                            street=street_list[si],
                            date=datetime.date(YEAR, month, 15),
                            kind="adjustment",
                            memo="random",
                            lines=[
                                LineSpec(accounts[si][categories[cat]], debit_fen=fen),
                                LineSpec(fund, credit_fen=fen),
                            ],
                        )
                        services.voucher_post(actor=people.admin, voucher=draft)
                    elif op[0] == "reverse":
                        posted = list(Voucher.objects.posted().order_by("id"))
                        if posted:
                            original = posted[op[1] % len(posted)]
                            draft = services.voucher_reverse(
                                actor=people.center, voucher=original, date=datetime.date(YEAR, op[2], 20)
                            )
                            services.voucher_post(actor=people.admin, voucher=draft)
                    elif op[0] == "close":
                        services.period_close(actor=people.center, year=YEAR, month=op[1])
                    elif op[0] == "tamper":
                        posted = list(Voucher.objects.posted().order_by("id"))
                        if posted:
                            victim = posted[op[1] % len(posted)]
                            with connection.cursor() as cursor:
                                cursor.execute(
                                    "UPDATE funding_voucherline SET debit_fen = debit_fen + 1 "
                                    "WHERE voucher_id = %s AND debit_fen > 0",
                                    [victim.pk],
                                )
            except (DomainError, IntegrityError):
                pass
            # After every operation: the books balance, every posted voucher is unchanged,
            # and each period's numbers run 1..n without a gap.
            tb = selectors.trial_balance()
            assert tb.balanced
            for v in Voucher.objects.posted().prefetch_related("lines"):
                state = (v.number, v.memo, tuple((li.account_id, li.debit_fen, li.credit_fen) for li in v.lines.all()))
                assert snapshots.setdefault(v.pk, state) == state
            for period in Period.objects.all():
                numbers = sorted(period.vouchers.filter(status=VoucherStatus.POSTED).values_list("number", flat=True))
                assert numbers == list(range(1, len(numbers) + 1))
                assert period.next_number == len(numbers) + 1
            assert (
                not Voucher.objects.filter(status=VoucherStatus.POSTED, period__status="closed")
                .exclude(pk__in=list(snapshots))
                .exists()
            )
        transaction.set_rollback(True)
