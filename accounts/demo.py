"""Demo seeding step of the accounts app (grids/management/commands/seed_district.py)."""

from django.db.models import F

from .models import Notification


def seed_notices_delivered(ctx) -> str:
    """The seed's services send notices as a live district would (slips, reminders, scores),
    but nobody is there to receive the past ones: they are created as delivered at the time
    they were sent, so the redelivery sweep starts with no backlog of demo notices."""
    count = Notification.objects.undelivered().update(delivered_at=F("created_at"))
    return f"{count:,} notices marked delivered"
