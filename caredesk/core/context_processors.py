"""What every desk page needs from core: the active policy (its wording, its standards).

Each app provides what it shows on every page itself (settings.TEMPLATES): staff what
the signed-in person may open (staff.context_processors), notifications their unread
count (notifications.context_processors).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from caredesk.core.active_policy import active_policy


def desk(request: HttpRequest) -> dict[str, Any]:
    return {"policy": active_policy()}
