from django.urls import URLPattern, path

from caredesk.privacy import breach_views

app_name = "privacy"
urlpatterns: list[URLPattern] = [
    # personal data breaches: the log, one breach, and the report any member of staff makes
    path("breaches/", breach_views.breach_log, name="breaches"),
    path("breaches/report/", breach_views.breach_report_page, name="breach_report"),
    path("breaches/<int:breach_id>/", breach_views.breach_page, name="breach"),
]
