"""Deny by default: every URL, every role, and an anonymous visitor.

Each desk view must say who may use it (`requires(Can.X)`) or be one of the few public
pages. The walk then checks that each role gets in exactly where its capabilities say,
and that nobody else does, by GET and by POST.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from caredesk.api.services import api_token_create
from caredesk.cases.models import CaseKind, Channel
from caredesk.cases.services import case_create
from caredesk.complaints.hazards import hazard_report
from caredesk.complaints.models import (
    Complaint,
    ComplaintPromise,
    HazardEvidence,
    PromiseKind,
)
from caredesk.conftest import make_staff
from caredesk.core.store import store_put
from caredesk.core.tests.files import image
from caredesk.customers.consent import consent_record
from caredesk.customers.models import CustomerType
from caredesk.customers.representatives import representative_record
from caredesk.customers.services import customer_create
from caredesk.privacy.breaches import breach_report
from caredesk.privacy.disclosures import disclosure_request_log
from caredesk.privacy.models import ReadingAlert
from caredesk.staff.models import Role
from caredesk.staff.permissions import Can, allowed
from caredesk.standards import load_policy
from caredesk.telephony.models import CallImport
from caredesk.visits.interviews import ActionAgreed, Where, interview_record
from caredesk.visits.models import Appointment, OfficeClosure, OfficeDetails
from caredesk.visits.reception import visitor_arrive

PUBLIC = {
    "policies:standards",
    "staff:login",
    "staff:logout",
    # the offices as the public meets them: hours, closures, how to visit, the poster
    "offices:list",
    "offices:office",
    "offices:poster",
    # an officer's calendar feed, for calendar programs: its secret address is the key
    "visits:calendar_feed",
    # a published annual complaints report and its PDF (404 until published)
    "complaints:annual_public",
    "complaints:annual_public_pdf",
}


def walk(
    patterns: list[Any], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            space = ":".join(filter(None, [namespace, entry.namespace or ""]))
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), space)
        else:
            name = f"{namespace}:{entry.name}" if namespace else (entry.name or "")
            yield name, prefix + str(entry.pattern), entry


def desk_urls() -> list[tuple[str, str, URLPattern]]:
    return [u for u in walk(get_resolver().url_patterns) if not u[1].startswith("api/")]


def api_endpoints() -> list[tuple[str, str, URLPattern]]:
    """The API's operations (not its root, the catch-all for unknown paths, or its schema)."""
    return [
        u
        for u in walk(get_resolver().url_patterns)
        if u[0].startswith("api:v1:") and u[0] not in {"api:v1:openapi-json", "api:v1:api-root"}
    ]


def test_every_desk_view_names_who_may_use_it_or_is_deliberately_public():
    for name, route, pattern in desk_urls():
        view = pattern.callback
        if name in PUBLIC:
            assert getattr(view, "login_required", True) is False, f"{name} should be public"
        else:
            assert isinstance(getattr(view, "required", None), Can), (
                f"{route} ({name}) does not say who may use it: decorate it with requires(Can.X)"
            )
            assert getattr(view, "login_required", True) is True, f"{name} skips the sign-in check"


