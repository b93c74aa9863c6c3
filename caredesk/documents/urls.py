from django.urls import path

from caredesk.documents import calling_card_views, snippet_views, views

app_name = "documents"
urlpatterns = [
    path("plain-english/", views.plain_english, name="plain_english"),
    path("files/<int:document_id>/", views.document_download, name="file"),
    path("letters/<int:letter_id>/translation/", views.translation_ask, name="translation_ask"),
    path("translations/<int:request_id>/back/", views.translation_back, name="translation_back"),
    path("translations/<int:request_id>/sent/", views.translation_sent, name="translation_sent"),
    path("templates/", views.template_list, name="templates"),
    path("templates/<str:kind>/<str:medium>/", views.template_edit, name="template"),
    path("snippets/", snippet_views.snippet_list, name="snippets"),
    path("snippets/new/", snippet_views.snippet_edit, name="snippet_new"),
    path("snippets/<int:snippet_id>/", snippet_views.snippet_edit, name="snippet"),
    path(
        "cases/<str:reference>/calling-card/",
        calling_card_views.calling_card,
        name="calling_card",
    ),
    path("cases/<str:reference>/snippet/", snippet_views.snippet_filled, name="snippet_filled"),
]
