from django.urls import path

from caredesk.mail import reply_views, views

app_name = "mail"
urlpatterns = [
    path("emails/<int:email_id>/", views.email_detail, name="email"),
    path("emails/<int:email_id>/as-it-came/", views.email_raw, name="email_raw"),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("review/", views.review_list, name="review"),
    path("review/<int:email_id>/", views.review_decide, name="review_decide"),
    path("letters/", views.letters_register, name="letters"),
    path("letters/<int:received_id>/scan/", views.letter_scan, name="letter_scan"),
    path("cases/<str:reference>/reply/", reply_views.reply_page, name="reply"),
    path("cases/<str:reference>/holding-reply/", reply_views.holding_reply, name="holding_reply"),
]
