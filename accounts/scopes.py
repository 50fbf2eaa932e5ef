"""The scope lives beside the grid tree it reads: grids.scopes. This name stays for the code
that imports it from here."""

from grids.scopes import *  # noqa: F403
from grids.scopes import __all__  # noqa: F401
