from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """True when htmx asked for a fragment of the page (django-htmx sets request.htmx)."""
    return bool(getattr(request, "htmx", False))
