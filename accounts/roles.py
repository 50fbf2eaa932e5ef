"""`accounts.roles` is `grids.roles`: the roles live beside the grid tree they read. This name stays
(the same module object, not a copy) for the code that imports it from here."""

import sys

from grids import roles

sys.modules[__name__] = roles
