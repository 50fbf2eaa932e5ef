from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gridgov.errors import DomainError
from grids.models import GridNode
from residents.importing import registry_import


class Command(BaseCommand):
    help = (
        "Import households and residents from an .xlsx sheet (the layout of `registry_template.xlsx`, "
        "downloadable from the import page) into a grid node. Checks every row and reports every bad one; "
        "writes only with --commit, and then all rows or none."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the .xlsx file")
        parser.add_argument("--node", required=True, help="code of the grid node the households belong to")
        parser.add_argument("--commit", action="store_true", help="write (default: a dry run that only checks)")

    def handle(self, *args, path, node, commit, **options):
        target = GridNode.objects.filter(code=node).first()
        if target is None:
            raise CommandError(f"No grid node with code {node}.")
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        try:
            # The command acts as the system (actor None): whoever may run it may change anything.
            report = registry_import(actor=None, node=target, data=data, commit=commit)
        except DomainError as exc:
            raise CommandError(f"Nothing was imported: {exc.message}") from exc
        self.stdout.write(
            f"{path} → {target}: {report.households:,} households, {report.residents:,} residents, "
            f"{report.tags:,} tags."
        )
        for error in report.errors:
            self.stdout.write(f"  row {error.row}, {error.column}: {error.message}")
        if report.errors:
            raise CommandError(f"{len(report.errors)} bad row(s); nothing was imported. Fix them and run again.")
        if report.committed:
            self.stdout.write(self.style.SUCCESS("Imported."))
        else:
            self.stdout.write("Dry run: all rows are good; nothing was written. Run again with --commit to import.")
