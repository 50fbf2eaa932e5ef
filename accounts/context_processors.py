from .models import Notification


def notices(request) -> dict:
    """The unread count in the header: one indexed COUNT per page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notices": lambda: Notification.objects.filter(recipient=user).unread().count()}
