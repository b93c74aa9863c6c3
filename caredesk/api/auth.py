"""Bearer tokens, and the capability each endpoint needs (deny by default)."""

from typing import Any

from django.http import HttpRequest
from ninja.errors import AuthorizationError
from ninja.security import HttpBearer

from caredesk.api.clock import api_clock
from caredesk.api.services import api_token_authenticate
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can, allowed


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; the token acts as its owner, with the owner's roles.

    No token, or one that is unknown or revoked: 401. A valid token whose owner lacks
    `capability`: 403. Both are checked before the request's input is read.
    """

    def __init__(self, capability: Can) -> None:
        super().__init__()
        self.capability = capability

    def authenticate(self, request: HttpRequest, token: str) -> StaffMember | None:
        found = api_token_authenticate(secret=token.strip(), clock=api_clock)
        if found is None:
            return None
        owner = found.owner
        if not allowed(owner, self.capability):
            raise AuthorizationError(
                message=f"This token's owner ({owner.username}) may not do this: "
                f"it needs a role that can {self.capability.name.lower().replace('_', ' ')}."
            )
        return owner


reads = TokenAuth(Can.READ_CASES)
writes = TokenAuth(Can.WORK_CASES)
imports = TokenAuth(Can.IMPORT_CALLS)  # call records files (api/calls.py)
# An import's refused rows hold callers' numbers: for those who may also read calls.
call_rejects = TokenAuth(Can.DOWNLOAD_CALL_REJECTS)


def acting(request: HttpRequest) -> StaffMember:
    """The member of staff the request's token acts for (set by TokenAuth)."""
    staff: Any = getattr(request, "auth", None)
    if not isinstance(staff, StaffMember):  # an endpoint without auth: a programming error
        raise AuthorizationError(message="This endpoint needs a token.")
    return staff
