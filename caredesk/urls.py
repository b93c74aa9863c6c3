from django.urls import include, path

urlpatterns = [
    path("", include("caredesk.core.urls")),
]
