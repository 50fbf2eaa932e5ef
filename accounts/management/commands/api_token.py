"""Make, list and revoke API tokens (docs/api.md).

    manage.py api_token create USERNAME --name "nightly export" [--days 90] --commit
    manage.py api_token list [USERNAME]
    manage.py api_token revoke PREFIX --commit

`create` prints the token once; only its SHA-256 is kept.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import ApiToken, User
from accounts.tokens import api_token_create, api_token_revoke
from gridgov.errors import DomainError


class Command(BaseCommand):
    help = "Make, list and revoke API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("username")
        create.add_argument("--name", required=True)
        create.add_argument("--days", type=int, default=None, help="valid for this many days (default: no expiry)")
        create.add_argument("--commit", action="store_true")
        listing = sub.add_parser("list")
        listing.add_argument("username", nargs="?")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("prefix")
        revoke.add_argument("--commit", action="store_true")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"do_{action}")(**options)
        except DomainError as error:
            raise CommandError(error.message) from error

    def do_create(self, *, username, name, days, commit, **_):
        owner = User.objects.filter(username=username).first()
        if owner is None:
            raise CommandError(f"no user {username!r}")
        expires_at = timezone.now() + datetime.timedelta(days=days) if days else None
        self.stdout.write(f"token {name!r} for {username}, expires {expires_at or 'never'}")
        if not commit:
            self.stdout.write("dry run: add --commit to make it")
            return
        _token, plaintext = api_token_create(actor=None, owner=owner, name=name, expires_at=expires_at)
        self.stdout.write("made; the token (shown this once):")
        self.stdout.write(plaintext)

    def do_list(self, *, username=None, **_):
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "-created_at")
        if username:
            tokens = tokens.filter(user__username=username)
        for token in tokens:
            state = "revoked" if token.revoked_at else "usable" if token.is_usable else "expired"
            self.stdout.write(
                f"{token.prefix}  {token.user.username}  {token.name!r}  {state}  "
                f"created {token.created_at:%Y-%m-%d}  last used {token.last_used_at or '-'}"
            )

    def do_revoke(self, *, prefix, commit, **_):
        token = ApiToken.objects.filter(prefix=prefix).first()
        if token is None:
            raise CommandError(f"no token with prefix {prefix!r}")
        self.stdout.write(f"revoke {token}")
        if not commit:
            self.stdout.write("dry run: add --commit to revoke it")
            return
        api_token_revoke(actor=None, token=token)
        self.stdout.write("revoked")
