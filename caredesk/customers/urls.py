from django.urls import path

from caredesk.customers import views

app_name = "customers"
urlpatterns = [
    path("<int:pk>/", views.customer_detail, name="customer"),
    path("<int:pk>/equality/", views.equality_answers, name="equality"),
    path("<int:pk>/equality/record/", views.equality_answers_record, name="equality_record"),
    path("<int:pk>/equality/erase/", views.equality_answers_erase, name="equality_erase"),
]
