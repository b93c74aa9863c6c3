from django.urls import URLPattern, URLResolver, path

from caredesk.telephony import views

app_name = "telephony"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.figures, name="figures"),
]

# Importing call records files from the desk (upload_views.py).
from django.urls import path  # noqa: E402

from caredesk.telephony import upload_views  # noqa: E402

urlpatterns += [
    path("import/", upload_views.import_calls, name="import"),
    path("import/<int:import_id>/", upload_views.import_progress_page, name="import_progress"),
    path("import/<int:import_id>/rejects.csv", upload_views.import_rejects, name="import_rejects"),
]
