"""The appeal's choices: where it came from, its status, priority, colour and rating (the
lifecycle's table is petitions.transitions). `petitions.models` re-exports them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    HOTLINE = "hotline", _("96361 hotline")
    VISIT = "visit", _("Door-to-door visit")  # 走访
    GRID = "grid", _("Grid-worker report")  # 网格员上报
    WEB = "web", _("Web / phone page")
    OPEN311 = "open311", _("Open311 client")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")  # 受理
    REGISTERED = "registered", _("Registered")  # 立案
    DISPATCHED = "dispatched", _("Dispatched")  # 分流交办
    IN_PROGRESS = "in_progress", _("In progress")  # 签收办理
    REPLIED = "replied", _("Replied")  # 答复
    VERIFIED = "verified", _("Verified, awaiting return visit")  # 核查通过, 待回访
    CLOSED = "closed", _("Closed")  # 办结
    REJECTED = "rejected", _("Rejected")  # 不予受理
    MERGED = "merged", _("Merged into another appeal")  # 重复件, 并案


OPEN_STATUSES = (
    Status.RECEIVED,
    Status.REGISTERED,
    Status.DISPATCHED,
    Status.IN_PROGRESS,
    Status.REPLIED,
    Status.VERIFIED,
)
# The handling unit holds the case in these (the unit's clock is running).
HANDLING_STATUSES = (Status.DISPATCHED, Status.IN_PROGRESS)


class Priority(models.TextChoices):
    URGENT = "urgent", _("Urgent (same working day)")
    NORMAL = "normal", _("Normal (the module's limit)")
    COMPLEX = "complex", _("Complex (13 working days)")


class Colour(models.TextChoices):
    """The four-colour supervision ladder (四色督办); issue 5's task sets it, a repeat raises it."""

    NONE = "", _("None")
    BLUE = "blue", _("Blue")
    YELLOW = "yellow", _("Yellow")
    ORANGE = "orange", _("Orange")
    RED = "red", _("Red")


COLOUR_RANK = {"": 0, "blue": 1, "yellow": 2, "orange": 3, "red": 4}


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")  # 满意
    BASIC = "basic", _("Basically satisfied")  # 基本满意
    DISSATISFIED = "dissatisfied", _("Dissatisfied")  # 不满意
    UNREACHABLE = "unreachable", _("Unreachable")  # 联系不上
