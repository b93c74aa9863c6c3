"""Server-Timing: how long the application took over each request, as a response header.

`Server-Timing: app;dur=12.3` (milliseconds) is measured from when the request reaches
this middleware to when the response leaves it: the view, the templates it renders and
every middleware listed after this one. Browsers' developer tools show it, and
benchmarks/queues.py reads it to tell the server's time from the network's and the
client's. It says nothing about the request's content, so it is safe in production.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase


class ServerTimingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        began = time.perf_counter()
        response = self.get_response(request)
        took = (time.perf_counter() - began) * 1000
        timing = f"app;dur={took:.1f}"
        earlier = response.get("Server-Timing")
        response["Server-Timing"] = f"{earlier}, {timing}" if earlier else timing
        return response
