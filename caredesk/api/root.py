"""The REST API root: one NinjaAPI, version 1, with each app's router under /api/v1/.

The OpenAPI document is at /api/openapi.json, open to anyone: it describes the API and
holds no records. There is no interactive docs page: Swagger UI would load its scripts
from a CDN into a site that shows personal data. Load the document into any OpenAPI
viewer instead.
"""

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from caredesk.api import problems
from caredesk.api.calls import router as calls_router
from caredesk.api.cases import router as cases_router
from caredesk.api.customers import router as customers_router
from caredesk.api.hazards import router as hazards_router

DESCRIPTION = """\
caredesk's REST API for integrations.

Authenticate with an API token (`caredesk apitoken create USERNAME --name NAME`) sent as
`Authorization: Bearer <token>`. The token acts as its owner: reading needs a role that
may read cases, changing needs one that may work on cases.

Times are ISO 8601 in Europe/London with their UTC offset; a time sent without an
offset is read as Europe/London time. Lists are paged by cursor: pass a page's `next`
as `cursor` to get the next page (`limit` up to 100). Errors are
`application/problem+json` (RFC 9457) with a stable `code`, and for invalid input an
`errors` list naming each field; each operation lists the problems it can answer. Text
that cannot be stored (a NUL character, an unpaired surrogate such as a JSON `\\ud800`
escape) is refused with 422, naming the field.
"""

# Clients are generated from the document, so an operationId must not change when the
# code behind it moves: each router keeps the prefix its operations were published with
# (when the routers lived in their apps). A new router gets django-ninja's default,
# its module's path: caredesk_api_<router>_<function>.
OPERATION_ID_PREFIXES = {
    "caredesk.api.cases": "caredesk_cases_api",
    "caredesk.api.customers": "caredesk_customers_api",
    "caredesk.api.calls": "caredesk_telephony_api",
}


class Api(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """The document, with every problem each operation can answer (problems.py)."""
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        problems.document_problems(document)
        return document

    def get_openapi_operation_id(self, operation: Operation) -> str:
        module = operation.view_func.__module__
        prefix = OPERATION_ID_PREFIXES.get(module, module.replace(".", "_"))
        return f"{prefix}_{operation.view_func.__name__}"


api = Api(
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
api.add_router("/v1/", hazards_router)
