"""The public pages of the offices, at /offices/ (no sign-in)."""

from django.urls import path

from caredesk.visits import public_views

app_name = "offices"

urlpatterns = [
    path("", public_views.offices_public, name="list"),
    path("<slug:slug>/", public_views.office_public, name="office"),
    path("<slug:slug>/poster/", public_views.office_public_poster, name="poster"),
]
