"""A person's saved views of the desk's lists, and their keyboard shortcuts setting.

A saved view is a name for a list page's filters and sort (its query string); what the
query string means is the page's business (cases.queue_filters reads it again when the
view is opened). Each person sees, renames and deletes only their own: every function
here takes the owner, and a view of someone else's is "not found", never shown.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from caredesk.core.clock import Clock, system_clock
from caredesk.core.text import has_unstorable
from caredesk.errors import CaredeskError
from caredesk.staff.models import SavedView, StaffMember

NAME_LONGEST = 80
QUERY_LONGEST = 2000
SAVED_VIEWS_MOST = 30


class SavedViewError(CaredeskError):
    """A saved view that cannot be saved as asked (no name, a name already used, too
    many views), or that is not the person's own."""

    code = "saved_view_invalid"


def saved_views_list(*, owner: StaffMember) -> QuerySet[SavedView]:
    return SavedView.objects.filter(owner=owner).order_by("name", "pk")


def saved_view_get(*, owner: StaffMember, view_id: int | None) -> SavedView:
    found = SavedView.objects.filter(owner=owner, pk=view_id).first() if view_id else None
    if found is None:
        raise SavedViewError("You have no saved view with that name: it may have been deleted.")
    return found


def _checked_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise SavedViewError("Enter a name for the view.")
    if len(name) > NAME_LONGEST:
        raise SavedViewError(f"The name must be {NAME_LONGEST} characters or fewer.")
    if has_unstorable(name):
        raise SavedViewError("The name has characters that cannot be stored.")
    return name


def saved_view_create(
    *, owner: StaffMember, name: str, page: str, query: str, clock: Clock = system_clock
) -> SavedView:
    """Save the page's filters and sort under a name of the owner's."""
    name = _checked_name(name)
    if len(query) > QUERY_LONGEST:
        raise SavedViewError("These filters are too many to save: choose fewer.")
    if SavedView.objects.filter(owner=owner).count() >= SAVED_VIEWS_MOST:
        raise SavedViewError(
            f"You have {SAVED_VIEWS_MOST} saved views, the most there can be: delete one first."
        )
    try:
        with transaction.atomic():
            return SavedView.objects.create(
                owner=owner, name=name, page=page, query=query, created_at=clock.now()
            )
    except IntegrityError:
        raise SavedViewError(
            f"You already have a view called “{name}”: choose another name."
        ) from None


def saved_view_rename(*, owner: StaffMember, view_id: int | None, name: str) -> SavedView:
    view = saved_view_get(owner=owner, view_id=view_id)
    view.name = _checked_name(name)
    try:
        with transaction.atomic():
            view.save(update_fields=["name"])
    except IntegrityError:
        raise SavedViewError(
            f"You already have a view called “{view.name}”: choose another name."
        ) from None
    return view


def saved_view_delete(*, owner: StaffMember, view_id: int | None) -> str:
    """Delete one of the owner's views; its name."""
    view = saved_view_get(owner=owner, view_id=view_id)
    view.delete()
    return view.name


def keyboard_shortcuts_set(*, staff: StaffMember, on: bool) -> None:
    staff.keyboard_shortcuts = on
    staff.save(update_fields=["keyboard_shortcuts"])
