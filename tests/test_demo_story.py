"""The seeded small district tells one coherent story (issue 11): the supervision board, the
funding overview, the visit figures and the people's and grids' pages agree with each other."""

import re
from collections import Counter

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from petitions.models import OPEN_STATUSES, Appeal, SupervisionSlip

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client_for):
    def make(username: str, language: str = "en"):
        return client_for(User.objects.get(username=username), language)

    return make


@pytest.mark.usefixtures("seeded_small_district")
class TestTheSeededDistrict:
    def test_the_supervision_board_lists_each_appeal_once_with_its_history(self, as_user):
        open_slips = SupervisionSlip.objects.filter(closed_at__isnull=True)
        assert open_slips.exists()
        per_appeal = Counter(open_slips.values_list("appeal_id", flat=True))
        assert max(per_appeal.values()) == 1
        # No ended appeal keeps an open slip, and the slips of ended appeals say why they closed.
        assert not open_slips.exclude(appeal__status__in=OPEN_STATUSES).exists()
        ended = SupervisionSlip.objects.exclude(appeal__status__in=OPEN_STATUSES)
        assert ended.exists() and not ended.filter(Q(closed_at__isnull=True) | Q(close_note="")).exists()
        # The ladder climbed through time: superseded slips before the current one.
        climbed = Appeal.objects.annotate(n=Count("slips")).filter(n__gt=1, slips__closed_at__isnull=True)
        assert climbed.exists()
        for appeal in climbed[:20]:
            slips = list(appeal.slips.order_by("issued_at", "id"))
            assert len({s.issued_at for s in slips}) > 1, appeal.pk
            assert all(s.closed_at and s.close_note for s in slips if s.closed_at is not None)
        # Each current slip's appeal carries the slip's colour or a higher one.
        rank = {"": 0, "blue": 1, "yellow": 2, "orange": 3, "red": 4}
        for slip in open_slips.select_related("appeal"):
            assert rank[slip.appeal.colour] >= rank[slip.colour]
        page = as_user("center").get("/appeals/supervision/?state=open").content.decode()
        listed = [int(pk) for pk in re.findall(r'data-slip="(\d+)"', page)]
        assert len(listed) == min(open_slips.count(), 50)
        appeals = list(SupervisionSlip.objects.filter(pk__in=listed).values_list("appeal_id", flat=True))
        assert len(appeals) == len(set(appeals)) == len(listed)

    def test_no_street_spends_over_its_allocation_or_share_except_the_flagged_ones(self):
        from funding import selectors
        from funding.demo import seed_year
        from funding.selectors import FlagKind

        auditor = User.objects.get(username="auditor")
        year, months = seed_year(timezone.localdate())
        rows, total = selectors.budget_vs_actual(auditor, year)
        flagged = {f.street_id for f in selectors.flags(auditor, year) if f.kind == FlagKind.OVER_ALLOCATION}
        assert flagged, "the seed's over-allocation exception is flagged"
        within = [r for r in rows if r.street_id not in flagged]
        assert len(within) >= len(rows) - 3
        for row in within:
            for m in range(1, months + 1):
                assert sum(row.spent[:m]) <= sum(row.allocated[:m]), (row.street_name, m)
            # Within the monthly shares of the year so far (60 yuan × households / 12 a month).
            assert row.spent_fen <= row.budget_fen * months // 12, row.street_name
            assert row.spent_fen > 0
        # The district as a whole is within its budget: the exceptions are exceptions.
        assert total.spent_fen <= total.budget_fen

    def test_the_visit_figures_agree_on_every_page(self, as_user):
        from visits.models import Campaign, CampaignAssignment

        campaign = Campaign.objects.get()
        assignments = CampaignAssignment.objects.filter(campaign=campaign)
        assigned, visited = assignments.count(), assignments.filter(visited_on__isnull=False).count()
        assert 0 < visited < assigned

        def numbers(html: str, element_id: str) -> list[int]:
            found = re.search(rf'id="{element_id}"[^>]*>(.*?)</p>', html, re.S)
            return [int(n) for n in re.findall(r"\d+", found.group(1).replace(",", ""))]

        center = as_user("center")
        coverage = center.get(f"/visits/campaigns/{campaign.pk}/coverage/").content.decode()
        assert numbers(coverage, "total")[:2] == [visited, assigned]
        # The district's rows and the cadres' rows add up to the same total.
        by_node = re.findall(r'<td class="num">(\d+)</td><td class="num">(\d+)</td><td class="num">\d+</td>', coverage)
        assert [sum(int(a) for a, _v in by_node), sum(int(v) for _a, v in by_node)] == [assigned, visited]
        cadre_rows = coverage.split('id="by-cadre"')[1]
        cells = re.findall(r"<tr><td>([^<]+)</td><td class=\"num\">(\d+)</td><td class=\"num\">(\d+)</td>", cadre_rows)
        assert sum(int(a) for _n, a, _v in cells) == assigned and sum(int(v) for _n, _a, v in cells) == visited

        # A cadre sees the same figures on the visits home, their households page and the
        # coverage page's row for them.
        cadre_id = assignments.values_list("cadre_id", flat=True).order_by("cadre__username").first()
        cadre = User.objects.get(pk=cadre_id)
        mine = assignments.filter(cadre=cadre)
        own = [mine.filter(visited_on__isnull=False).count(), mine.count()]
        client = as_user(cadre.username)
        home = client.get("/visits/").content.decode()
        link = re.search(r'class="mine-progress">(.*?)</a>', home, re.S).group(1)
        assert [int(n) for n in re.findall(r"\d+", link)] == own
        page = client.get(f"/visits/campaigns/{campaign.pk}/mine/").content.decode()
        assert numbers(page, "progress") == own
        row = next(c for c in cells if c[0] == (cadre.name or cadre.username))
        assert [int(row[2]), int(row[1])] == own
