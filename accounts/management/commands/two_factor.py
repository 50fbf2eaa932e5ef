"""Two-step sign-in for the operator (docs/security.md).

manage.py two_factor reset USERNAME --commit    remove the user's authenticator (lost phone)
manage.py two_factor enrol USERNAME --commit    enrol one now and print its key (base32),
                                                e.g. for the CI smoke test's own account
"""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.twofactor import secret_base32, totp_enrol_for, totp_reset


class Command(BaseCommand):
    help = "Reset or enrol a user's authenticator (TOTP)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["reset", "enrol"])
        parser.add_argument("username")
        parser.add_argument("--commit", action="store_true")

    def handle(self, *args, action, username, commit, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        self.stdout.write(f"{action} the authenticator of {username}")
        if not commit:
            self.stdout.write("dry run: add --commit to do it")
            return
        if action == "reset":
            count = totp_reset(actor=None, user=user)
            self.stdout.write(f"removed {count} device(s); {username} enrols again at the next sign-in")
        else:
            device = totp_enrol_for(actor=None, user=user)
            self.stdout.write(secret_base32(device))
