from django.urls import include, path

urlpatterns = [
    path("", include("caredesk.cases.urls")),
    path("", include("caredesk.search.urls")),
    path("standards/", include("caredesk.policies.urls")),
    path("staff/", include("caredesk.staff.urls")),
    path("customers/", include("caredesk.customers.urls")),
    path("notifications/", include("caredesk.notifications.urls")),
    path("calls/", include("caredesk.telephony.urls")),
    path("mail/", include("caredesk.mail.urls")),
    path("visits/", include("caredesk.visits.urls")),
    path("complaints/", include("caredesk.complaints.urls")),
    path("privacy/", include("caredesk.privacy.urls")),
    path("offices/", include("caredesk.visits.public_urls")),
    path("documents/", include("caredesk.documents.urls")),
    path("performance/", include("caredesk.reporting.urls")),
    path("api/", include("caredesk.api.urls")),
]

# The pages for "permission denied", "not found" and a server error (caredesk.core).
handler403 = "caredesk.core.error_pages.permission_denied"
handler404 = "caredesk.core.error_pages.page_not_found"
handler500 = "caredesk.core.error_pages.server_error"
