"""Visit pages: the cadre's households and visit form (phone-first), the visit page with what
became of each opinion, the grid worker's due list and diary, and coverage with drill-down and
export. Reads go through the selectors (scoped), writes through the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.sections import section_page
from gridgov import xlsx
from gridgov.errors import DomainError
from gridgov.params import node_param
from grids.models import GridNode
from grids.selectors import root_nodes, visible_nodes
from petitions.models import ServiceModule
from residents.models import Household, ResidentTag

from . import exporting, selectors, services
from .forms import OPINION_ROWS, DiaryForm, VisitForm
from .models import Campaign, CampaignAssignment, Topic, Visit

PAGE_SIZE = 50


def _campaign(request, pk: int) -> Campaign:
    return get_object_or_404(selectors.campaigns(request.user), pk=pk)


def _start_node(request) -> GridNode:
    node = node_param(request)
    if node is not None:
        return node
    roots = root_nodes(request.user)
    if not roots:
        raise Http404(_("You hold no post on a grid node."))
    return roots[0]


@section_page("visits-home")
def visits_home(request):
    """Campaigns the user sees or takes part in, with their own progress in each."""
    campaigns = list(selectors.campaigns_with_progress(request.user))
    return render(request, "visits/home.html", {"campaigns": campaigns})


@login_required
def my_households(request, pk: int):
    """A cadre's households in a campaign: not yet visited first, with progress. Phone-first."""
    campaign = _campaign(request, pk)
    qs = selectors.my_households(request.user, campaign)
    progress = selectors.campaign_progress(request.user, campaign, cadre=request.user)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "visits/mine.html",
        {"campaign": campaign, "page": page, "done": progress.visited, "total": progress.assigned},
    )


def _opinions_from(post) -> list[services.OpinionInput]:
    out = []
    for i in range(OPINION_ROWS):
        module = post.get(f"opinion_module_{i}", "").strip()
        text = post.get(f"opinion_text_{i}", "").strip()
        if module or text:
            out.append(services.OpinionInput(module or None, text))
    return out


