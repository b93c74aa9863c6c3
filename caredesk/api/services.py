"""Creating, using and revoking API tokens."""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Q

from caredesk.api.models import ApiToken
from caredesk.core.clock import Clock, system_clock
from caredesk.errors import CaredeskError
from caredesk.staff.models import StaffMember

TOKEN_START = "cdk"  # every token looks like cdk_<prefix>_<secret>
PREFIX_BYTES = 6  # 12 hex characters
SECRET_BYTES = 32
# `last_used_at` is written at most this often per token, so a busy integration does not
# turn every read into a write.
LAST_USED_PRECISION = timedelta(minutes=1)


_PREFIX = re.compile(f"[0-9a-f]{{{2 * PREFIX_BYTES}}}")


class TokenError(CaredeskError):
    """An API token that cannot be made or revoked: no name, an owner who cannot sign in."""

    code = "api_token_invalid"


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # the whole token: shown once, then only its hash is kept


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def api_token_create(*, owner: StaffMember, name: str, clock: Clock = system_clock) -> NewToken:
    """A new token for `owner`. The returned secret is never stored and cannot be shown again."""
    name = name.strip()
    if not name:
        raise TokenError("Give the token a name that says what it is for.")
    if len(name) > 100:
        raise TokenError("A token's name can be at most 100 characters.")
    if not owner.is_active:
        raise TokenError(f"{owner.username} cannot sign in, so cannot own a token.")
    prefix = secrets.token_hex(PREFIX_BYTES)
    secret = f"{TOKEN_START}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    token = ApiToken.objects.create(
        owner=owner, name=name, prefix=prefix, secret_hash=_digest(secret), created_at=clock.now()
    )
    return NewToken(token=token, secret=secret)


def api_token_revoke(*, prefix: str, clock: Clock = system_clock) -> ApiToken:
    """Stop a token working, at once. Revoking twice keeps the first time."""
    prefix = prefix.strip().lower()
    token = ApiToken.objects.filter(prefix=prefix).first() if _PREFIX.fullmatch(prefix) else None
    if token is None:
        raise TokenError(f"There is no token with the prefix '{prefix}'.")
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=clock.now())
    token.refresh_from_db()
    return token


def api_token_authenticate(*, secret: str, clock: Clock = system_clock) -> ApiToken | None:
    """The token this secret belongs to, if it is valid, unrevoked and its owner active."""
    start, _, rest = secret.partition("_")
    prefix, _, _ = rest.partition("_")
    if start != TOKEN_START or not _PREFIX.fullmatch(prefix):
        return None
    token = (
        ApiToken.objects.select_related("owner")
        .filter(prefix=prefix, revoked_at__isnull=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.secret_hash, _digest(secret)):
        return None
    if not token.owner.is_active:
        return None
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        stale = Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_PRECISION)
        ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
