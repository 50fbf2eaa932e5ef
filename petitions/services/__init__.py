"""Every write of the appeals app. Pages, the API, Open311, the admin, commands and the seed
call these; none re-implements them."""

from .extensions import appeal_decide_extension, appeal_request_extension
from .intake import appeal_create
from .keys import open311_key_create, open311_key_revoke
from .lifecycle import (
    appeal_add_photos,
    appeal_dispatch,
    appeal_dispatch_down,
    appeal_merge,
    appeal_register,
    appeal_reject,
    appeal_reopen,
    appeal_reply,
    appeal_return,
    appeal_return_visit,
    appeal_rework,
    appeal_sign,
    appeal_transfer,
    appeal_verify,
)
from .modules import (
    calendar_day_set,
    calendar_days_import,
    calendar_missing_notify,
    module_defaults_ensure,
    module_owners_link,
    module_update,
)
from .reveal import appeal_reporter_reveal

__all__ = [
    "appeal_add_photos",
    "appeal_create",
    "appeal_decide_extension",
    "appeal_dispatch",
    "appeal_dispatch_down",
    "appeal_merge",
    "appeal_register",
    "appeal_reject",
    "appeal_reopen",
    "appeal_reply",
    "appeal_reporter_reveal",
    "appeal_request_extension",
    "appeal_return",
    "appeal_return_visit",
    "appeal_rework",
    "appeal_sign",
    "appeal_transfer",
    "appeal_verify",
    "calendar_day_set",
    "calendar_days_import",
    "calendar_missing_notify",
    "module_defaults_ensure",
    "module_owners_link",
    "module_update",
    "open311_key_create",
    "open311_key_revoke",
]
