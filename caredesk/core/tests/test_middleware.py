import re
import time

from django.http import HttpRequest, HttpResponse
from django.test import Client

from caredesk.core.middleware import ServerTimingMiddleware

APP_TIMING = re.compile(r"(?:^|, )app;dur=(\d+\.\d)$")


def test_every_response_says_how_long_the_application_took(db):
    response = Client().get("/staff/login/")  # any page: the middleware is in settings
    found = APP_TIMING.search(response["Server-Timing"])
    assert found is not None, response["Server-Timing"]


def test_it_times_the_view_in_milliseconds():
    def slow_view(request: HttpRequest) -> HttpResponse:
        time.sleep(0.02)
        return HttpResponse("ok")

    response = ServerTimingMiddleware(slow_view)(HttpRequest())
    found = APP_TIMING.search(response["Server-Timing"])
    assert found is not None
    assert 20 <= float(found.group(1)) < 2000


def test_a_timing_the_view_already_gave_is_kept():
    def view(request: HttpRequest) -> HttpResponse:
        response = HttpResponse("ok")
        response["Server-Timing"] = "db;dur=3"
        return response

    response = ServerTimingMiddleware(view)(HttpRequest())
    assert response["Server-Timing"].startswith("db;dur=3, app;dur=")
