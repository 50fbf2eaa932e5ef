"""Pages of the project package that gather several domains on one screen (so that no base app
imports a domain app for them)."""

from django.shortcuts import render

from accounts.scopes import scope_for
from accounts.sections import section_page
from petitions import selectors as appeals
from petitions.models import HANDLING_STATUSES, Status
from visits import selectors as visits

WORKER_ROWS = 8


@section_page("grid-worker-home")
def worker_home(request):
    """The grid worker's phone home (网格员工作台): who is due a follow-up visit in their grid,
    the appeals of their grid still being handled, their own recent reports, and a button to
    report. A fixed number of queries (two per list)."""
    user = request.user
    due = visits.due_visits(user)
    waiting = (
        appeals.appeal_list(user)
        .filter(scope_for(user).located_q(), status__in=[Status.RECEIVED, Status.REGISTERED, *HANDLING_STATUSES])
        .order_by("deadline", "created_at", "id")
    )
    mine = appeals.appeal_list(user).filter(created_by=user).order_by("-created_at", "-id")
    return render(
        request,
        "grids/worker_home.html",
        {
            "due": due[:WORKER_ROWS],
            "due_count": due.count(),
            "waiting": waiting[:WORKER_ROWS],
            "waiting_count": waiting.count(),
            "mine": mine[:WORKER_ROWS],
        },
    )
