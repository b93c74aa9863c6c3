from django.urls import path

from caredesk.visits import appointment_views, views

app_name = "visits"

urlpatterns = [
    path("book/<str:reference>/", appointment_views.book, name="book"),
    path(
        "appointments/<int:appointment_id>/", appointment_views.appointment_page, name="appointment"
    ),
    path("reception/", views.reception_choose, name="reception_choose"),
    path("reception/<int:office_id>/", views.reception_page, name="reception"),
    path("reception/<int:office_id>/board/", views.reception_board, name="board"),
    path("reception/<int:office_id>/duty/", views.duty_take, name="duty"),
    path(
        "reception/<int:office_id>/visitors/<int:visit_id>/greeted/",
        views.visitor_greet,
        name="greeted",
    ),
    path(
        "reception/<int:office_id>/visitors/<int:visit_id>/seen/",
        views.visitor_seen,
        name="seen",
    ),
    path(
        "reception/<int:office_id>/visitors/<int:visit_id>/gone/",
        views.visitor_gone,
        name="gone",
    ),
]
