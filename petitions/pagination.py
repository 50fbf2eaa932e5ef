"""Paging over a million appeals: counting every match of a broad filter costs more than the
page itself, so counts stop at COUNT_CAP. Nobody pages past 200 pages of 50; they filter."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.response import Response

from gridgov.api import Pagination

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    @cached_property
    def counted(self) -> int:
        # COUNT(*) over a LIMITed subquery: stops reading after COUNT_CAP + 1 rows. The cap is
        # read from the module each time so that tests can lower it.
        from . import pagination

        return self.object_list[: pagination.COUNT_CAP + 1].count()

    @cached_property
    def count(self) -> int:
        from . import pagination

        return min(self.counted, pagination.COUNT_CAP)

    @property
    def capped(self) -> bool:
        from . import pagination

        return self.counted > pagination.COUNT_CAP


class AppealPagination(Pagination):
    """The project's page-number pagination, with `count` capped at 10,000 and `count_capped`
    saying when there are more."""

    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "count_capped": self.page.paginator.capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_capped"] = {
            "type": "boolean",
            "description": f"true when more than {COUNT_CAP:,} match: count stops there; narrow the filters",
        }
        return response
