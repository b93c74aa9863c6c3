import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caredesk.settings")
application = get_wsgi_application()
# Fail at start, not on the first request, when the secret key is missing.
settings.SECRET_KEY  # noqa: B018
