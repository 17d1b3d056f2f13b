"""The API's lists (in its own module: DRF reads the setting while samverkan.api is importing)."""

from rest_framework import pagination


class Pagination(pagination.PageNumberPagination):
    """Page-numbered lists, 50 per page by default; `page_size` up to 500."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
