from django.urls import path

from caredesk.policies import views

app_name = "policies"
urlpatterns = [
    path("", views.standards, name="standards"),
]
