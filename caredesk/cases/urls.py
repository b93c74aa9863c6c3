from django.urls import path

from caredesk.cases.views import case_page, log_contact, manager, queues, search

app_name = "cases"
urlpatterns = [
    path("", queues.my_work, name="my_work"),
    path("team/", queues.team_queue, name="team_queue"),
    path("office/", queues.office_queue, name="office_queue"),
    path("overdue/", queues.overdue, name="overdue"),
    path("log/", log_contact.log_contact, name="log_contact"),
    path("search/", search.search, name="search"),
    # The line manager's page keeps its address beside the absences (staff:absences).
    path("staff/manager/", manager.manager, name="manager"),
    path("cases/<str:reference>/", case_page.case_detail, name="case"),
    path("cases/<str:reference>/assign/", case_page.assign, name="assign"),
    path("cases/<str:reference>/note/", case_page.add_note, name="note"),
    path("cases/<str:reference>/contact/", case_page.log_contact_on_case, name="contact"),
    path("cases/<str:reference>/respond/", case_page.respond, name="respond"),
    path("cases/<str:reference>/wait/", case_page.wait, name="wait"),
    path("cases/<str:reference>/resume/", case_page.resume, name="resume"),
    path("cases/<str:reference>/finish/", case_page.finish, name="finish"),
    path("cases/<str:reference>/complaint/", case_page.complaint_step, name="complaint_step"),
]
