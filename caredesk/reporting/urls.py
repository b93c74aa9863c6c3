from django.urls import URLPattern, URLResolver, path

from caredesk.reporting import (
    board_views,
    equality_views,
    report_file_views,
    returns_views,
    scrutiny_views,
    views,
    whatif_views,
)

app_name = "reporting"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
    path("behind/", views.behind, name="behind"),
    path("board/", board_views.board, name="board"),
    path("board/pack.pdf", board_views.board_pdf, name="board_pdf"),
    path("board/pack/", report_file_views.board_file, name="board_file"),
    path("scrutiny/", scrutiny_views.scrutiny, name="scrutiny"),
    path("equality/", equality_views.equality, name="equality"),
    path("equality/report.pdf", equality_views.equality_pdf, name="equality_pdf"),
    path("equality/report/", report_file_views.equality_file, name="equality_file"),
    path("equality/report.csv", equality_views.equality_csv, name="equality_csv"),
    path("what-if/", whatif_views.whatif, name="whatif"),
    path("complaints/returns/", returns_views.returns, name="returns"),
]
