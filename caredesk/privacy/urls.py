from django.urls import URLPattern, path

from caredesk.privacy import (
    breach_views,
    disclosure_views,
    erasure_views,
    read_log_views,
    request_views,
    views,
)

app_name = "privacy"
urlpatterns: list[URLPattern] = [
    # -- Requests, and subject access
    path("", views.requests_page, name="requests"),
    path(
        "subject-access/<str:reference>/",
        views.subject_access_page,
        name="subject_access",
    ),
    path(
        "subject-access/<str:reference>/export.zip",
        views.subject_access_download,
        name="subject_access_download",
    ),
    # -- Erasure requests, and the retention schedule
    path("erasure/<str:reference>/", erasure_views.erasure_page, name="erasure"),
    path("retention/", erasure_views.retention_page, name="retention"),
    # -- Requests to correct and to restrict; requests for information (STAIRs, FOI)
    path(
        "rectification/<str:reference>/",
        request_views.rectification_page,
        name="rectification",
    ),
    path("restriction/<str:reference>/", request_views.restriction_page, name="restriction"),
    path("information/<str:reference>/", request_views.information_page, name="information"),
    # -- Disclosures to third parties
    path("disclosures/", disclosure_views.disclosure_log_page, name="disclosures"),
    path("disclosures/<int:disclosure_id>/", disclosure_views.disclosure_page, name="disclosure"),
    path(
        "customers/<int:pk>/disclosures/new/",
        disclosure_views.disclosure_new,
        name="disclosure_new",
    ),
    # -- Who read what: the read log, and alerts of unusual reading
    path("reads/", read_log_views.reads_log, name="reads"),
    path(
        "reads/alerts/<int:alert_id>/",
        read_log_views.reading_alert_look_into,
        name="reading_alert",
    ),
    # -- Personal data breaches: the log, one breach, and the report any member of staff makes
    path("breaches/", breach_views.breach_log, name="breaches"),
    path("breaches/report/", breach_views.breach_report_page, name="breach_report"),
    path("breaches/<int:breach_id>/", breach_views.breach_page, name="breach"),
    path("breaches/case/<str:reference>/", breach_views.breach_of_case, name="breach_of_case"),
]
