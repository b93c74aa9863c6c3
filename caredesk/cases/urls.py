from django.urls import path

from caredesk.cases.views import (
    action_forms,
    case_changes,
    case_page,
    log_contact,
    manager,
    queue_actions,
    queues,
)

app_name = "cases"
urlpatterns = [
    path("", queues.my_work, name="my_work"),
    path("team/", queues.team_queue, name="team_queue"),
    path("office/", queues.office_queue, name="office_queue"),
    path("overdue/", queues.overdue, name="overdue"),
    path("queue/assign-to-me/", queue_actions.assign_to_me, name="assign_to_me"),
    path("queue/reassign/", queue_actions.queue_reassign, name="queue_reassign"),
    path("queue/views/", queue_actions.saved_views, name="saved_views"),
    path("queue/views/save/", queue_actions.saved_view_save, name="saved_view_save"),
    path("log/", log_contact.log_contact, name="log_contact"),
    # The line manager's page keeps its address beside the absences (staff:absences).
    path("staff/manager/", manager.manager, name="manager"),
    path("cases/<str:reference>/", case_page.case_detail, name="case"),
    path("cases/<str:reference>/assign/", case_page.assign, name="assign"),
    path("cases/<str:reference>/note/", case_page.add_note, name="note"),
    path("cases/<str:reference>/contact/", case_page.log_contact_on_case, name="contact"),
    path("cases/<str:reference>/respond/", case_page.respond, name="respond"),
    path("cases/<str:reference>/wait/", case_page.wait, name="wait"),
    path("cases/<str:reference>/resume/", case_page.resume, name="resume"),
    path("cases/<str:reference>/finish/", case_changes.finish, name="finish"),
    path("cases/<str:reference>/reopen/", case_changes.reopen, name="reopen"),
    path("cases/<str:reference>/merge/", case_changes.merge, name="merge"),
    path("cases/<str:reference>/complaint/", case_page.complaint_step, name="complaint_step"),
    path("cases/<str:reference>/panels/<str:key>/", case_page.case_panel, name="panel"),
    path("cases/<str:reference>/actions/<str:name>/", action_forms.action_form, name="action_form"),
]
