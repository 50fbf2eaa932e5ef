"""The ledger's rules, in the database itself (SQLite and PostgreSQL), so that no path
around the services (the admin, a shell, raw SQL) can break them:

- a voucher is inserted as a draft; it posts only if it has two or more lines and its
  debits equal its credits, and only into an open month not locked for its street;
- a posted voucher and its lines can be neither updated nor deleted;
- a closed period never reopens; a street-month lock is never removed.

Both vendors raise SQLSTATE class 23 (integrity), which Django turns into IntegrityError.
"""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER funding_voucher_insert_draft BEFORE INSERT ON funding_voucher
    WHEN NEW.status <> 'draft'
    BEGIN SELECT RAISE(ABORT, 'funding: a voucher is created as a draft and posted afterwards'); END""",
    """CREATE TRIGGER funding_voucher_posted_immutable BEFORE UPDATE ON funding_voucher
    WHEN OLD.status = 'posted'
    BEGIN SELECT RAISE(ABORT, 'funding: a posted voucher cannot be changed; post a reversal instead'); END""",
    """CREATE TRIGGER funding_voucher_posted_undeletable BEFORE DELETE ON funding_voucher
    WHEN OLD.status = 'posted'
    BEGIN SELECT RAISE(ABORT, 'funding: a posted voucher cannot be deleted; post a reversal instead'); END""",
    """CREATE TRIGGER funding_voucher_post_balanced BEFORE UPDATE ON funding_voucher
    WHEN NEW.status = 'posted' AND (
        (SELECT COUNT(*) FROM funding_voucherline WHERE voucher_id = NEW.id) < 2
        OR (SELECT COALESCE(SUM(debit_fen), 0) - COALESCE(SUM(credit_fen), 0)
            FROM funding_voucherline WHERE voucher_id = NEW.id) <> 0)
    BEGIN SELECT RAISE(ABORT, 'funding: a voucher posts only if its debits equal its credits'); END""",
    """CREATE TRIGGER funding_voucher_post_open_period BEFORE UPDATE ON funding_voucher
    WHEN NEW.status = 'posted'
        AND EXISTS (SELECT 1 FROM funding_period WHERE id = NEW.period_id AND status = 'closed')
    BEGIN SELECT RAISE(ABORT, 'funding: the month is closed to postings'); END""",
    """CREATE TRIGGER funding_voucher_post_unlocked BEFORE UPDATE ON funding_voucher
    WHEN NEW.status = 'posted' AND EXISTS (
        SELECT 1 FROM funding_streetmonthlock WHERE street_id = NEW.street_id AND period_id = NEW.period_id)
    BEGIN SELECT RAISE(ABORT, 'funding: the month is locked for this street'); END""",
    """CREATE TRIGGER funding_line_insert_draft BEFORE INSERT ON funding_voucherline
    WHEN (SELECT status FROM funding_voucher WHERE id = NEW.voucher_id) = 'posted'
    BEGIN SELECT RAISE(ABORT, 'funding: lines of a posted voucher cannot be changed'); END""",
    """CREATE TRIGGER funding_line_update_draft BEFORE UPDATE ON funding_voucherline
    WHEN (SELECT status FROM funding_voucher WHERE id = OLD.voucher_id) = 'posted'
        OR (SELECT status FROM funding_voucher WHERE id = NEW.voucher_id) = 'posted'
    BEGIN SELECT RAISE(ABORT, 'funding: lines of a posted voucher cannot be changed'); END""",
    """CREATE TRIGGER funding_line_delete_draft BEFORE DELETE ON funding_voucherline
    WHEN (SELECT status FROM funding_voucher WHERE id = OLD.voucher_id) = 'posted'
    BEGIN SELECT RAISE(ABORT, 'funding: lines of a posted voucher cannot be changed'); END""",
    """CREATE TRIGGER funding_period_stays_closed BEFORE UPDATE ON funding_period
    WHEN OLD.status = 'closed'
    BEGIN SELECT RAISE(ABORT, 'funding: a closed month stays closed'); END""",
    """CREATE TRIGGER funding_period_undeletable BEFORE DELETE ON funding_period
    BEGIN SELECT RAISE(ABORT, 'funding: accounting periods are never deleted'); END""",
    """CREATE TRIGGER funding_lock_no_update BEFORE UPDATE ON funding_streetmonthlock
    BEGIN SELECT RAISE(ABORT, 'funding: a street-month lock cannot be changed'); END""",
    """CREATE TRIGGER funding_lock_no_delete BEFORE DELETE ON funding_streetmonthlock
    BEGIN SELECT RAISE(ABORT, 'funding: a street-month lock cannot be removed'); END""",
]

SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "funding_voucher_insert_draft",
        "funding_voucher_posted_immutable",
        "funding_voucher_posted_undeletable",
        "funding_voucher_post_balanced",
        "funding_voucher_post_open_period",
        "funding_voucher_post_unlocked",
        "funding_line_insert_draft",
        "funding_line_update_draft",
        "funding_line_delete_draft",
        "funding_period_stays_closed",
        "funding_period_undeletable",
        "funding_lock_no_update",
        "funding_lock_no_delete",
    )
]

POSTGRES = [
    """CREATE FUNCTION funding_refuse(message text) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation', MESSAGE = message; END $$""",
    """CREATE FUNCTION funding_voucher_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'draft' THEN
          PERFORM funding_refuse('funding: a voucher is created as a draft and posted afterwards');
        END IF;
        RETURN NEW;
      END IF;
      IF OLD.status = 'posted' THEN
        IF TG_OP = 'DELETE' THEN
          PERFORM funding_refuse('funding: a posted voucher cannot be deleted; post a reversal instead');
        END IF;
        PERFORM funding_refuse('funding: a posted voucher cannot be changed; post a reversal instead');
      END IF;
      IF TG_OP = 'DELETE' THEN
        RETURN OLD;
      END IF;
      IF NEW.status = 'posted' THEN
        IF (SELECT COUNT(*) FROM funding_voucherline WHERE voucher_id = NEW.id) < 2
           OR (SELECT COALESCE(SUM(debit_fen), 0) - COALESCE(SUM(credit_fen), 0)
               FROM funding_voucherline WHERE voucher_id = NEW.id) <> 0 THEN
          PERFORM funding_refuse('funding: a voucher posts only if its debits equal its credits');
        END IF;
        IF EXISTS (SELECT 1 FROM funding_period WHERE id = NEW.period_id AND status = 'closed') THEN
          PERFORM funding_refuse('funding: the month is closed to postings');
        END IF;
        IF EXISTS (SELECT 1 FROM funding_streetmonthlock
                   WHERE street_id = NEW.street_id AND period_id = NEW.period_id) THEN
          PERFORM funding_refuse('funding: the month is locked for this street');
        END IF;
      END IF;
      RETURN NEW;
    END $$""",
    """CREATE TRIGGER funding_voucher_guard BEFORE INSERT OR UPDATE OR DELETE ON funding_voucher
    FOR EACH ROW EXECUTE FUNCTION funding_voucher_guard()""",
    """CREATE FUNCTION funding_line_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF (TG_OP <> 'INSERT' AND EXISTS (
            SELECT 1 FROM funding_voucher WHERE id = OLD.voucher_id AND status = 'posted'))
         OR (TG_OP <> 'DELETE' AND EXISTS (
            SELECT 1 FROM funding_voucher WHERE id = NEW.voucher_id AND status = 'posted')) THEN
        PERFORM funding_refuse('funding: lines of a posted voucher cannot be changed');
      END IF;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END $$""",
    """CREATE TRIGGER funding_line_guard BEFORE INSERT OR UPDATE OR DELETE ON funding_voucherline
    FOR EACH ROW EXECUTE FUNCTION funding_line_guard()""",
    """CREATE FUNCTION funding_period_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        PERFORM funding_refuse('funding: accounting periods are never deleted');
      END IF;
      IF OLD.status = 'closed' THEN
        PERFORM funding_refuse('funding: a closed month stays closed');
      END IF;
      RETURN NEW;
    END $$""",
    """CREATE TRIGGER funding_period_guard BEFORE UPDATE OR DELETE ON funding_period
    FOR EACH ROW EXECUTE FUNCTION funding_period_guard()""",
    """CREATE FUNCTION funding_lock_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM funding_refuse('funding: a street-month lock cannot be changed or removed');
      RETURN NULL;
    END $$""",
    """CREATE TRIGGER funding_lock_guard BEFORE UPDATE OR DELETE ON funding_streetmonthlock
    FOR EACH ROW EXECUTE FUNCTION funding_lock_guard()""",
]

POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS funding_lock_guard ON funding_streetmonthlock",
    "DROP FUNCTION IF EXISTS funding_lock_guard()",
    "DROP TRIGGER IF EXISTS funding_period_guard ON funding_period",
    "DROP FUNCTION IF EXISTS funding_period_guard()",
    "DROP TRIGGER IF EXISTS funding_line_guard ON funding_voucherline",
    "DROP FUNCTION IF EXISTS funding_line_guard()",
    "DROP TRIGGER IF EXISTS funding_voucher_guard ON funding_voucher",
    "DROP FUNCTION IF EXISTS funding_voucher_guard()",
    "DROP FUNCTION IF EXISTS funding_refuse(text)",
]


def statements(schema_editor, *, forward: bool) -> list[str]:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        return SQLITE if forward else SQLITE_DROP
    if vendor == "postgresql":
        return POSTGRES if forward else POSTGRES_DROP
    raise NotImplementedError(f"funding: the ledger triggers exist for SQLite and PostgreSQL, not {vendor}")


def create(apps, schema_editor):
    for sql in statements(schema_editor, forward=True):
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    for sql in statements(schema_editor, forward=False):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
