"""Benchmark of visits (issue 7): campaign coverage by node at every level, by cadre, the
due-visits list, and the coverage page and endpoint, at paper scale.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridgov_visits \
        .venv/bin/python bench/bench_visits.py [--scale paper] [--reseed] [--repeat 15]

Seeds the demo district at the scale asked unless it is there (paper: a campaign over every
household of the district with 3,686 cadres). Prints a Markdown table for docs/benchmarks.md.
"""

from common import analyze, bench_parser, count_queries, ensure_seeded, machine, setup_django, timed

DUE_PAGE = 50  # the due page's and the API's page size


def main() -> None:
    parser = bench_parser(scale="paper", repeat=15)
    args = parser.parse_args()
    url = setup_django()
    seeded = ensure_seeded(args.scale, args.reseed)

    from django.contrib.auth import get_user_model
    from django.test import Client

    from accounts.roles import Role
    from grids.models import Assignment, GridNode, Level
    from visits import selectors
    from visits.models import Campaign, CampaignAssignment, Visit

    analyze()
    User = get_user_model()
    campaign = Campaign.objects.order_by("pk").first()
    center = User.objects.get(username="center")
    zhongxin = User.objects.get(username="zhongxin")
    manager = Assignment.objects.active().filter(role=Role.GRID_MANAGER).order_by("node__code").first().user
    district = GridNode.objects.get(level=Level.DISTRICT)
    street = GridNode.objects.filter(level=Level.STREET).order_by("code").first()
    community = street.get_children().order_by("code").first()
    base = community.get_children().order_by("code").first()
    unit = base.get_children().order_by("code").first()

    def fresh(user):
        # A new user object per run: the scope is cached on the object, as per request.
        return User.objects.get(pk=user.pk)

    rows = []

    def measure(label, fn):
        ms, _ = timed(fn, args.repeat)
        rows.append((label, ms, count_queries(fn)))

    for node in (district, street, community, base, unit):
        measure(
            f"coverage by node: {node.level_label} ({node.name})",
            lambda node=node: selectors.coverage_by_node(fresh(center), campaign, node),
        )
    cadres = campaign.cadres.count()
    measure(
        f"coverage by cadre, whole district ({cadres:,} rows)",
        lambda: selectors.coverage_by_cadre(fresh(center), campaign),
    )
    measure(
        f"coverage by node, street officer ({street.name})",
        lambda: selectors.coverage_by_node(fresh(zhongxin), campaign, street),
    )

    def due_page(user, page=1, **kwargs):
        # What the page and the endpoint read: the count, then one page of rows.
        due = selectors.due_visits(user, **kwargs)
        return due.count(), list(due[(page - 1) * DUE_PAGE : page * DUE_PAGE])

    from residents.models import ResidentTag

    tags = ResidentTag.objects.active().count()
    measure("due visits, grid manager (one base grid): count + page 1", lambda: due_page(fresh(manager)))
    measure(
        f"due visits, command center (whole district, {tags:,} active tags): count + page 1",
        lambda: due_page(fresh(center), roles_only=False),
    )
    due_count = selectors.due_visits(center, roles_only=False).count()
    last_page = max(1, -(-due_count // DUE_PAGE))
    measure(
        f"due visits, command center: count + last page ({last_page})",
        lambda: due_page(fresh(center), page=last_page, roles_only=False),
    )
    client = Client(HTTP_HOST="localhost", headers={"accept-language": "en"})
    client.force_login(center)
    client.get("/visits/")
    for label, path in [
        ("page: coverage, district", f"/visits/campaigns/{campaign.pk}/coverage/?node={district.pk}"),
        ("page: coverage, community", f"/visits/campaigns/{campaign.pk}/coverage/?node={community.pk}"),
        ("API: coverage, district", f"/api/visits/campaigns/{campaign.pk}/coverage/?node={district.pk}"),
        ("API: visits list, page 1", "/api/visits/visits/"),
        ("page: due visits, command center, page 1", "/visits/due/"),
        ("API: due visits, command center, page 1", "/api/visits/due/"),
    ]:
        measure(label, lambda path=path: client.get(path))

    print(f"\n{machine()}\ndatabase: {url.rsplit('@', 1)[-1]}")
    if seeded:
        print(f"seeded in {seeded:.0f} s")
    print(
        f"{CampaignAssignment.objects.filter(campaign=campaign).count():,} households assigned to "
        f"{cadres:,} cadres, {Visit.objects.count():,} visits, {due_count:,} follow-ups due by Sunday\n"
    )
    print("| measure | median ms | queries |\n|---|---|---|")
    for label, ms, queries in rows:
        print(f"| {label} | {ms:.1f} | {queries} |")


if __name__ == "__main__":
    main()
