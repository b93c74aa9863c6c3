"""Importing call records from the desk: the upload form, its progress, its refused rows.

Thin: the checks, the keeping and the queueing are `uploads.call_upload_accept`; the
import itself runs in the worker (`tasks.import_calls_file`).
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from caredesk.core.clock import Clock, system_clock
from caredesk.core.htmx import is_htmx
from caredesk.staff.decorators import requires
from caredesk.staff.models import StaffMember
from caredesk.staff.permissions import Can
from caredesk.telephony.models import CallImport
from caredesk.telephony.upload_forms import CallFileForm
from caredesk.telephony.uploads import (
    UploadRefused,
    call_imports_recent,
    call_upload_accept,
    import_progress,
    rejects_path,
)


@requires(Can.IMPORT_CALLS)
@require_http_methods(["GET", "POST"])
def import_calls(request: HttpRequest, clock: Clock = system_clock) -> HttpResponse:
    staff: StaffMember = request.user  # type: ignore[assignment]
    form = CallFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            call_import = call_upload_accept(
                upload=data["file"],
                file_format=data["file_format"],
                mapping_name=data["mapping"] or None,
                mapping_upload=data["mapping_file"],
                by=staff,
                clock=clock,
            )
        except UploadRefused as refused:
            field = refused.field if refused.field in form.fields else "file"
            form.add_error(field, refused.message)
        else:
            return redirect("telephony:import_progress", import_id=call_import.pk)
    return render(
        request,
        "telephony/import.html",
        {"form": form, "recent": [import_progress(i) for i in call_imports_recent()]},
    )


@requires(Can.IMPORT_CALLS)
@require_GET
def import_progress_page(request: HttpRequest, import_id: int) -> HttpResponse:
    call_import = get_object_or_404(CallImport.objects.select_related("started_by"), pk=import_id)
    context = {"progress": import_progress(call_import), "call_import": call_import}
    if is_htmx(request):
        return render(request, "telephony/import_progress_panel.html", context)
    return render(request, "telephony/import_progress.html", context)


@requires(Can.DOWNLOAD_CALL_REJECTS)
@require_GET
def import_rejects(request: HttpRequest, import_id: int) -> FileResponse:
    call_import = get_object_or_404(CallImport, pk=import_id)
    path = rejects_path(call_import)
    if path is None:
        raise Http404("This import has no file of refused rows.")
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"call-import-{call_import.pk}-refused-rows.csv",
        content_type="text/csv; charset=utf-8",
    )
