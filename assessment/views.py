"""Assessment pages: rankings by level with trends, a unit's or grid worker's scorecard that
explains itself down to the appeals behind each count, the rule sets, scoring and logged
recomputation, and the .xlsx export. Reads go through the selectors (scoped), writes through
the services, which also decide who may act."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Role
from accounts.scopes import require_role, scope_for
from accounts.sections import section_page
from gridgov import xlsx
from gridgov.errors import DomainError, NotAllowed

from . import explain, exporting, indicators, selectors, services
from .forms import RecomputeForm, RuleSetForm, ScoreForm
from .models import Period, RuleSet, StaffScore, UnitKind, UnitScore

PAGE_SIZE = 100
APPEALS_PAGE_SIZE = 50


def _may(user, roles) -> bool:
    # A superuser is an administrator, no more (separation of duties).
    return (user.is_superuser and "admin" in roles) or scope_for(user).has_role(*roles)


def may_score(user) -> bool:
    return services.WORKFLOW.may(user, "score")


def may_recompute(user) -> bool:
    return services.WORKFLOW.may(user, "recompute")


def _period(label: str) -> Period:
    period = selectors.closed_period(label)
    if period is None:
        raise Http404(_("%(period)s has not been scored.") % {"period": label})
    return period


def _default_level(user) -> str:
    """The level a user's own row is on: their own ranking first."""
    roles = scope_for(user).roles
    for role in (Role.GRID_MANAGER, Role.GRID_ASSISTANT):
        if role in roles:
            return role
    if Role.DEPARTMENT in roles:
        return UnitKind.DEPARTMENT
    if Role.COMMUNITY in roles:
        return UnitKind.COMMUNITY
    return UnitKind.STREET


def _home_url(period: str, level: str | None = None) -> str:
    query = {"period": period, **({"level": level} if level else {})}
    return f"{reverse('assessment-home')}?{urlencode(query)}"


@section_page("assessment-home")
def assessment_home(request):
    """Rankings of a closed period at one level, the trend of each level, and the period's runs."""
    label = request.GET.get("period", "")
    period = _period(label) if label else selectors.default_period()
    level = request.GET.get("level") or _default_level(request.user)
    if level not in selectors.LEVELS:
        raise Http404(_("No such level."))
    context = {
        "periods": list(selectors.closed_periods().select_related(None).order_by("-start").only("label", "kind")),
        "period": period,
        "level": level,
        "levels": [(code, selectors.level_label(code)) for code in selectors.LEVELS],
        "staff_level": selectors.is_staff_level(level),
        "may_score": may_score(request.user),
        "may_recompute": may_recompute(request.user),
        "score_form": ScoreForm(),
        "recompute_form": RecomputeForm(),
    }
    if period is not None:
        page = Paginator(selectors.ranking(request.user, period, level), PAGE_SIZE).get_page(request.GET.get("page"))
        if not context["staff_level"]:
            for row in page:
                row.rates = explain.unit_rates(row)
        trend_periods = selectors.recent_periods(period.kind, until=period)
        trends = selectors.level_trends(request.user, trend_periods)
        context.update(
            page=page,
            query=urlencode({"period": period.label, "level": level}),
            runs=list(selectors.run_history(period)),
            trends={
                selectors.level_label(code): values
                for code, values in trends.items()
                if any(v is not None for _label, v in values)
            },
        )
    return render(request, "assessment/home.html", context)


@login_required
def unit_scorecard(request, label: str, kind: str, pk: int):
    """A unit's score written out: the formula with the run's weights, every count (each a link
    to the appeals behind it), each rate and term, the total, the rank and the unit's trend."""
    period = _period(label)
    score = selectors.unit_score_card(request.user, period, kind, pk)
    if score is None:
        raise Http404(_("No score of this unit that you may see in %(period)s.") % {"period": label})
    rules = score.run.rules
    terms, raw_total = explain.unit_terms(score, rules)
    counts = [
        (name, UnitScore._meta.get_field(name).verbose_name, getattr(score, name), text)
        for name, text in explain.UNIT_COUNTS.items()
    ]
    return render(
        request,
        "assessment/unit.html",
        {
            "period": period,
            "score": score,
            "rules": rules,
            "terms": terms,
            "raw_total": raw_total,
            "counts": counts,
            "rates": explain.unit_rates(score),
            "of": selectors.level_size(period, score.kind),
            "trend": {score.name: selectors.unit_trend(score, selectors.recent_periods(period.kind, until=period))},
        },
    )


