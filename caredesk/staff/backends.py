"""Signing in with a username and password (Django's ModelBackend), and reading the
signed-in member back on every page in one query.

Every desk page asks what the member may do (staff.permissions: their roles, which are
their groups) and the header shows things of theirs (notifications: the unread count).
Read each on its own, that is a query apiece on every page; here they are read with the
member, in the same statement: the roles as one subquery (the names of their groups,
joined), and what other apps register (`user_annotation_register`, from their
AppConfig.ready()) as subqueries. What another app registers it reads back from the
member (`user_annotation`), and asks the database itself when the member was read some
other way (a test's, a script's).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Aggregate, CharField, Expression, OuterRef, Subquery

from caredesk.staff.models import Role, StaffMember

_annotations: dict[str, Callable[[], Expression]] = {}
_ROLES = "caredesk_roles"


class _Joined(Aggregate):
    """The values, joined by newlines: string_agg on PostgreSQL, group_concat on SQLite."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, CHR(10))"
    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "%(function)s(%(expressions)s, CHAR(10))"
        return self.as_sql(compiler, connection, function="GROUP_CONCAT", template=template)


def user_annotation_register(name: str, expression: Callable[[], Expression]) -> None:
    """Read `expression()` (given OuterRef("pk"), the member) with the signed-in member,
    as `name`."""
    _annotations[name] = expression


def user_annotation(user: Any, name: str) -> Any:
    """What was read with the member as `name`; None if it was not (read another way)."""
    return getattr(user, f"caredesk_{name}", None)


class StaffBackend(ModelBackend):
    """ModelBackend, the member's roles and the registered annotations read with them."""

    def get_user(self, user_id: Any) -> Any:
        memberships = StaffMember.groups.through.objects.filter(staffmember_id=OuterRef("pk"))
        joined = (
            memberships.order_by().values("staffmember_id").annotate(names=_Joined("group__name"))
        )
        names = joined.values("names")  # type: ignore[misc]  # the stubs miss the annotation
        annotations: dict[str, Any] = {_ROLES: Subquery(names)}
        annotations |= {f"caredesk_{name}": make() for name, make in _annotations.items()}
        user = StaffMember._default_manager.annotate(**annotations).filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        group_names = set((getattr(user, _ROLES) or "").split("\n"))
        held = {role for role in Role if role.value in group_names}
        # StaffMember.roles is a cached_property: set here, it is never read again.
        user.__dict__["roles"] = frozenset(held) if user.is_active else frozenset()
        return user
