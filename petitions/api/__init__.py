"""REST API of appeals. Thin: selectors read (scoped), services write; serializers only shape.
`appeals`: appeals and their actions (from petitions.actions) and the modules; `slips`: the
supervision slips."""

from .appeals import AppealViewSet, ModuleViewSet
from .slips import SlipViewSet

__all__ = ["AppealViewSet", "ModuleViewSet", "SlipViewSet"]
