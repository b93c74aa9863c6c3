from django.urls import path

from caredesk.customers import views

app_name = "customers"
urlpatterns = [
    path("<int:pk>/", views.customer_detail, name="customer"),
]
