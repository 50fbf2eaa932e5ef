from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from gridgov.errors import InvalidInput
from gridgov.personal_data import mask_name

from . import selectors
from .models import Notification
from .sections import section_page
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


FIELD_LABELS = {
    "id_number": _("ID number"),
    "phone": _("Phone"),
    "contact_phone": _("Contact phone"),
    "reporter_name": _("Reporter's name"),
    "reporter_phone": _("Reporter's phone"),
}
KIND_LABELS = {"resident": _("Resident"), "organisation": _("Organisation"), "appeal": _("Appeal")}


def _masked_subject(subject: str) -> str:
    # Appeals are logged as "#123"; people by name, shown here by surname only.
    return subject if subject.startswith("#") else mask_name(subject)


@section_page("reveal-log")
def reveal_log(request):
    """Who saw whose personal data in full, which field, why and when (查看明文记录), for the
    district's supervisors; filters and pages of 50."""
    filters = {key: request.GET.get(key, "")[:50] for key in ("who", "field", "kind", "since", "until")}
    error = None
    try:
        qs = selectors.reveal_log(**filters)
    except InvalidInput as exc:
        error, qs = exc, selectors.reveal_log(**{**filters, "since": "", "until": ""})
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = [
        {
            "log": log,
            "subject": _masked_subject(log.subject),
            "field": FIELD_LABELS.get(log.field, log.field),
            "kind": KIND_LABELS.get(log.content_type.model, log.content_type.model),
        }
        for log in page.object_list
    ]
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    return render(
        request,
        "accounts/reveal_log.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "fields": FIELD_LABELS,
            "kinds": KIND_LABELS,
            "error": error,
            "query": query,
        },
        status=error.status_code if error else 200,
    )
