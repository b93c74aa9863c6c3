from django.urls import path

from caredesk.privacy import views

app_name = "privacy"
urlpatterns = [
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
]
