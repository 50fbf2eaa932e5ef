import json
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.sections import section_page
from gridgov import xlsx
from gridgov.errors import InvalidInput

from . import selectors
from .models import Action

FILTERS = ("who", "model", "since", "until")
EXPORT_LIMIT = 50_000


def _filters(request) -> dict[str, str]:
    return {key: request.GET.get(key, "")[:60] for key in FILTERS}


@section_page("audit-log")
def audit_log(request):
    """The audit trail (审计日志) for the supervision bureau and admins: who changed which
    record, when, what changed (personal data masked) and why; filters and pages of 50."""
    filters = _filters(request)
    error = None
    try:
        qs = selectors.audit_entries(**filters)
    except InvalidInput as exc:
        error, qs = exc, selectors.audit_entries(**{**filters, "since": "", "until": ""})
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    labels = dict(Action.choices)
    rows = [{"entry": e, "action": labels.get(e.action, e.action), "changes": _changes(e.changes)} for e in page]
    query = urlencode({k: v for k, v in filters.items() if v})  # the export takes the same filters
    return render(
        request,
        "audit/log.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "models": selectors.audit_models(),
            "error": error,
            "query": query,
        },
        status=error.status_code if error else 200,
    )


def _changes(changes: dict) -> list[tuple[str, str, str]]:
    def text(value) -> str:
        if value is None:
            return "—"
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)

    return [(field, text(pair[0]), text(pair[1])) for field, pair in (changes or {}).items()]


@section_page("audit-log")
def audit_export(request):
    """The filtered trail as .xlsx (through the one writer), newest first."""
    qs = selectors.audit_entries(**_filters(request))[:EXPORT_LIMIT]
    book = xlsx.workbook()
    sheet = book.create_sheet(_("Audit trail"))
    headings = [_("Time of change"), _("Changed by"), _("Action"), _("Record type"), _("Changed record")]
    xlsx.append(sheet, [*headings, _("Changes"), _("Reason")])
    labels = dict(Action.choices)
    for e in qs.iterator(chunk_size=2000):
        xlsx.append(
            sheet,
            [
                timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                e.actor_label,
                labels.get(e.action, e.action),
                e.model,
                f"{e.object_label} #{e.object_id}",
                "; ".join(f"{f}: {b} → {a}" for f, b, a in _changes(e.changes)),
                e.reason,
            ],
        )
    return xlsx.response(xlsx.to_bytes(book), f"audit-{timezone.localdate():%Y%m%d}")
