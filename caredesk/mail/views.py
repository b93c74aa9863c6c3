"""The desk's mail pages: an email as it came, the review list, the letters register.

Every page showing a customer's email or letter records the read (DESIGN 7).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from caredesk.core.active_policy import active_policy
from caredesk.core.clock import Clock, system_clock
from caredesk.core.file_checks import file_extension
from caredesk.customers.models import Customer
from caredesk.customers.picking import customer_chosen, customers_pick_list, url_with_customer
from caredesk.customers.services import customer_access_record, customer_file_download
from caredesk.errors import CaredeskError
from caredesk.mail import services
from caredesk.mail.attachments import (
    attachment_check,
    email_attachments_checked,
    inline_for_preview,
    scan_check,
)
from caredesk.mail.forms import LetterLogForm
from caredesk.mail.letters_register import (
    letter_earlier_find,
    letter_log,
    letter_scan_sign,
    letter_scan_unsign,
)
from caredesk.mail.models import EmailAttachment, InboundEmail, ReceivedLetter
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can

REGISTER_PAGE = 50


def _staff(request: HttpRequest) -> StaffMember:
    return request.user  # type: ignore[return-value]


@requires(Can.READ_CASES)
@require_GET
def email_detail(request: HttpRequest, email_id: int, clock: Clock = system_clock) -> HttpResponse:
    email = get_object_or_404(InboundEmail.objects.select_related("case__customer"), pk=email_id)
    customer_access_record(
        customers=[email.customer], by=_staff(request), what=f"email {email.pk}", clock=clock
    )
    attachments = email_attachments_checked(email=email)
    return render(
        request,
        "mail/email.html",
        {
            "email": email,
            "attachments": attachments,
            "download_only": [each for each in attachments if each.checked is None],
            "answers": email.answers.order_by("created_at"),
        },
    )


@requires(Can.READ_CASES)
@require_GET
def email_raw(request: HttpRequest, email_id: int, clock: Clock = system_clock) -> FileResponse:
    """The message exactly as it came, as an .eml file any mail program opens."""
    email = get_object_or_404(InboundEmail.objects.select_related("case__customer"), pk=email_id)
    return customer_file_download(
        email.raw_sha256,
        name=f"email-{email.pk}.eml",
        content_type="message/rfc822",
        customer=email.customer,
        by=_staff(request),
        what=f"email {email.pk} as it came",
        clock=clock,
    )


@requires(Can.READ_CASES)
@require_GET
def attachment_download(
    request: HttpRequest, attachment_id: int, clock: Clock = system_clock
) -> FileResponse:
    """The attachment as a download; with `?view=1`, shown in the browser, but only if it
    passed the check (mail.attachments). Either way with nosniff."""
    attachment = get_object_or_404(
        EmailAttachment.objects.select_related("email__case__customer"), pk=attachment_id
    )
    checked = attachment_check(attachment=attachment).checked if "view" in request.GET else None
    response = customer_file_download(
        attachment.sha256,
        name=attachment.file_name,
        content_type=checked.content_type if checked else attachment.content_type,
        customer=attachment.email.customer,
        by=_staff(request),
        what=f"attachment {attachment.file_name}",
        clock=clock,
    )
    if checked is not None:
        inline_for_preview(response, name=attachment.file_name)
    return response


# -- the review list --------------------------------------------------------------------


@requires(Can.WORK_CASES)
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    waiting = InboundEmail.objects.filter(
        threading__in=services.REVIEWED, reviewed_at__isnull=True
    ).order_by("received_at", "pk")
    return render(request, "mail/review.html", {"emails": waiting[:100], "count": waiting.count()})


@requires(Can.WORK_CASES)
def review_decide(request: HttpRequest, email_id: int, clock: Clock = system_clock) -> HttpResponse:
    """One email on the review list: choose its customer (search, or a new record made
    from the sender) and open a case; or say there is nothing to do."""
    email = get_object_or_404(InboundEmail, pk=email_id)
    params = request.POST if request.method == "POST" else request.GET
    customer = customer_chosen(params.get("customer"))
    if request.method != "POST":
        return _review_email_page(request, email, customer, clock=clock)
    try:
        decision = request.POST.get("decision")
        if decision not in ("open_case", "dismiss"):
            messages.error(request, "Choose to open a case or that there is nothing to do.")
            return redirect("mail:review")
        if decision == "open_case":
            case = services.email_review_open_case(
                email=email,
                by=_staff(request),
                policy=active_policy(),
                clock=clock,
                customer=customer,
            )
            messages.success(request, f"Case {case.reference} opened from the email.")
            return redirect("cases:case", case.reference)
        services.email_review_dismiss(email=email, by=_staff(request), clock=clock)
        messages.success(request, "The email is off the review list.")
    except CaredeskError as error:
        messages.error(request, error.message)
    return redirect("mail:review")


def _review_email_page(
    request: HttpRequest, email: InboundEmail, customer: Customer | None, *, clock: Clock
) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    found = customers_pick_list(text=query)
    here = reverse("mail:review_decide", args=[email.pk])
    from_sender = {
        "sender": email.from_name,
        "sender_email": email.from_address,
        "next": here,
    }
    customer_access_record(
        customers=[customer, *found], by=_staff(request), what="email review", clock=clock
    )
    return render(
        request,
        "mail/review_email.html",
        {
            "email": email,
            "customer": customer,
            "query": query,
            "here": here,
            "choices": [(each, url_with_customer(here, each)) for each in found],
            "new_customer": f"{reverse('customers:new')}?{urlencode(from_sender)}",
        },
    )


# -- the letters register ---------------------------------------------------------------


@requires(Can.WORK_CASES)
def letters_register(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    """Log a letter: the customer chosen first (search, or a new record made from the
    sender), then the letter. A second entry of a letter already logged is flagged
    before it opens a second case: add it to that case, or log it anyway."""
    staff = _staff(request)
    policy = active_policy()
    params = request.POST if request.method == "POST" else request.GET
    customer = customer_chosen(params.get("customer"))
    query = request.GET.get("q", "").strip()
    found = customers_pick_list(text=query)
    initial: dict[str, object] = {"customer": customer}
    if customer is not None:
        initial |= {"sender": customer.name, "sender_address": _address(customer)}
    form = LetterLogForm(request.POST or None, request.FILES or None, initial=initial)
    earlier, scan_token = None, ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scan = data["scan"] or letter_scan_unsign(request.POST.get("scan_kept", ""))
        case = data["reference"]
        choice = request.POST.get("if_earlier", "")
        if case is None and choice != "new":
            earlier = letter_earlier_find(
                sender=data["sender"],
                received_at=data["received_at"],
                zone=policy.working_calendar.zone,
                scan=scan,
                subject=data["subject"],
            )
            if earlier is not None and choice == "add":
                case, earlier = earlier.case, None
        if earlier is not None:
            scan_token = letter_scan_sign(scan) if scan else ""
        else:
            try:
                logged = letter_log(
                    sender=data["sender"],
                    sender_address=data["sender_address"],
                    subject=data["subject"],
                    received_at=data["received_at"],
                    case=case,
                    customer=data["customer"],
                    route_to=data["route_to"],
                    scan=scan or b"",
                    by=staff,
                    policy=policy,
                    clock=clock,
                )
            except CaredeskError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request, f"Letter from {logged.sender} logged on {logged.case.reference}."
                )
                return redirect("mail:letters")
    letters = list(
        ReceivedLetter.objects.select_related(
            "case__customer", "logged_by", "case__assigned_to"
        ).order_by("-received_at", "-pk")[:REGISTER_PAGE]
    )
    customer_access_record(
        customers=[letter.case.customer for letter in letters] + [customer, *found],
        by=staff,
        what="letters register",
        clock=clock,
    )
    here = reverse("mail:letters")
    new_from_sender = {"sender": query, "next": here}
    return render(
        request,
        "mail/letters.html",
        {
            "form": form,
            "letters": letters,
            "customer": customer,
            "query": query,
            "choices": [(each, url_with_customer(here, each)) for each in found],
            "new_customer": f"{reverse('customers:new')}?{urlencode(new_from_sender)}",
            "earlier": earlier,
            "scan_token": scan_token,
        },
        status=400 if form.errors else 200,
    )


def _address(customer: Customer) -> str:
    return "\n".join(line for line in (customer.address, customer.postcode) if line)


@requires(Can.READ_CASES)
@require_GET
def letter_scan(
    request: HttpRequest, received_id: int, clock: Clock = system_clock
) -> FileResponse:
    letter = get_object_or_404(
        ReceivedLetter.objects.select_related("case__customer"), pk=received_id
    )
    if not letter.scan_sha256:
        raise Http404("This letter has no scan.")
    extension = file_extension(letter.scan_type)
    checked = scan_check(letter=letter)[0] if "view" in request.GET else None
    name = f"{letter.case.reference} letter {letter.pk}.{extension}"
    response = customer_file_download(
        letter.scan_sha256,
        name=name,
        content_type=checked.content_type if checked else letter.scan_type,
        customer=letter.case.customer,
        by=_staff(request),
        what=f"letter scan {letter.pk}",
        clock=clock,
    )
    if checked is not None:
        inline_for_preview(response, name=name)
    return response
