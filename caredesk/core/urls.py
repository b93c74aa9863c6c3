from django.urls import path

from caredesk.core import views

app_name = "core"
urlpatterns = [
    path("", views.standards, name="standards"),
]
