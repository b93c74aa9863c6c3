"""Every error the API answers is `application/problem+json` (RFC 9457).

A problem has `type`, `title`, `status`, `detail` and `instance`, plus two members of our
own: `code`, a stable word a program can test (CaredeskError codes among them), and,
for invalid input, `errors`: one entry per field, naming it.

The OpenAPI document declares every problem an operation can answer, as
`application/problem+json` with the `Problem` schema (`document_problems`): each route
names its own (404, 409...), and the ones every operation shares are added here: 401
and 403 wherever a token is needed, 400, 413 and 422 wherever a body is read, 422
wherever a parameter is, and 503 everywhere (the database is out of reach). The fuzz
test (tests/test_fuzz.py) holds the API to the document.
"""

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from caredesk.cases.errors import CaseChanged, CaseStatusForbids
from caredesk.errors import CaredeskError, NotAllowed

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_SCHEMA = "#/components/schemas/Problem"
LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "file"}
# Names the handlers give their schema parameters; they are not part of a field's name.
PARAMETER_NAMES = {"payload", "filters"}


class FieldProblem(Schema):
    field: str
    message: str
    location: str


class Problem(Schema):
    """An RFC 9457 problem document (`application/problem+json`): `code` is a stable word
    a program can test; `errors`, for invalid input, names each field and says why."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    code: str
    errors: list[FieldProblem] | None = None


# The answers every endpoint may give besides its own, for the OpenAPI document.
AUTH_PROBLEMS: dict[int, type[Problem]] = {401: Problem, 403: Problem}
INPUT_PROBLEMS: dict[int, type[Problem]] = {400: Problem, 422: Problem}


class FieldError(Exception):
    """A field the handler checked itself, such as a username that matches nobody."""

    def __init__(self, field: str, message: str, location: str = "body") -> None:
        super().__init__(message)
        self.problem = FieldProblem(field=field, message=message, location=location)


class Conflict(CaredeskError):
    """The request is well formed but the record is not in a state that allows it."""

    code = "conflict"


class NotFound(Http404):
    """Nothing has this reference or id. `message` is shown to the caller."""


# A case changed by someone else first (cases.locks) is a conflict with the record as it
# is now, as is an action its status does not allow.
STATUS_BY_ERROR: dict[type[CaredeskError], int] = {
    NotAllowed: 403,
    Conflict: 409,
    CaseStatusForbids: 409,
    CaseChanged: 409,
}

TITLES = {
    400: "The request could not be read",
    401: "Sign in with an API token",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "The request conflicts with the record as it is now",
    413: "The request is too large",
    422: "Some fields are not valid",
    503: "The service is unavailable",
}

# What each problem means, for the OpenAPI document.
MEANINGS = {
    400: "The body could not be read (not JSON, or not UTF-8), or what it asks for cannot "
    "be done (a holding reply with no reason, a deadline already met: `code` says which). "
    "An action the case's current status forbids is a conflict: 409.",
    401: "No API token, or one that is unknown or revoked.",
    403: "The token's owner has no role that may do this.",
    404: "Nothing has this reference or id.",
    409: "The record is not in a state that allows this: the case's status forbids the "
    "action (`case_status_forbids`: responding to a closed case, say), or another officer "
    "changed it first. `detail` says what it is now (for a case, who made it so and when).",
    413: "The body, or an uploaded file, is larger than allowed: `detail` gives the limit.",
    422: "Some fields are not valid: `errors` names each field, where it was, and why.",
    503: "The service cannot answer now (its database is out of reach): try again after "
    "`Retry-After` seconds.",
}
HEADERS = {
    401: {"WWW-Authenticate": "How to authenticate: `Bearer`."},
    503: {"Retry-After": "Seconds to wait before trying again."},
}


def problem(
    request: HttpRequest,
    *,
    status: int,
    code: str,
    detail: str,
    errors: Iterable[FieldProblem] | None = None,
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": f"urn:caredesk:problem:{code}",
        "title": TITLES.get(status, "The request failed"),
        "status": status,
        "detail": detail,
        "instance": request.path,
        "code": code,
    }
    if errors is not None:
        body["errors"] = [error.dict() for error in errors]
    response = HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False),
        status=status,
        content_type=f"{PROBLEM_CONTENT_TYPE}; charset=utf-8",
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _field_problem(error: Mapping[str, Any]) -> FieldProblem:
    """One of ninja's (pydantic's) error entries, as a named field and a plain message."""
    loc = [str(part) for part in error.get("loc", ())]
    location = loc.pop(0) if loc and loc[0] in LOCATIONS else "body"
    if loc and loc[0] in PARAMETER_NAMES:
        loc.pop(0)
    message = str(error.get("msg", "This value is not valid."))
    kind = error.get("type")
    if kind == "missing":
        message = "This is required."
    elif kind == "extra_forbidden":
        message = "This field is not expected here."
    elif kind == "value_error":
        message = message.removeprefix("Value error, ")
    return FieldProblem(field=".".join(loc) or "(whole body)", message=message, location=location)


def install(api: NinjaAPI) -> None:
    """Answer every error `api` raises as a problem."""

    @api.exception_handler(ValidationError)
    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [_field_problem(error) for error in exc.errors]
        return _invalid(request, errors)

    @api.exception_handler(FieldError)
    def on_field(request: HttpRequest, exc: FieldError) -> HttpResponse:
        return _invalid(request, [exc.problem])

    @api.exception_handler(AuthenticationError)
    def on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        detail = "Send a valid API token in the header 'Authorization: Bearer <token>'."
        headers = {"WWW-Authenticate": 'Bearer realm="caredesk"'}
        return problem(
            request, status=401, code="not_authenticated", detail=detail, headers=headers
        )

    @api.exception_handler(AuthorizationError)
    def on_authorization(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
        return problem(request, status=403, code=NotAllowed.code, detail=exc.message)

    @api.exception_handler(HttpError)
    def on_http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        detail = exc.message
        if exc.message.startswith("Cannot parse request body"):
            detail = "The request body is not valid JSON."
        return problem(request, status=exc.status_code, code="bad_request", detail=detail)

    @api.exception_handler(RequestDataTooBig)
    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        detail = "The request body is too large."
        if limit is not None:
            detail = f"The request body is too large: it must be at most {limit:,} bytes."
        return problem(request, status=413, code="request_too_large", detail=detail)

    @api.exception_handler(TooManyFieldsSent)
    @api.exception_handler(TooManyFilesSent)
    def on_too_many(
        request: HttpRequest, exc: TooManyFieldsSent | TooManyFilesSent
    ) -> HttpResponse:
        what = "files" if isinstance(exc, TooManyFilesSent) else "fields"
        detail = f"The request has too many {what}: send only the ones this address takes."
        return problem(request, status=413, code="request_too_large", detail=detail)

    @api.exception_handler(MultiPartParserError)
    @api.exception_handler(SuspiciousOperation)
    def on_unreadable(
        request: HttpRequest, exc: MultiPartParserError | SuspiciousOperation
    ) -> HttpResponse:
        detail = "The request body could not be read as the form data it says it is."
        return problem(request, status=400, code="bad_request", detail=detail)

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        detail = str(exc) if isinstance(exc, NotFound) else "There is nothing at this address."
        return problem(request, status=404, code="not_found", detail=detail)

    @api.exception_handler(CaredeskError)
    def on_caredesk(request: HttpRequest, exc: CaredeskError) -> HttpResponse:
        status = next(
            (code for kind, code in STATUS_BY_ERROR.items() if isinstance(exc, kind)), 400
        )
        return problem(request, status=status, code=exc.code, detail=exc.message)


def document_problems(document: dict[str, Any]) -> dict[str, Any]:
    """Declare in an OpenAPI document the problems every operation shares, and give every
    problem answer its content type, `application/problem+json`. Changes `document`."""
    for operation in _operations(document):
        answers = {int(status): answer for status, answer in operation["responses"].items()}
        shared = {503}
        if operation.get("security"):
            shared |= {401, 403}
        if operation.get("requestBody"):
            shared |= {400, 413, 422}
        if operation.get("parameters"):
            shared |= {422}
        for status in shared:
            answers.setdefault(status, _problem_answer(status))
        operation["responses"] = {
            str(status): _problem_answer(status) if _is_problem(answer) else answer
            for status, answer in sorted(answers.items())
        }
    return document


def _operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    methods = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
    return [
        operation
        for path in document.get("paths", {}).values()
        for method, operation in path.items()
        if method in methods
    ]


def _is_problem(answer: dict[str, Any]) -> bool:
    schemas = [media.get("schema", {}) for media in answer.get("content", {}).values()]
    return bool(schemas) and all(schema.get("$ref") == PROBLEM_SCHEMA for schema in schemas)


def _problem_answer(status: int) -> dict[str, Any]:
    """An OpenAPI response: a Problem, as problem+json, with what it means."""
    answer: dict[str, Any] = {
        "description": MEANINGS.get(status, TITLES.get(status, "The request failed.")),
        "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": PROBLEM_SCHEMA}}},
    }
    if status in HEADERS:
        answer["headers"] = {
            name: {"description": meaning, "schema": {"type": "string"}}
            for name, meaning in HEADERS[status].items()
        }
    return answer


def _invalid(request: HttpRequest, errors: list[FieldProblem]) -> HttpResponse:
    fields = ", ".join(dict.fromkeys(error.field for error in errors))
    return problem(
        request,
        status=422,
        code="validation_failed",
        detail=f"Correct these and send the request again: {fields}.",
        errors=errors,
    )