@pytest.fixture
def world(people, clock, tmp_path, settings):
    settings.CAREDESK_MAIL_STORE = tmp_path / "store"
    rejects = tmp_path / "Master.csv.rejects.csv"
    rejects.write_text("line,reason,row\n")
    call_import = CallImport.objects.create(
        file_name="Master.csv",
        file_format="asterisk",
        started_at=clock.now(),
        rows_rejected=1,
        rejects_file=str(rejects),
    )
    customer = customer_create(
        customer_type=CustomerType.TENANT, first_name="Sam", last_name="Okafor"
    )
    case = case_create(
        kind=CaseKind.GENERAL_ENQUIRY,
        channel=Channel.LETTER,
        received_at=clock.now() - timedelta(days=1),
        subject="Noise from next door",
        customer=customer,
        assign_to=people.officer,
        by=people.officer,
    )
    visit = visitor_arrive(
        office=people.team.office,
        visitor_name="Sam Okafor",
        reason="Rent",
        arrived_at=clock.now(),
        by=people.officer,
        policy=load_policy("halton"),
        clock=clock,
    )
    appointment = Appointment.objects.create(
        case=case,
        officer=people.officer,
        kind="home_visit",
        home_visit_why="illness",
        starts_at=clock.now() + timedelta(days=1),
        ends_at=clock.now() + timedelta(days=1, hours=1),
        booked_by=people.officer,
        booked_at=clock.now(),
    )
    OfficeDetails.objects.create(office=visit.office, slug="runcorn")  # its poster
    closure = OfficeClosure.objects.create(
        office=visit.office, first_day=clock.now().date(), last_day=clock.now().date()
    )
    interview = interview_record(
        case=case,
        held_at=clock.now() - timedelta(hours=1),
        where=Where(office=visit.office),
        officers=[people.officer],
        issues="Noise",
        actions=[ActionAgreed("Write to the neighbour", people.officer, clock.now().date())],
        by=people.officer,
        policy=load_policy("halton"),
        clock=clock,
    )
    complaint = Complaint.objects.create(case=case, created_at=clock.now())
    promise = ComplaintPromise.objects.create(
        complaint=complaint,
        stage=1,
        kind=PromiseKind.REMEDY,
        what="Pay £50",
        owner=people.officer,
        due_on=clock.now().date(),
    )
    hazard = hazard_report(
        case=case,
        hazard_type="damp_and_mould",
        severity="significant",
        description="Mould",
        by=people.officer,
        policy=load_policy("halton"),
        clock=clock,
    )
    evidence = HazardEvidence.objects.create(
        hazard=hazard,
        sha256=store_put(image("PNG")),
        file_name="mould.png",
        content_type="image/png",
        size=len(image("PNG")),
        added_by=people.officer,
        added_at=clock.now(),
    )
    disclosure = disclosure_request_log(
        customer=customer,
        requester_kind="police",
        requester_name="DC Rhodes",
        matter="antisocial",
        asked="Tenancy start date",
        received_at=clock.now(),
        by=people.officer,
        clock=clock,
    )
    consent = consent_record(
        customer=customer,
        purpose="marketing",
        given_how="written",
        given_at=clock.now(),
        by=people.officer,
        clock=clock,
    )
    representative = representative_record(
        customer=customer,
        name="Ada Okafor",
        kind="family",
        covers_everything=True,
        given_how="written",
        starts_at=clock.now(),
        by=people.officer,
        clock=clock,
    )
    breach = breach_report(
        became_aware_at=clock.now() - timedelta(hours=1),
        what_happened="A letter went to the wrong address",
        by=people.officer,
        policy=load_policy("halton"),
        clock=clock,
    )
    alert = ReadingAlert.objects.create(
        staff=people.outsider,
        window_starts=clock.now() - timedelta(days=1),
        window_ends=clock.now(),
        raised_at=clock.now(),
        customers=30,
        no_case_at_all=0,
    )
    return {
        "alert_id": alert.pk,  # an alert of unusual reading (privacy:reading_alert)
        "consent_id": consent.pk,  # the customer page's consents and representatives
        "representative_id": representative.pk,
        "disclosure_id": disclosure.pk,  # a request in the disclosure log (privacy)
        "breach_id": breach.pk,
        "hazard_id": hazard.pk,
        "evidence_id": evidence.pk,
        "action_id": interview.actions.get().pk,
        "interview_id": interview.pk,
        "promise_id": promise.pk,
        "appointment_id": appointment.pk,
        "office_id": visit.office_id,
        "visit_id": visit.pk,
        "closure_id": closure.pk,
        "reference": case.reference,
        "key": "mail.emails",  # a panel of the case page (cases:panel)
        "pk": customer.pk,
        "import_id": call_import.pk,
        "username": people.officer.username,  # staff accounts (staff:account)
        "year": 2025,  # an annual complaints report's year (complaints:annual_*)
        "provision": "1.2",  # a provision of the Complaint Handling Code
        **correspondence(case, people, clock),
    }


