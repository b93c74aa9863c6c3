from django.urls import URLPattern, path

from caredesk.privacy import breach_views, disclosure_views, views

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
    # -- Disclosures to third parties
    path("disclosures/", disclosure_views.disclosure_log_page, name="disclosures"),
    path("disclosures/<int:disclosure_id>/", disclosure_views.disclosure_page, name="disclosure"),
    path(
        "customers/<int:pk>/disclosures/new/",
        disclosure_views.disclosure_new,
        name="disclosure_new",
    ),
    # -- Personal data breaches: the log, one breach, and the report any member of staff makes
    path("breaches/", breach_views.breach_log, name="breaches"),
    path("breaches/report/", breach_views.breach_report_page, name="breach_report"),
    path("breaches/<int:breach_id>/", breach_views.breach_page, name="breach"),
    path("breaches/case/<str:reference>/", breach_views.breach_of_case, name="breach_of_case"),
]
