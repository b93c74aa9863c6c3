from django.urls import path

from caredesk.visits import (
    appointment_views,
    calendar_views,
    interview_views,
    office_views,
    views,
)

app_name = "visits"

urlpatterns = [
    path("interviews/<str:reference>/", interview_views.interview_write_up, name="interview"),
    path(
        "interviews/summary/<int:interview_id>/",
        interview_views.interview_summary,
        name="interview_summary",
    ),
    path(
        "actions/<int:action_id>/done/",
        interview_views.interview_action_done,
        name="action_done",
    ),
    path("book/<str:reference>/", appointment_views.book, name="book"),
    path(
        "appointments/<int:appointment_id>/", appointment_views.appointment_page, name="appointment"
    ),
    # an officer's own calendar feed, and the feed itself (public: its address is the key)
    path("calendar/", calendar_views.calendar, name="calendar"),
    path("calendar/<str:secret>.ics", calendar_views.calendar_feed, name="calendar_feed"),
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
    path("offices/", office_views.office_list, name="offices"),
    path("offices/<int:office_id>/", office_views.office_edit, name="office"),
    path("offices/<int:office_id>/hours/", office_views.office_hours, name="office_hours"),
    path(
        "offices/<int:office_id>/closures/",
        office_views.office_closure_add,
        name="office_closure_add",
    ),
    path(
        "offices/<int:office_id>/closures/<int:closure_id>/remove/",
        office_views.office_closure_remove,
        name="office_closure_remove",
    ),
    path("offices/<int:office_id>/poster/", office_views.office_poster, name="office_poster"),
]
