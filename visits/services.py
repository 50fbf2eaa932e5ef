"""Every write of the visits app. Pages, the API and the seed call these."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from accounts.scopes import require_role, scope_for
from gridgov.dates import check_date
from gridgov.errors import Conflict, InvalidInput, NotAllowed, NotFound
from gridgov.text import clean_text
from grids.models import GridNode, Level
from grids.selectors import post_holders
from petitions.models import Source
from petitions.services import appeal_create
from petitions.services.intake import active_module, checked_photos
from residents.models import Household, Resident, ResidentTag
from residents.services import tag_next_visit_refresh

from .models import (
    Campaign,
    CampaignAssignment,
    DiaryEntry,
    FollowUp,
    Opinion,
    ProxyService,
    Topic,
    Visit,
    VisitPhoto,
)

# Who plans campaigns and moves households between cadres.
CAMPAIGN_MANAGERS = (Role.COMMAND_CENTER, Role.ADMIN, Role.STREET_OFFICE, Role.COMMUNITY)
# Who records visits: the cadres in campaigns, grid staff and community workers routinely.
VISITORS = (Role.CADRE, Role.GRID_MANAGER, Role.GRID_ASSISTANT, Role.COMMUNITY, Role.STREET_OFFICE)
# Who keeps the people's diary and does services on residents' behalf.
GRID_WORKERS = (Role.GRID_MANAGER, Role.GRID_ASSISTANT, Role.COMMUNITY)


@dataclass(frozen=True)
class OpinionInput:
    module: object  # a ServiceModule, its id or its code
    text: str


def _check_node_in_scope(actor, node: GridNode) -> None:
    if actor is not None and not scope_for(actor).contains_node(node):
        raise NotAllowed(_("%(node)s is outside your area.") % {"node": node.name})


@transaction.atomic
def campaign_create(
    *,
    actor,
    name: str,
    start_date: datetime.date,
    end_date: datetime.date,
    scope_node: GridNode,
    cadres: Sequence = (),
) -> Campaign:
    require_role(actor, *CAMPAIGN_MANAGERS, action=_("plan visit campaigns"))
    name = clean_text(name, field="name", label=_("The name"), required=True, max_length=100)
    check_date(start_date, field="start_date")
    check_date(end_date, field="end_date")
    if end_date < start_date:
        raise InvalidInput(_("The campaign ends before it starts."), field="end_date")
    if scope_node.level > Level.BASE_GRID:
        raise InvalidInput(_("A campaign covers a base grid or more."), field="scope_node")
    _check_node_in_scope(actor, scope_node)
    campaign = Campaign.objects.create(
        name=name, start_date=start_date, end_date=end_date, scope_node=scope_node, created_by=actor
    )
    if cadres:
        campaign_cadres_add(actor=actor, campaign=campaign, cadres=cadres)
    return campaign


@transaction.atomic
def campaign_cadres_add(*, actor, campaign: Campaign, cadres: Sequence) -> int:
    """Add participating cadres: users holding an active cadre post."""
    require_role(actor, *CAMPAIGN_MANAGERS, action=_("plan visit campaigns"))
    ids = {getattr(c, "pk", c) for c in cadres}
    holding = set(post_holders(Role.CADRE).filter(pk__in=ids).values_list("pk", flat=True))
    if missing := ids - holding:
        raise InvalidInput(
            _("%(n)d of these users hold no cadre post.") % {"n": len(missing)}, field="cadres", code="not_cadre"
        )
    campaign.cadres.add(*ids)
    return len(ids)


def balanced_owner(i: int, n: int, k: int) -> int:
    """Which of k cadres gets the i-th of n households: consecutive runs of n/k (±1)."""
    return i * k // n


@transaction.atomic
def campaign_assign_balanced(*, actor, campaign: Campaign) -> int:
    """Give each household of the campaign's area that has no cadre yet to one, balanced by grid.

    Households are taken in unit-grid order and cut into consecutive runs of nearly equal
    length, one run per cadre: every cadre gets the same number (±1) and their households lie
    in one or two neighbouring grids, which is what makes door-to-door rounds walkable.
    Returns how many households were assigned."""
    require_role(actor, *CAMPAIGN_MANAGERS, action=_("plan visit campaigns"))
    campaign = Campaign.objects.select_for_update().select_related("scope_node").get(pk=campaign.pk)
    cadre_ids = list(campaign.cadres.order_by("username").values_list("pk", flat=True))
    if not cadre_ids:
        raise InvalidInput(_("The campaign has no cadres yet."), field="cadres", code="no_cadres")
    node = campaign.scope_node
    area = {
        Level.DISTRICT: {},
        Level.STREET: {"street_id": node.pk},
        Level.COMMUNITY: {"community_id": node.pk},
        Level.BASE_GRID: {"unit_grid__parent_id": node.pk},
    }[node.level]
    taken = CampaignAssignment.objects.filter(campaign=campaign).values("household_id")
    households = list(
        Household.objects.filter(**area)
        .exclude(pk__in=taken)
        .order_by("unit_grid__code", "pk")
        .values_list("pk", "unit_grid_id", "community_id", "street_id")
    )
    n, k = len(households), len(cadre_ids)
    rows = []
    for i, (household_id, unit_id, community_id, street_id) in enumerate(households):
        rows.append(
            CampaignAssignment(
                campaign=campaign,
                household_id=household_id,
                cadre_id=cadre_ids[balanced_owner(i, n, k)],
                unit_grid_id=unit_id,
                community_id=community_id,
                street_id=street_id,
            )
        )
    CampaignAssignment.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


@transaction.atomic
def campaign_assignment_change(*, actor, assignment: CampaignAssignment, cadre) -> CampaignAssignment:
    """Give a household to another of the campaign's cadres."""
    require_role(actor, *CAMPAIGN_MANAGERS, action=_("plan visit campaigns"))
    if actor is not None and not CampaignAssignment.objects.visible_to(actor).filter(pk=assignment.pk).exists():
        raise NotFound(_("There is no such household in your area."))
    if not assignment.campaign.cadres.filter(pk=cadre.pk).exists():
        raise InvalidInput(_("%(who)s is not a cadre of this campaign.") % {"who": cadre}, field="cadre")
    assignment.cadre = cadre
    assignment.save(update_fields=["cadre"])
    return assignment


