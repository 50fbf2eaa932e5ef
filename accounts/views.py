from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .models import Notification
from .services import notification_mark_read


@login_required
def notifications(request):
    notices = Notification.objects.filter(recipient=request.user)
    if request.GET.get("unread"):
        notices = notices.unread()
    page = Paginator(notices.only("kind", "title", "body", "url", "created_at", "read_at"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request, "accounts/notifications.html", {"page": page, "unread_only": bool(request.GET.get("unread"))}
    )


@require_POST
@login_required
def notifications_read(request):
    """Mark one notice read (and follow its link), or all of them."""
    notice_id = request.POST.get("id")
    if notice_id and notice_id.isdigit():
        notification_mark_read(actor=request.user, ids=[int(notice_id)])
        notice = Notification.objects.filter(recipient=request.user, pk=int(notice_id)).only("url").first()
        if notice and notice.url.startswith("/"):
            return redirect(notice.url)
    else:
        notification_mark_read(actor=request.user)
    return redirect("notifications")
