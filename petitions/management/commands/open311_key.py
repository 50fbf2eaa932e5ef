from django.core.management.base import BaseCommand, CommandError

from gridgov.errors import DomainError
from petitions.models import Open311Key
from petitions.services import open311_key_create, open311_key_revoke


class Command(BaseCommand):
    help = (
        "Issue an Open311 API key for a client system (printed once; only its hash is stored), "
        "revoke one with --revoke, or --list them."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="the client system's name")
        parser.add_argument("--revoke", action="store_true", help="revoke the key of NAME")
        parser.add_argument("--list", action="store_true", help="list the clients and their keys' state")

    def handle(self, *args, name, revoke, list, **options):
        if list:
            for key in Open311Key.objects.order_by("name"):
                state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
                self.stdout.write(f"{key.name:<30} {key.prefix}…  {state}")
            return
        if not name:
            raise CommandError("Name the client system: manage.py open311_key NAME")
        try:
            if revoke:
                open311_key_revoke(actor=None, name=name)
                self.stdout.write(f"Revoked the Open311 key of {name}.")
                return
            _row, key = open311_key_create(actor=None, name=name)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Open311 API key for {name} (shown only now; store it in the client):\n{key}")
