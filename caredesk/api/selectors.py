"""Reading API tokens."""

from django.db.models import QuerySet

from caredesk.api.models import ApiToken


def api_token_list() -> QuerySet[ApiToken]:
    """Every token, newest first, with its owner."""
    return ApiToken.objects.select_related("owner").order_by("-created_at", "-pk")
