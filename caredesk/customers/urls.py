from django.urls import path

from caredesk.customers import consent_views, record_views, views

app_name = "customers"
urlpatterns = [
    path("new/", record_views.customer_new, name="new"),
    path("pick/", record_views.customer_pick, name="pick"),
    path("<int:pk>/edit/", record_views.customer_edit, name="edit"),
    path("<int:pk>/merge/", record_views.customer_merge_page, name="merge"),
    path("<int:pk>/", views.customer_detail, name="customer"),
    path("<int:pk>/equality/", views.equality_answers, name="equality"),
    path("<int:pk>/equality/record/", views.equality_answers_record, name="equality_record"),
    path(
        "<int:pk>/vulnerabilities/",
        views.vulnerabilities_record,
        name="vulnerabilities_record",
    ),
    path("<int:pk>/equality/erase/", views.equality_answers_erase, name="equality_erase"),
    path("<int:pk>/consent/", consent_views.consent_record_page, name="consent_record"),
    path(
        "<int:pk>/consent/<int:consent_id>/withdraw/",
        consent_views.consent_withdraw_page,
        name="consent_withdraw",
    ),
    path(
        "<int:pk>/representatives/",
        consent_views.representative_record_page,
        name="representative_record",
    ),
    path(
        "<int:pk>/representatives/<int:representative_id>/revoke/",
        consent_views.representative_revoke_page,
        name="representative_revoke",
    ),
]