@login_required
def visit_new(request, household_pk: int):
    """Record a visit with the opinions collected (each becomes an appeal) and the follow-ups done."""
    household = get_object_or_404(Household.objects.select_related("unit_grid"), pk=household_pk)
    campaign = None
    if raw := request.GET.get("campaign") or request.POST.get("campaign"):
        if not str(raw).isdigit():
            raise Http404
        campaign = _campaign(request, int(raw))
        if not CampaignAssignment.objects.filter(campaign=campaign, household=household, cadre=request.user).exists():
            raise Http404(_("This household is not one of yours in this campaign."))
    elif not Household.objects.visible_to(request.user).filter(pk=household.pk).exists():
        raise Http404
    tags = list(
        ResidentTag.objects.active()
        .filter(resident__household=household)
        .select_related("resident", "category")
        .order_by("resident_id", "category__sort_order")
    )
    modules = list(ServiceModule.objects.filter(is_active=True).order_by("number"))
    form = VisitForm(request.POST or None, initial={"visited_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        chosen = {int(t) for t in request.POST.getlist("followed_tags") if t.isdigit()}
        try:
            visit = services.visit_record(
                actor=request.user,
                household=household,
                visited_on=form.cleaned_data["visited_on"],
                met=form.cleaned_data["met"],
                notes=form.cleaned_data["notes"],
                campaign=campaign,
                followed_tags=[t for t in tags if t.pk in chosen],
                opinions=_opinions_from(request.POST),
                photos=request.FILES.getlist("photos"),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Visit recorded."))
            return redirect("visit-detail", pk=visit.pk)
    rows = [
        {
            "i": i,
            "module": request.POST.get(f"opinion_module_{i}", ""),
            "text": request.POST.get(f"opinion_text_{i}", ""),
        }
        for i in range(OPINION_ROWS)
    ]
    return render(
        request,
        "visits/visit_form.html",
        {"household": household, "campaign": campaign, "form": form, "tags": tags, "modules": modules, "rows": rows},
    )


@login_required
def visit_detail(request, pk: int):
    """A visit and what became of each opinion: the appeal's state, handler and reply."""
    try:
        visit = selectors.visit_detail(request.user, pk)
    except Visit.DoesNotExist:
        raise Http404 from None
    return render(request, "visits/visit_detail.html", {"visit": visit})


@section_page("visit-list")
def visit_list(request):
    page = Paginator(selectors.visits(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "visits/visit_list.html", {"page": page})


@section_page("visit-due")
def due_visits(request):
    """Who must be seen this week, overdue first (from the special-population follow-up rules)."""
    due = selectors.due_visits(request.user)
    page = Paginator(due, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "visits/due.html", {"due": page, "page": page, "today": timezone.localdate()})


@section_page("visit-diary")
def diary(request):
    """The people's diary: the user's area's entries, and a form for today's."""
    nodes = list(visible_nodes(request.user).defer("boundary").filter(level__gte=2).order_by("code")[:200])
    form = DiaryForm(request.POST or None, initial={"date": timezone.localdate()})
    form.fields["node"].widget.choices = [(n.pk, f"{n.name} ({n.code})") for n in nodes]
    if request.method == "POST" and form.is_valid():
        node = get_object_or_404(GridNode.objects.defer("boundary"), pk=form.cleaned_data["node"])
        try:
            services.diary_entry_create(
                actor=request.user,
                node=node,
                date=form.cleaned_data["date"],
                text=form.cleaned_data["text"],
                topics=form.cleaned_data["topics"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Diary entry saved."))
            return redirect("visit-diary")
    qs = selectors.diary_entries(request.user)
    if (topic := request.GET.get("topic")) in Topic.values:
        # JSON containment (topics__contains) is not supported on SQLite; the quoted code
        # matches exactly one topic in the stored JSON list on both databases.
        qs = qs.filter(topics__icontains=f'"{topic}"')
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "visits/diary.html",
        {"form": form, "page": page, "topics": dict(Topic.choices), "topic": topic or ""},
    )


@section_page("visit-proxy")
def proxy_services(request):
    page = Paginator(selectors.proxy_services(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "visits/proxy.html", {"page": page})


@login_required
def coverage(request, pk: int):
    """Visited / assigned by node with drill-down into the children, and by cadre."""
    campaign = _campaign(request, pk)
    node = _start_node(request)
    total, rows = selectors.coverage_by_node(request.user, campaign, node)
    cadres = selectors.coverage_by_cadre(request.user, campaign, node)
    ancestors = list(node.get_ancestors().defer("boundary")) if node.parent_id else []
    return render(
        request,
        "visits/coverage.html",
        {"campaign": campaign, "node": node, "total": total, "rows": rows, "cadres": cadres, "ancestors": ancestors},
    )


@login_required
def coverage_export(request, pk: int):
    campaign = _campaign(request, pk)
    node = _start_node(request)
    total, rows = selectors.coverage_by_node(request.user, campaign, node)
    data = exporting.coverage_xlsx(
        campaign=campaign,
        total=total,
        rows=rows,
        cadres=selectors.coverage_by_cadre(request.user, campaign, node),
        unvisited=selectors.unvisited_assignments(request.user, campaign, node),
    )
    return xlsx.response(data, f"coverage-{campaign.pk}-{node.code}.xlsx")


@login_required
def unvisited(request, pk: int):
    """The campaign's households not visited yet under a node."""
    campaign = _campaign(request, pk)
    node = _start_node(request)
    qs = selectors.unvisited_assignments(request.user, campaign, node)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "visits/unvisited.html",
        {"campaign": campaign, "node": node, "page": page, "query": f"node={node.pk}"},
    )


@section_page("visit-never")
def never_visited(request):
    """Households in the user's area that no visit has ever reached."""
    node = node_param(request)
    page = Paginator(selectors.never_visited_households(request.user, node), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "visits/never_visited.html", {"node": node, "page": page})
