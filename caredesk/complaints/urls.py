from django.urls import path

from caredesk.complaints import (
    acknowledgement_views,
    hazard_views,
    refusal_views,
    response_views,
    views,
)

app_name = "complaints"
urlpatterns = [
    path("<str:reference>/define/", views.define_page, name="define"),
    path("<str:reference>/compliment/", views.compliment_page, name="compliment"),
    path("<str:reference>/response/", response_views.response_page, name="response"),
    path("promises/<int:promise_id>/done/", views.promise_done_page, name="promise_done"),
    path("<str:reference>/hazards/new/", hazard_views.hazard_new, name="hazard_new"),
    path("hazards/<int:hazard_id>/", hazard_views.hazard_page, name="hazard"),
    path(
        "hazards/evidence/<int:evidence_id>/", hazard_views.hazard_evidence, name="hazard_evidence"
    ),
    path("<str:reference>/decline/", refusal_views.refusal_reason, name="refusal_reason"),
    path("<str:reference>/decline/letter/", refusal_views.refusal_page, name="refusal"),
    path(
        "<str:reference>/acknowledgement/",
        acknowledgement_views.acknowledgement_page,
        name="acknowledgement",
    ),
]
