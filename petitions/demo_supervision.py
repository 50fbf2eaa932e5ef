"""Demo supervision slips (四色督办单) over the seeded appeals: the sweep's slips, one current slip of
each colour, and the slips of appeals that have ended closed with them."""

from django.db import reset_queries
from django.utils import timezone

from .demo import BATCH
from .models import HANDLING_STATUSES, Appeal, Status, SupervisionSlip


def seed_supervision(ctx) -> str:
    """The four-colour history of the seeded appeals, as the real lifecycle would have left it.

    Each case the handling unit still holds runs through the sweep service at the successive
    moments of its window (`appeal_supervise(now=…)` at each next check up to now), so every
    slip has the time it would have had and each one supersedes the one before: the board shows
    the case once, in its current colour, and its page the ladder it climbed. Cases already
    answered get the slips their last window earned before the reply, each superseded by the
    next and the last closed with the case (closed, merged, rejected) or still open while the
    case awaits verification. Running the sweep again afterwards issues nothing."""
    from collections import Counter

    from .services.supervision import all_exceptions, appeal_supervise

    now = timezone.now()
    exceptions = all_exceptions()
    total: Counter = Counter()
    handling = Appeal.objects.filter(status__in=HANDLING_STATUSES, window_start__isnull=False).order_by("pk")
    for pk, window_start in handling.values_list("pk", "window_start"):
        moment = window_start
        # Each step issues at least one colour or moves past a threshold: a handful of steps
        # (four colours, a blue's unacknowledged day); the bound only guards the loop.
        for _step in range(12):
            if moment is None or moment > now:
                break
            for slip in appeal_supervise(appeal=pk, now=moment, exceptions=exceptions):
                total[slip.colour] += 1
            moment = Appeal.objects.filter(pk=pk).values_list("next_check_at", flat=True).first()
        appeal_supervise(appeal=pk, now=now, exceptions=exceptions)  # sets the next check from now
        reset_queries()
    total.update(_answered_history(exceptions, now))
    ended = _close_with_their_appeals()
    _one_current_slip(now)
    issued = ", ".join(f"{c} {total[c]:,}" for c in ("blue", "yellow", "orange", "red"))
    return f"{issued} slips issued; {ended:,} closed with their appeals"


def _answered_history(exceptions: dict, now) -> dict:
    """The slips a case answered late earned in its last window before the reply: issued at
    the rule's moments, each superseded by the next (bulk, for paper scale)."""
    from .models import COLOUR_RANK
    from .services.supervision import LADDER, Facts, thresholds_of

    counts: dict = {}
    rows = (
        Appeal.objects.filter(replied_at__isnull=False, window_start__isnull=False, deadline__isnull=False)
        .exclude(status__in=HANDLING_STATUSES)
        .values_list("pk", "window_start", "deadline", "rework_count", "replied_at", "handling_department_id",
                     "handling_node_id", "colour")
    )  # fmt: skip
    slips, colours = [], {}
    for pk, start, deadline, reworks, replied_at, department, node, colour in rows.iterator(chunk_size=BATCH):
        moments = thresholds_of(Facts(start, deadline, reworks), exceptions)
        chain = sorted((min(moments[c]), c) for c in LADDER if min(moments[c]) < replied_at and min(moments[c]) <= now)
        for i, (at, c) in enumerate(chain):
            superseded = chain[i + 1][0] if i + 1 < len(chain) else None
            slips.append(
                SupervisionSlip(
                    appeal_id=pk, colour=c, reason=_REASONS[c], window_start=start, issued_at=at,
                    handling_department_id=department, handling_node_id=node, closed_at=superseded,
                    close_note="升级为更高颜色督办单" if superseded else "",
                )
            )  # fmt: skip
            counts[c] = counts.get(c, 0) + 1
        if chain and COLOUR_RANK[chain[-1][1]] > COLOUR_RANK[colour]:
            colours.setdefault(chain[-1][1], []).append(pk)
        if len(slips) >= BATCH:
            SupervisionSlip.objects.bulk_create(slips, ignore_conflicts=True)
            slips = []
    SupervisionSlip.objects.bulk_create(slips, ignore_conflicts=True)
    for c, pks in colours.items():
        Appeal.objects.filter(pk__in=pks).update(colour=c)
    return counts


_REASONS = {
    "blue": "已用办理时限70%，未答复",
    "yellow": "已用办理时限85%，未答复",
    "orange": "超过办理时限未答复",
    "red": "超期5个工作日",
}
_ENDED = {Status.CLOSED: "诉求已办结，督办单随之销单", Status.MERGED: "诉求已合并，督办单随之销单",
          Status.REJECTED: "诉求不予受理，督办单随之销单"}  # fmt: skip


def _one_current_slip(now) -> None:
    """Where the bulk history left a case two open slips (a repeat's yellow beside the slips of
    its late reply), the highest, latest one is current and the others are superseded by it, as
    `_issue` does when it issues."""
    from .models import COLOUR_RANK

    current: dict[int, tuple] = {}
    superseded: list[int] = []
    rows = SupervisionSlip.objects.filter(closed_at__isnull=True).values_list("pk", "appeal_id", "colour", "issued_at")
    for pk, appeal_id, colour, issued_at in rows.iterator(chunk_size=BATCH):
        key = (COLOUR_RANK[colour], issued_at, pk)
        held = current.get(appeal_id)
        if held is None:
            current[appeal_id] = key
        elif key > held:
            superseded.append(held[2])
            current[appeal_id] = key
        else:
            superseded.append(pk)
    for offset in range(0, len(superseded), BATCH):
        SupervisionSlip.objects.filter(pk__in=superseded[offset : offset + BATCH]).update(
            closed_at=now, close_note="升级为更高颜色督办单"
        )


def _close_with_their_appeals() -> int:
    """What the lifecycle does on closing, merging or rejecting: the case's open slips close
    with it, at its closing time."""
    from django.db.models import OuterRef, Subquery

    ended = 0
    for status, note in _ENDED.items():
        closed_at = Appeal.objects.filter(pk=OuterRef("appeal_id")).values("closed_at")[:1]
        ended += SupervisionSlip.objects.filter(closed_at__isnull=True, appeal__status=status).update(
            closed_at=Subquery(closed_at), close_note=note
        )
    return ended