def correspondence(case, people, clock) -> dict[str, Any]:
    """An email with an attachment, a letter received with its scan, a letter written
    with a file and a translation asked for: the ids the mail and documents pages take."""
    from pathlib import Path

    from caredesk.core.store import store_put
    from caredesk.documents.models import CaseDocument, CaseLetter, Snippet, TranslationRequest
    from caredesk.mail.models import ReceivedLetter
    from caredesk.mail.services import email_receive
    from caredesk.standards import load_policy

    raw = (Path(__file__).parents[2] / "mail/tests/messages/inline_image.eml").read_bytes()
    email = email_receive(raw=raw, source="walk", policy=load_policy("halton"), clock=clock).email
    received = ReceivedLetter.objects.create(
        case=case,
        sender="Sam Okafor",
        received_at=clock.now(),
        logged_at=clock.now(),
        logged_by=people.administrator,
        scan_type="application/pdf",
        scan_size=8,
        scan_sha256=store_put(b"%PDF-1.7"),
    )
    written = CaseLetter.objects.create(
        case=case,
        kind="response",
        subject="Noise",
        body="We will visit.",
        signed_by=people.officer,
        written_at=clock.now(),
    )
    document = CaseDocument.objects.create(
        case=case,
        letter=written,
        format="standard_print",
        file_name="letter.pdf",
        content_type="application/pdf",
        size=8,
        sha256=store_put(b"%PDF-1.7"),
        created_at=clock.now(),
    )
    asked = TranslationRequest.objects.create(
        case=case,
        letter=written,
        language="Polish",
        requested_at=clock.now(),
        requested_by=people.officer,
    )
    snippet = Snippet.objects.create(
        title="Thanks for writing",
        text="Thank you for writing to us about {{ case.subject }}.",
        updated_at=clock.now(),
        updated_by=people.administrator,
    )
    return {
        "email_id": email.pk,
        "attachment_id": email.attachments.first().pk,  # type: ignore[union-attr]
        "received_id": received.pk,
        "letter_id": written.pk,
        "document_id": document.pk,
        "request_id": asked.pk,
        "snippet_id": snippet.pk,
        "name": "note",  # an action of the case page (cases:action_form)
        # pages that need more than their address: the snippet filled in for the case
        "queries": {"documents:snippet_filled": f"?snippet={snippet.pk}"},
        "kind": "acknowledgement",
        "medium": "email",
    }


def concrete(route: str, world: dict[str, Any], name: str = "") -> str:
    """The route with real values: '<str:reference>' becomes a case reference, and so on;
    with the query the page `name` needs, if it needs one (`world["queries"]`)."""
    import re

    def fill(match: re.Match[str]) -> str:
        return str(world.get(match.group(2), 1))

    query: str = world.get("queries", {}).get(name, "")
    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, route) + query


# complaints' pages that are not about the walk's case being a complaint
COMPLAINT_PAGES_OF_ANY_CASE = {
    "complaints:promise_done",
    "complaints:hazard_new",  # a hazard is reported on any case
    "complaints:hazard",
    "complaints:hazard_evidence",
    # the annual complaints report: a year's, not a case's
    "complaints:annual_reports",
    "complaints:annual_report",
    "complaints:annual_provision",
    "complaints:annual_learning",
    "complaints:annual_response",
    "complaints:annual_publish",
    "complaints:annual_pdf",
}
PERSONAS = [*Role, None]  # every role, and a member of staff with no role at all


