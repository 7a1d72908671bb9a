from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """Pages of ``PAGE_SIZE`` records; ``?page_size=`` lets a sync client ask for larger pages, up to a limit."""

    page_size_query_param = "page_size"
    max_page_size = 200