@login_required
def unit_appeals(request, label: str, kind: str, pk: int, count: str):
    """The appeals behind one count of a unit's score, by the definitions the score used."""
    if count not in explain.DRILLABLE:
        raise Http404(_("No such count."))
    period = _period(label)
    score = selectors.unit_score_card(request.user, period, kind, pk)
    if score is None:
        raise Http404(_("No score of this unit that you may see in %(period)s.") % {"period": label})
    since, until = indicators.bounds(period.start, period.end)
    appeals = (
        indicators.appeals_behind(indicators.UnitKey(kind, pk), count, since, until)
        .select_related("module")
        .order_by("created_at", "pk")
    )
    page = Paginator(appeals, APPEALS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assessment/appeals.html",
        {
            "period": period,
            "score": score,
            "count": count,
            "count_label": UnitScore._meta.get_field(count).verbose_name,
            "count_text": explain.UNIT_COUNTS[count],
            "stored": getattr(score, count),
            "page": page,
            "back": reverse("assessment-unit", args=[period.label, kind, pk]),
        },
    )


@login_required
def staff_scorecard(request, label: str, pk: int):
    period = _period(label)
    score = selectors.staff_score_card(request.user, period, pk)
    if score is None:
        raise Http404(_("No score of this person that you may see in %(period)s.") % {"period": label})
    rules = score.run.rules
    terms, raw_total = explain.staff_terms(score, rules, period.months)
    return render(
        request,
        "assessment/staff.html",
        {
            "period": period,
            "score": score,
            "rules": rules,
            "terms": terms,
            "raw_total": raw_total,
            "role": selectors.level_label(score.role),
            "of": selectors.level_size(period, score.role),
            "trend": {score.name: selectors.staff_trend(score, selectors.recent_periods(period.kind, until=period))},
        },
    )


@login_required
def staff_reports(request, label: str, pk: int):
    """The grid reports behind a worker's 'reports filed' count."""
    period = _period(label)
    score = selectors.staff_score_card(request.user, period, pk)
    if score is None:
        raise Http404
    page = Paginator(selectors.staff_reports(score), APPEALS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assessment/appeals.html",
        {
            "period": period,
            "score": score,
            "count": "reports",
            "count_label": StaffScore._meta.get_field("reports").verbose_name,
            "count_text": _("grid reports (source: grid) the person filed in the period"),
            "stored": score.reports,
            "page": page,
            "back": reverse("assessment-staff", args=[period.label, score.pk]),
        },
    )


@section_page("assessment-rules")
def rules(request):
    """The rule sets, newest first, and (for the bureau and admins) a form for a new one."""
    may_edit = _may(request.user, services.RULE_EDITORS)
    if request.method == "POST" and not may_edit:
        # The same refusal the service gives, before a form the user was never shown is checked.
        require_role(request.user, *services.RULE_EDITORS, action=_("change the scoring rules"))
    latest = RuleSet.objects.order_by("-effective_from").first()
    form = RuleSetForm(request.POST or None, latest=latest)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.ruleset_create(
                actor=request.user,
                effective_from=form.cleaned_data["effective_from"],
                values=form.values(),
                note=form.cleaned_data["note"],
            )
        except NotAllowed:
            raise
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Rule set in force from %(day)s saved.") % {"day": created.effective_from})
            return redirect("assessment-rules")
    rule_sets = selectors.rule_sets()
    return render(
        request,
        "assessment/rules.html",
        {"rule_sets": rule_sets, "form": form, "may_edit": may_edit},
    )


@login_required
@require_POST
def score(request):
    form = ScoreForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Name the period to score."))
        return redirect("assessment-home")
    label = form.cleaned_data["period"].strip().upper()
    try:
        run = services.period_score(actor=request.user, label=label)
    except NotAllowed:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("assessment-home")
    messages.success(request, _("%(period)s scored.") % {"period": run.period.label})
    return redirect(_home_url(run.period.label))


@login_required
@require_POST
def recompute(request, label: str):
    """Score a closed period again (a new, logged run). Others than the bureau and admins get the
    service's refusal as a 403 page; nothing changes."""
    form = RecomputeForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        run = services.period_recompute(actor=request.user, label=label, reason=reason)
    except NotAllowed:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("%(period)s recomputed: run %(number)s.") % {"period": run.period.label, "number": run.number}
        )
    return redirect(_home_url(label, request.POST.get("level")))


@login_required
def export(request, label: str):
    """Every level of the period's current run that the user may see, a sheet each."""
    period = _period(label)
    data = exporting.period_xlsx(request.user, period)
    return xlsx.response(data, f"assessment-{period.label}.xlsx")