@pytest.mark.parametrize("role", PERSONAS, ids=lambda r: r.value if r else "no_role")
@pytest.mark.parametrize("method", ["get", "post"])
def test_each_role_gets_in_exactly_where_its_capabilities_allow(client, world, role, method):
    person = make_staff(f"pat_{role.value if role else 'none'}", *([role] if role else []))
    client.force_login(person)
    for name, route, pattern in desk_urls():
        if name in PUBLIC:
            continue
        url = concrete(route, world, name)
        response = getattr(client, method)(url)
        may = allowed(person, pattern.callback.required)  # type: ignore[attr-defined]
        if may:
            # GET: the page, or "use POST" for an action; POST with nothing filled in:
            # the form again with its errors, or done and redirected.
            expected: tuple[int, ...] = (200, 405) if method == "get" else (200, 302, 400, 405)
            if name == "staff:home":
                expected = (302,)  # to the person's starting page
            if name in ("notifications:mark_read", "notifications:digest"):
                expected = (404, 405)  # the walk's id is not a notification of theirs
            if name == "reporting:behind" and method == "get":
                expected = (400,)  # a link that names no figure
            if name == "cases:action_form" and method == "get":
                expected = (302,)  # asked for outside htmx: the case page with every form
            if name.startswith("complaints:") and name not in COMPLAINT_PAGES_OF_ANY_CASE:
                expected = (302,)  # the walk's case is no complaint: back to it, told why
            if name in (
                "privacy:subject_access",
                "privacy:erasure",
                "privacy:rectification",
                "privacy:restriction",
                "privacy:information",
            ):
                expected = (302,)  # the walk's case is no such request: back to it, told why
            if name == "privacy:subject_access_download":
                expected = (404,)  # no export has been made to download
            if name == "privacy:breach_of_case":
                expected = (404,)  # the walk's case is no breach
            assert response.status_code in expected, (
                f"{role} got {response.status_code} at {method.upper()} {url}"
            )
        else:
            assert response.status_code == 403, (
                f"{role} got {response.status_code} at {method.upper()} {url}, expected 403"
            )


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_anonymous_visitor_is_sent_to_sign_in_from_every_desk_page(client, world, method):
    login = reverse("staff:login")
    for name, route, _ in desk_urls():
        if name in PUBLIC:
            continue
        url = concrete(route, world, name)
        response = getattr(client, method)(url)
        assert response.status_code == 302, (
            f"{method.upper()} {url} answered {response.status_code}"
        )
        assert response["Location"].startswith(login)


def test_an_anonymous_caller_gets_401_from_every_api_endpoint(client, world):
    routes = [route for _, route, _ in api_endpoints()]
    assert routes, "the API has endpoints"
    for route in routes:
        url = concrete(route, world)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in (401, 405), (
                f"{method.upper()} {url}: {response.status_code}"
            )


def api_capability(pattern: URLPattern, method: str, default: Can) -> Can:
    """The capability the endpoint's token auth asks for (calls imports: IMPORT_CALLS)."""
    view = pattern.callback
    while hasattr(view, "__wrapped__"):
        view = view.__wrapped__
    path_view = next(
        cell.cell_contents
        for cell in view.__closure__ or ()
        if hasattr(cell.cell_contents, "operations")
    )
    for operation in path_view.operations:
        if method.upper() in operation.methods:
            for auth in operation.auth_callbacks:
                return getattr(auth, "capability", default)
    return default


@pytest.mark.parametrize("role", PERSONAS, ids=lambda r: r.value if r else "no_role")
def test_each_role_reaches_exactly_the_api_its_capabilities_allow(client, world, role):
    """Reading needs READ_CASES, writing WORK_CASES, unless the endpoint's token auth
    names another capability; a token acts as its owner."""
    person = make_staff(f"api_{role.value if role else 'none'}", *([role] if role else []))
    token = api_token_create(owner=person, name="walk").secret
    world = {**world, "customer_id": world["pk"]}
    for _, route, pattern in api_endpoints():
        url = concrete(route, world)
        for method, usual in (("get", Can.READ_CASES), ("post", Can.WORK_CASES)):
            capability = api_capability(pattern, method, usual)
            response = getattr(client, method)(
                url, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
            )
            if response.status_code == 405:
                continue  # this path has no such method
            if allowed(person, capability):
                assert response.status_code not in (401, 403), (
                    f"{role} refused at {method.upper()} {url}"
                )
                assert response.status_code < 500, f"{method.upper()} {url} failed for {role}"
            else:
                assert response.status_code == 403, (
                    f"{role} got {response.status_code} at {method.upper()} {url}, expected 403"
                )
