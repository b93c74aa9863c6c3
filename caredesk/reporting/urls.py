from django.urls import URLPattern, URLResolver, path

from caredesk.reporting import views

app_name = "reporting"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
    path("behind/", views.behind, name="behind"),
]
