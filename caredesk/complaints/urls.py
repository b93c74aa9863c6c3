from django.urls import path

from caredesk.complaints import (
    acknowledgement_views,
    annual_report_views,
    hazard_views,
    refusal_views,
    response_views,
    views,
)

app_name = "complaints"
urlpatterns = [
    path("<str:reference>/define/", views.define_page, name="define"),
    path("<str:reference>/compliment/", views.compliment_page, name="compliment"),
    path("<str:reference>/response/", response_views.response_page, name="response"),
    path("promises/<int:promise_id>/done/", views.promise_done_page, name="promise_done"),
    path("<str:reference>/hazards/new/", hazard_views.hazard_new, name="hazard_new"),
    path("hazards/<int:hazard_id>/", hazard_views.hazard_page, name="hazard"),
    path(
        "hazards/evidence/<int:evidence_id>/", hazard_views.hazard_evidence, name="hazard_evidence"
    ),
    path("<str:reference>/decline/", refusal_views.refusal_reason, name="refusal_reason"),
    path("<str:reference>/decline/letter/", refusal_views.refusal_page, name="refusal"),
    path(
        "<str:reference>/acknowledgement/",
        acknowledgement_views.acknowledgement_page,
        name="acknowledgement",
    ),
    # the annual complaints performance and service improvement report
    path("annual/", annual_report_views.annual_reports, name="annual_reports"),
    path("annual/<int:year>/", annual_report_views.annual_report_page, name="annual_report"),
    path(
        "annual/<int:year>/code/<str:provision>/",
        annual_report_views.annual_provision_page,
        name="annual_provision",
    ),
    path(
        "annual/<int:year>/learning/",
        annual_report_views.annual_learning_page,
        name="annual_learning",
    ),
    path(
        "annual/<int:year>/response/",
        annual_report_views.annual_response_page,
        name="annual_response",
    ),
    path("annual/<int:year>/publish/", annual_report_views.annual_publish, name="annual_publish"),
    path(
        "annual/<int:year>/report.pdf",
        annual_report_views.annual_report_pdf_page,
        name="annual_pdf",
    ),
    path(
        "annual/<int:year>/published/",
        annual_report_views.annual_report_public,
        name="annual_public",
    ),
    path(
        "annual/<int:year>/published/report.pdf",
        annual_report_views.annual_report_public_pdf,
        name="annual_public_pdf",
    ),
]
