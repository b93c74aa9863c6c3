from django.urls import URLPattern, URLResolver, path

from caredesk.reporting import board_views, equality_views, scrutiny_views, views, whatif_views

app_name = "reporting"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
    path("behind/", views.behind, name="behind"),
    path("board/", board_views.board, name="board"),
    path("board/pack.pdf", board_views.board_pdf, name="board_pdf"),
    path("scrutiny/", scrutiny_views.scrutiny, name="scrutiny"),
    path("equality/", equality_views.equality, name="equality"),
    path("equality/report.pdf", equality_views.equality_pdf, name="equality_pdf"),
    path("equality/report.csv", equality_views.equality_csv, name="equality_csv"),
    path("what-if/", whatif_views.whatif, name="whatif"),
]
