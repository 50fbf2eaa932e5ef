"""`flush`, able to empty the ledger and the audit trail too.

The ledger's triggers refuse to delete posted vouchers, periods and street-month locks, row
by row. PostgreSQL's flush truncates (row triggers do not fire), but SQLite's deletes rows,
so on SQLite this lifts the triggers for the wipe and puts them back, even when the wipe
fails. `seed_district --reset` and Django's transactional tests flush through here."""

from importlib import import_module

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections

# Each module's SQLITE (CREATE TRIGGER ...) and SQLITE_DROP lists.
TRIGGERS = (import_module("funding.migrations.0002_ledger_triggers"), import_module("audit.triggers"))


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        with connection.cursor() as cursor:
            present = {
                name for (name,) in cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
            }
            lifted = [sql for module in TRIGGERS for sql in module.SQLITE if sql.split()[2] in present]
            for sql in (sql for module in TRIGGERS for sql in module.SQLITE_DROP):
                cursor.execute(sql)
        try:
            return super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                for sql in lifted:
                    cursor.execute(sql)
