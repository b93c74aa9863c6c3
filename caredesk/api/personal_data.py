"""The api app holds tokens, not customers' data (customers.holdings)."""

from __future__ import annotations

from caredesk.api.models import ApiToken
from caredesk.customers.holdings import NoCustomerData, declare

declare(NoCustomerData(ApiToken, "A member of staff's API token (its digest)."))