@transaction.atomic
def visit_record(
    *,
    actor,
    household: Household,
    visited_on: datetime.date,
    met: str = "",
    notes: str = "",
    campaign: Campaign | None = None,
    followed_tags: Sequence[ResidentTag] = (),
    opinions: Sequence[OpinionInput] = (),
    photos: Sequence = (),
) -> Visit:
    """Record a visit (入户走访). Each opinion becomes an appeal with source "visit" through the
    appeals' intake service, in this transaction: a refused opinion leaves no visit behind."""
    require_role(actor, *VISITORS, action=_("record visits"))
    check_date(visited_on, field="visited_on")
    if visited_on > timezone.localdate():
        raise InvalidInput(_("A visit cannot be dated in the future."), field="visited_on")
    met = clean_text(met, field="met", label=_("Who was met"), max_length=100)
    notes = clean_text(notes, field="notes", label=_("The notes"))
    assignment = None
    if campaign is not None:
        assignment = (
            CampaignAssignment.objects.select_for_update().filter(campaign=campaign, household=household).first()
        )
        if assignment is None or (actor is not None and assignment.cadre_id != actor.pk):
            raise NotAllowed(
                _("%(household)s is not one of your households in %(campaign)s.")
                % {"household": household.number, "campaign": campaign.name},
                code="not_assigned",
            )
        if not campaign.start_date <= visited_on <= campaign.end_date:
            raise InvalidInput(_("The date lies outside the campaign's period."), field="visited_on")
    elif actor is not None and not Household.objects.visible_to(actor).filter(pk=household.pk).exists():
        # Outside the area is not there (404), and not named: the one refusal policy.
        raise NotFound(_("There is no such household in your area."))
    tags = list(followed_tags)
    if tags:
        valid = set(
            ResidentTag.objects.active(visited_on)
            .filter(pk__in=[t.pk for t in tags], resident__household=household)
            .values_list("pk", flat=True)
        )
        if len(valid) != len({t.pk for t in tags}):
            raise InvalidInput(
                _("A follow-up names a tag that is not active on a member of this household."), field="followed_tags"
            )
    # Every opinion is checked before anything is written.
    checked_opinions = []
    for i, opinion in enumerate(opinions):
        module = active_module(opinion.module)
        text = clean_text(opinion.text, field=f"opinions[{i}].text", label=_("The opinion"), required=True)
        checked_opinions.append((module, text))
    checked = checked_photos(photos)

    # The system (actor None: the seed, an import) records a campaign visit as its cadre's.
    visitor = actor if actor is not None else getattr(assignment, "cadre", None)
    if visitor is None:
        raise InvalidInput(_("A routine visit needs the worker who made it."), field="visitor")
    visit = Visit.objects.create(
        household=household,
        campaign=campaign,
        visitor=visitor,
        visited_on=visited_on,
        met=met,
        notes=notes,
        unit_grid_id=household.unit_grid_id,
        community_id=household.community_id,
        street_id=household.street_id,
    )
    if tags:
        # The followed tags are locked in pk order (category_update locks a category's tags in
        # the same order) and their next due date recomputed from every follow-up: the latest
        # of this visit and the earlier ones + the interval, read after the lock, so a
        # backdated visit never moves the date back and two workers recording the same tag
        # cannot leave the older date behind.
        locked = list(
            ResidentTag.objects.select_for_update()
            .filter(pk__in={t.pk for t in tags})
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        FollowUp.objects.bulk_create([FollowUp(visit=visit, tag=t, visited_on=visited_on) for t in tags])
        tag_next_visit_refresh(tag_ids=locked)
    for data, extension, width, height in checked:
        photo = VisitPhoto(visit=visit, width=width, height=height)
        photo.image.save(f"photo.{extension}", ContentFile(data), save=False)  # stored under a random name
        photo.save()
    for module, text in checked_opinions:
        appeal = appeal_create(
            actor=actor,
            source=Source.VISIT,
            module=module,
            description=text,
            lon=household.lon,
            lat=household.lat,
            address=household.address,
        )
        Opinion.objects.create(visit=visit, module=module, text=text, appeal=appeal)
    if assignment is not None and assignment.first_visit_id is None:
        assignment.first_visit = visit
        assignment.visited_on = visited_on
        assignment.save(update_fields=["first_visit", "visited_on"])
    return visit


@transaction.atomic
def diary_entry_create(
    *,
    actor,
    node: GridNode,
    date: datetime.date,
    text: str,
    topics: Sequence[str] = (),
    mentions: Sequence[Resident] = (),
) -> DiaryEntry:
    """Write a day's entry in the people's diary (民情日志), naming the residents it is about
    (`mentions`: residents of households in the entry's grid)."""
    require_role(actor, *GRID_WORKERS, action=_("keep the people's diary"))
    _check_node_in_scope(actor, node)
    text = clean_text(text, field="text", label=_("The entry"), required=True)
    topics = list(dict.fromkeys(topics))
    if unknown := [t for t in topics if t not in Topic.values]:
        raise InvalidInput(_("Unknown topic %(t)s.") % {"t": unknown[0]}, field="topics")
    check_date(date, field="date")
    if date > timezone.localdate():
        raise InvalidInput(_("A diary entry cannot be dated in the future."), field="date")
    mentions = list(mentions)
    if mentions:
        inside = Resident.objects.filter(
            pk__in=[r.pk for r in mentions],
            household__unit_grid__tree_id=node.tree_id,
            household__unit_grid__lft__gte=node.lft,
            household__unit_grid__rght__lte=node.rght,
        ).count()
        if inside != len({r.pk for r in mentions}):
            raise InvalidInput(_("A diary entry names only residents of its grid."), field="mentions")
    entry = DiaryEntry.objects.create(author=actor, node=node, date=date, text=text, topics=topics)
    if mentions:
        entry.mentions.set(mentions)
    return entry


@transaction.atomic
def proxy_service_create(*, actor, resident: Resident, what: str, visit: Visit | None = None) -> ProxyService:
    """Take on a service on a resident's behalf (走访代办)."""
    require_role(actor, *VISITORS, action=_("take on services for residents"))
    if actor is not None and not Resident.objects.visible_to(actor).filter(pk=resident.pk).exists():
        raise NotFound(_("There is no such resident in your area."))
    what = clean_text(what, field="what", label=_("What is to be done"), required=True, max_length=200)
    household = resident.household
    return ProxyService.objects.create(
        resident=resident,
        visit=visit,
        what=what,
        handled_by=actor,
        unit_grid_id=household.unit_grid_id,
        community_id=household.community_id,
        street_id=household.street_id,
    )


@transaction.atomic
def proxy_service_finish(*, actor, service: ProxyService, result: str, done: bool = True) -> ProxyService:
    """Close a proxy service with its result, once."""
    require_role(actor, *VISITORS, action=_("take on services for residents"))
    result = clean_text(result, field="result", label=_("The result"), required=True, max_length=2000)
    status = ProxyService.Status.DONE if done else ProxyService.Status.FAILED
    now = timezone.now()
    # Conditional update: two clicks (or two workers) cannot both close it.
    updated = ProxyService.objects.filter(pk=service.pk, status=ProxyService.Status.OPEN).update(
        status=status, result=result, done_at=now
    )
    if not updated:
        raise Conflict(_("This service is already closed."))
    service.refresh_from_db()
    return service
