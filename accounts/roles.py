"""The roles live beside the grid tree they are held on: grids.roles. This name stays for the
code that imports it from here."""

from grids.roles import *  # noqa: F403
from grids.roles import __all__  # noqa: F401
