"""The REST API root: one NinjaAPI, version 1, with each app's router under /api/v1/.

The OpenAPI document is at /api/openapi.json, open to anyone: it describes the API and
holds no records. There is no interactive docs page: Swagger UI would load its scripts
from a CDN into a site that shows personal data. Load the document into any OpenAPI
viewer instead.
"""

from ninja import NinjaAPI

from caredesk.api import problems
from caredesk.cases.api import router as cases_router
from caredesk.customers.api import router as customers_router
from caredesk.telephony.api import router as calls_router

DESCRIPTION = """\
caredesk's REST API for integrations.

Authenticate with an API token (`caredesk apitoken create USERNAME --name NAME`) sent as
`Authorization: Bearer <token>`. The token acts as its owner: reading needs a role that
may read cases, changing needs one that may work on cases.

Times are ISO 8601 in Europe/London with their UTC offset; a time sent without an
offset is read as Europe/London time. Lists are paged by cursor: pass a page's `next`
as `cursor` to get the next page (`limit` up to 100). Errors are
`application/problem+json` (RFC 9457) with a stable `code`, and for invalid input an
`errors` list naming each field.
"""

api = NinjaAPI(
    title="caredesk API",
    version="1",
    description=DESCRIPTION,
    openapi_url="/openapi.json",
    docs_url=None,
    urls_namespace="api:v1",
)
problems.install(api)
api.add_router("/v1/", cases_router)
api.add_router("/v1/", customers_router)
api.add_router("/v1/", calls_router)
