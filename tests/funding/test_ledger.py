import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from funding import selectors, services
from funding.models import Account, Period, StreetMonthLock, Voucher, VoucherLine, VoucherStatus
from funding.services import LineSpec
from gridgov.errors import Conflict, InvalidInput, NotAllowed

from .conftest import YEAR, allocate

pytestmark = pytest.mark.django_db


def assert_books_balance():
    tb = selectors.trial_balance()
    assert tb.balanced, (tb.debit_fen, tb.credit_fen, tb.unbalanced_vouchers)
    assert sum(r.debit_fen - r.credit_fen for r in tb.rows) == 0


def raw(sql, params=()):
    """Run raw SQL in a savepoint and return the database's refusal, if any."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except IntegrityError as exc:
        return str(exc)
    return None


@pytest.fixture
def posted(people, budgets, streets):
    return allocate(budgets["中心街街道"], 1, maker=people.center, approver=people.admin)


def test_an_allocation_posts_balanced_with_the_next_number_and_the_books_balance(people, budgets, posted):
    assert posted.status == VoucherStatus.POSTED
    assert posted.number == 1
    assert posted.approved_by == people.admin
    assert posted.made_by == people.center
    second = allocate(budgets["税郭镇"], 1, maker=people.center, approver=people.admin)
    assert second.number == 2
    assert_books_balance()


def test_the_maker_cannot_approve_their_own_voucher(people, budgets):
    draft = services.allocation_prepare(actor=people.center, budget=budgets["中心街街道"], month=1)
    with pytest.raises(NotAllowed, match="cannot also approve"):
        services.voucher_post(actor=people.center, voucher=draft)
    assert Voucher.objects.get(pk=draft.pk).status == VoucherStatus.DRAFT


def test_the_database_refuses_a_posting_approved_by_its_maker(people, budgets):
    draft = services.allocation_prepare(actor=people.center, budget=budgets["中心街街道"], month=1)
    refusal = raw(
        "UPDATE funding_voucher SET status='posted', number=1, approved_by_id=%s, posted_at=%s WHERE id=%s",
        [people.center.pk, datetime.datetime(YEAR, 1, 2), draft.pk],
    )
    assert refusal
    assert "maker_not_approver" in refusal


def test_an_unbalanced_voucher_is_refused_with_the_difference(people, streets):
    accounts = services.street_accounts(streets["中心街街道"])
    with pytest.raises(InvalidInput, match="does not balance"):
        services.voucher_create(
            actor=people.center,
            street=streets["中心街街道"],
            date=datetime.date(YEAR, 1, 5),
            kind="adjustment",
            memo="unbalanced",
            lines=[LineSpec(accounts["allocation"], debit_fen=100), LineSpec(services.fund_account(), credit_fen=99)],
        )
    assert not Voucher.objects.exists()


@pytest.mark.parametrize("amount", [0, -5, 10**13, "abc"])
def test_negative_zero_absurd_or_non_numeric_amounts_are_refused(people, streets, amount):
    accounts = services.street_accounts(streets["中心街街道"])
    with pytest.raises(InvalidInput):
        services.voucher_create(
            actor=people.center,
            street=streets["中心街街道"],
            date=datetime.date(YEAR, 1, 5),
            kind="adjustment",
            memo="bad amount",
            lines=[
                LineSpec(accounts["allocation"], debit_fen=amount),
                LineSpec(services.fund_account(), credit_fen=amount),
            ],
        )


def test_the_database_refuses_an_unbalanced_posting_even_by_raw_sql(people, budgets):
    draft = services.allocation_prepare(actor=people.center, budget=budgets["中心街街道"], month=1)
    line = draft.lines.filter(debit_fen__gt=0).get()
    assert raw("UPDATE funding_voucherline SET debit_fen = debit_fen + 1 WHERE id=%s", [line.pk]) is None
    refusal = raw(
        "UPDATE funding_voucher SET status='posted', number=1, approved_by_id=%s, posted_at=%s WHERE id=%s",
        [people.admin.pk, datetime.datetime(YEAR, 1, 2), draft.pk],
    )
    assert refusal
    assert "debits equal" in refusal
    with pytest.raises(InvalidInput, match="does not balance"):
        services.voucher_post(actor=people.admin, voucher=draft)


def test_a_voucher_cannot_be_inserted_already_posted(people, streets, posted):
    refusal = raw(
        "INSERT INTO funding_voucher (period_id, number, date, kind, status, street_id, memo, made_by_id, made_at,"
        " approved_by_id, posted_at) VALUES (%s, 99, %s, 'adjustment', 'posted', %s, 'x', %s, %s, %s, %s)",
        [posted.period_id, posted.date, posted.street_id, people.center.pk, posted.made_at, people.admin.pk,
         posted.made_at],
    )  # fmt: skip
    assert refusal
    assert "draft" in refusal


def test_a_posted_voucher_cannot_be_updated_or_deleted_even_by_raw_sql(posted):
    line = posted.lines.first()
    assert "cannot be changed" in raw("UPDATE funding_voucher SET memo='changed' WHERE id=%s", [posted.pk])
    assert "cannot be deleted" in raw("DELETE FROM funding_voucher WHERE id=%s", [posted.pk])
    assert "cannot be changed" in raw("UPDATE funding_voucherline SET debit_fen=1 WHERE id=%s", [line.pk])
    assert "cannot be changed" in raw("DELETE FROM funding_voucherline WHERE id=%s", [line.pk])
    assert "cannot be changed" in raw(
        "INSERT INTO funding_voucherline (voucher_id, account_id, debit_fen, credit_fen, memo)"
        " VALUES (%s, %s, 5, 0, '')",
        [posted.pk, line.account_id],
    )
    fresh = Voucher.objects.get(pk=posted.pk)
    assert fresh.memo == posted.memo
    assert fresh.lines.count() == 2
    assert_books_balance()


def test_a_posted_voucher_cannot_be_changed_through_the_orm_either(posted):
    posted.memo = "edited"
    with pytest.raises(IntegrityError), transaction.atomic():
        posted.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        VoucherLine.objects.filter(voucher=posted).update(memo="x")


def test_a_reversal_points_at_the_original_and_nets_every_account_to_zero(people, posted):
    before = {a.pk: a.debit_fen - a.credit_fen for a in selectors.account_balances(None)}
    draft = services.voucher_reverse(actor=people.center, voucher=posted, date=datetime.date(YEAR, 2, 1))
    reversal = services.voucher_post(actor=people.admin, voucher=draft)
    assert reversal.reverses == posted
    assert reversal.kind == "reversal"
    assert all(v == 0 for v in (a.debit_fen - a.credit_fen for a in selectors.account_balances(None)))
    assert any(before.values())
    with pytest.raises(Conflict, match="already has a reversal"):
        services.voucher_reverse(actor=people.center, voucher=posted)
    assert_books_balance()


def test_a_closed_month_refuses_postings_in_the_service_and_in_the_database(people, budgets):
    draft = services.allocation_prepare(actor=people.center, budget=budgets["中心街街道"], month=2)
    services.period_close(actor=people.center, year=YEAR, month=2)
    with pytest.raises(Conflict, match="closed"):
        services.voucher_post(actor=people.admin, voucher=draft)
    refusal = raw(
        "UPDATE funding_voucher SET status='posted', number=1, approved_by_id=%s, posted_at=%s WHERE id=%s",
        [people.admin.pk, datetime.datetime(YEAR, 2, 2), draft.pk],
    )
    assert refusal
    assert "closed" in refusal
    assert "stays closed" in raw("UPDATE funding_period SET status='open' WHERE year=%s AND month=2", [YEAR])
    with pytest.raises(Conflict, match="closed"):
        services.allocation_prepare(actor=people.center, budget=budgets["税郭镇"], month=2)
    assert Period.objects.get(year=YEAR, month=2).status == "closed"


def test_a_locked_street_month_refuses_postings_and_the_lock_cannot_be_removed(people, budgets, streets):
    draft = services.allocation_prepare(actor=people.center, budget=budgets["中心街街道"], month=3)
    period = services.period_for(datetime.date(YEAR, 3, 1))
    StreetMonthLock.objects.create(street=streets["中心街街道"], period=period, locked_by=people.auditor)
    with pytest.raises(Conflict, match="locked"):
        services.voucher_post(actor=people.admin, voucher=draft)
    assert "locked" in raw(
        "UPDATE funding_voucher SET status='posted', number=1, approved_by_id=%s, posted_at=%s WHERE id=%s",
        [people.admin.pk, datetime.datetime(YEAR, 3, 2), draft.pk],
    )
    assert "removed" in raw("DELETE FROM funding_streetmonthlock WHERE period_id=%s", [period.pk])
    # Other streets post as usual.
    allocate(budgets["税郭镇"], 3, maker=people.center, approver=people.admin)


def test_voucher_numbers_are_gapless_per_period_even_after_a_refused_posting(people, budgets, streets):
    zx = budgets["中心街街道"]
    first = allocate(zx, 1, maker=people.center, approver=people.admin)
    bad = services.allocation_prepare(actor=people.center, budget=zx, month=2)
    with pytest.raises(NotAllowed):
        services.voucher_post(actor=people.center, voucher=bad)
    second = allocate(budgets["税郭镇"], 1, maker=people.center, approver=people.admin)
    services.voucher_post(actor=people.admin, voucher=bad)
    assert [first.number, second.number] == [1, 2]
    assert Voucher.objects.get(pk=bad.pk).number == 1  # the first of February


def test_auditors_and_street_officers_cannot_make_or_post_vouchers(people, budgets):
    for who in (people.auditor, people.zhongxin):
        with pytest.raises(NotAllowed):
            services.allocation_prepare(actor=who, budget=budgets["中心街街道"], month=1)
    draft = services.allocation_prepare(actor=people.center, budget=budgets["中心街街道"], month=1)
    with pytest.raises(NotAllowed):
        services.voucher_post(actor=people.auditor, voucher=draft)


def test_a_voucher_cannot_use_another_streets_account(people, streets):
    other = services.street_accounts(streets["税郭镇"])
    with pytest.raises(InvalidInput, match="another street"):
        services.voucher_create(
            actor=people.center,
            street=streets["中心街街道"],
            date=datetime.date(YEAR, 1, 5),
            kind="adjustment",
            memo="x",
            lines=[LineSpec(other["allocation"], debit_fen=5), LineSpec(services.fund_account(), credit_fen=5)],
        )


def test_a_draft_can_be_discarded_and_a_posted_voucher_cannot(people, posted, budgets):
    draft = services.allocation_prepare(actor=people.center, budget=budgets["中心街街道"], month=2)
    services.voucher_discard(actor=people.center, voucher=draft)
    assert not Voucher.objects.filter(pk=draft.pk).exists()
    with pytest.raises(Conflict):
        services.voucher_discard(actor=people.center, voucher=posted)
    assert Account.objects.filter(code="1001").exists()
