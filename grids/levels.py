"""The five levels of the grid tree. Its own module so that the roles (grids.roles), which say
on which levels each post is held, and the models can both read it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    """A node's depth in the tree is its level (MPTT's own `level` column)."""

    DISTRICT = 0, _("District")  # 区
    STREET = 1, _("Street / township")  # 街道/乡镇
    COMMUNITY = 2, _("Community")  # 社区 = 基本网格
    BASE_GRID = 3, _("Base grid")  # 基础网格, 500–800 households
    UNIT_GRID = 4, _("Unit grid")  # 单元网格, 100–250 households
