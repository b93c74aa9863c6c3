from django.urls import URLPattern, path

from caredesk.privacy import disclosure_views

app_name = "privacy"
urlpatterns: list[URLPattern] = [
    # -- Disclosures to third parties
    path("disclosures/", disclosure_views.disclosure_log_page, name="disclosures"),
    path("disclosures/<int:disclosure_id>/", disclosure_views.disclosure_page, name="disclosure"),
    path(
        "customers/<int:pk>/disclosures/new/",
        disclosure_views.disclosure_new,
        name="disclosure_new",
    ),
]
