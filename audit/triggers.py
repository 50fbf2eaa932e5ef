"""The audit trail's append-only rule, in the database (SQLite and PostgreSQL), so that no
path around `audit.services` (the admin, a shell, raw SQL) can rewrite history:

- an UPDATE of an entry is always refused;
- a DELETE is refused unless the purge gate is open in the deleting transaction AND the entry
  is older than 180 days by the database's own clock (the legal floor, Cybersecurity Law
  art. 21; the setting GRIDGOV_AUDIT_RETENTION_DAYS may keep entries longer, never shorter).

The gate is transaction-local. PostgreSQL: the custom setting `gridgov.audit_purge`, set with
`set_config(..., true)` (is_local), which ends with the transaction and no other session sees.
SQLite has no session variables: a row in `audit_purge_gate`, inserted and removed by
`audit_purge` in one transaction (a rollback removes it too; SQLite has one writer at a time).
Only `audit.services.audit_purge` opens the gate.

Both vendors raise SQLSTATE class 23 (integrity), which Django turns into IntegrityError.
TRUNCATE (PostgreSQL) fires no row trigger; the application's database role should not own
the tables (docs/security.md).
"""

FLOOR = "180 days"

SQLITE_GATE = "CREATE TABLE IF NOT EXISTS audit_purge_gate (opened integer NOT NULL)"

# The triggers alone (funding's `flush` lifts and restores them on SQLite).
SQLITE = [
    """CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry
    BEGIN SELECT RAISE(ABORT, 'audit: entries are append-only and cannot be changed'); END""",
    f"""CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_auditentry
    WHEN NOT EXISTS (SELECT 1 FROM audit_purge_gate) OR OLD.at >= datetime('now', '-{FLOOR}')
    BEGIN SELECT RAISE(ABORT, 'audit: entries are deleted only by audit_purge, after the retention'); END""",
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_entry_no_update",
    "DROP TRIGGER IF EXISTS audit_entry_no_delete",
]

POSTGRES = [
    f"""CREATE FUNCTION audit_entry_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation',
          MESSAGE = 'audit: entries are append-only and cannot be changed';
      END IF;
      IF COALESCE(current_setting('gridgov.audit_purge', true), '') <> 'on'
         OR OLD.at >= now() - interval '{FLOOR}' THEN
        RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation',
          MESSAGE = 'audit: entries are deleted only by audit_purge, after the retention';
      END IF;
      RETURN OLD;
    END $$""",
    """CREATE TRIGGER audit_entry_guard BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_guard()""",
]

POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS audit_entry_guard ON audit_auditentry",
    "DROP FUNCTION IF EXISTS audit_entry_guard()",
]


def statements(vendor: str, *, forward: bool) -> list[str]:
    if vendor == "sqlite":
        return [SQLITE_GATE, *SQLITE] if forward else [*SQLITE_DROP, "DROP TABLE IF EXISTS audit_purge_gate"]
    if vendor == "postgresql":
        return POSTGRES if forward else POSTGRES_DROP
    raise NotImplementedError(f"audit: the append-only triggers exist for SQLite and PostgreSQL, not {vendor}")


def create(execute, vendor: str) -> None:
    for sql in statements(vendor, forward=True):
        execute(sql)


def drop(execute, vendor: str) -> None:
    for sql in statements(vendor, forward=False):
        execute(sql)
