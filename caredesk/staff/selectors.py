"""Reading about staff: who is away, and who covers for them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db.models import FilteredRelation, Q, QuerySet

from caredesk.errors import CalendarRangeError
from caredesk.staff.models import Absence, Role, StaffMember
from caredesk.staff.permissions import Can
from caredesk.standards import Family, Policy
from caredesk.standards.policy import Trigger


def absence_is_long(
    *, absence: Absence, policy: Policy, trigger: Trigger = Trigger.OUT_OF_OFFICE_REPLY
) -> bool:
    """Longer than the policy's threshold for `trigger`: by default the out-of-office one
    (Halton: 1 working day); callers are told of absences over 24 hours (Stonewall 2.8)."""
    threshold = policy.threshold(trigger)
    if threshold is None:
        return True  # no threshold in the policy: every absence counts
    target = threshold.target
    days = (absence.last_day - absence.first_day).days + 1
    if target.family is Family.WORKING_DAYS:
        calendar = policy.working_calendar
        try:
            working = calendar.count_working_days(absence.first_day, absence.last_day)
        except CalendarRangeError:
            return True  # beyond the calendar's years: certainly longer than any threshold
        return working > target.amount
    if target.family is Family.CALENDAR_DAYS:
        return days > target.calendar_days  # "1 week": more than 7 days
    return days * 86_400 > target.amount * target.unit.micros // 1_000_000


def absences_on_list(*, day: date) -> QuerySet[Absence]:
    return Absence.objects.filter(first_day__lte=day, last_day__gte=day)


def absence_away_get(*, staff: StaffMember, on: date, policy: Policy) -> Absence | None:
    """The absence that makes `staff` away on `on`: one longer than the threshold."""
    for absence in absences_on_list(day=on).filter(staff=staff).order_by("-last_day"):
        if absence_is_long(absence=absence, policy=policy):
            return absence
    return None


def cover_get(*, staff: StaffMember, on: date, policy: Policy) -> StaffMember:
    """Who takes new work for `staff` on `on`: themselves, or their cover while away."""
    return cover_chain(
        staff=staff, away=lambda person: absence_away_get(staff=person, on=on, policy=policy)
    )


def cover_chain(
    *, staff: StaffMember, away: Callable[[StaffMember], Absence | None]
) -> StaffMember:
    """The rule for cover, over any way of knowing who is away (`away` gives the absence
    that makes a person away, or None): the named colleague, or else the line manager;
    if that person is away too, their own cover, and so on (never round in a circle).
    The bulk drafts use it over absences held in memory."""
    seen = {staff.pk}
    current = staff
    while (absence := away(current)) is not None:
        successor = absence.cover or current.line_manager
        if successor is None or successor.pk in seen:
            return current
        seen.add(successor.pk)
        current = successor
    return current


def absences_away_list(
    *, on: date, policy: Policy, trigger: Trigger = Trigger.OUT_OF_OFFICE_REPLY
) -> list[Absence]:
    """Everyone away on `on`, with the absence that makes them so."""
    found = absences_on_list(day=on).select_related("staff", "cover", "staff__line_manager")
    return [
        a
        for a in found.order_by("last_day")
        if absence_is_long(absence=a, policy=policy, trigger=trigger)
    ]


def absences_away_map(
    *, on: date, policy: Policy, trigger: Trigger = Trigger.OUT_OF_OFFICE_REPLY
) -> dict[int, Absence]:
    """Who is away on `on`, by staff id (for marking them in lists of people)."""
    away = absences_away_list(on=on, policy=policy, trigger=trigger)
    return {absence.staff_id: absence for absence in away}


def staff_with_capability_list(*, capability: Can) -> QuerySet[StaffMember]:
    """Active staff who have the capability through one of their roles."""
    names = [role.value for role in capability.roles]
    return StaffMember.objects.filter(is_active=True, groups__name__in=names).distinct()


def caseworkers_list() -> QuerySet[StaffMember]:
    """Everyone who takes casework (a case or an appointment can be theirs), by name."""
    return staff_with_capability_list(capability=Can.WORK_CASES).order_by("first_name", "last_name")


def staff_absences_managed_list(*, by: StaffMember) -> QuerySet[StaffMember]:
    """Whose absences `by` may record: their own; their reports'; everyone's (administrators)."""
    people = StaffMember.objects.filter(is_active=True)
    if by.has_role(Role.ADMINISTRATOR):
        return people
    if by.has_role(Role.LINE_MANAGER):
        return people.filter(Q(pk=by.pk) | Q(line_manager=by))
    return people.filter(pk=by.pk)


def staff_member_find(*, name: str) -> StaffMember | None:
    """A member of staff by username, or else by id (when `name` is a number)."""
    found = StaffMember.objects.filter(username=name).first()
    if found is None and name.isascii() and name.isdigit() and len(name) < 19:
        found = StaffMember.objects.filter(pk=int(name)).first()
    return found


def staff_choices_with_absences_list(
    *, capability: Can, on: date, policy: Policy
) -> list[tuple[StaffMember, Absence | None]]:
    """Active staff with the capability, by name, each with the absence that makes them
    away on `on` (as absences_away_map: the longest-lasting of those long enough to
    count; None if they are here), in one query: the absences and their cover are
    joined to the people rather than read apart."""
    names = [role.value for role in capability.roles]
    away = FilteredRelation(
        "absences", condition=Q(absences__first_day__lte=on, absences__last_day__gte=on)
    )
    rows = (
        StaffMember.objects.filter(is_active=True, groups__name__in=names)
        .annotate(away=away)
        .order_by("first_name", "last_name", "pk", "away__last_day")
        .values_list(
            "pk",
            "username",
            "first_name",
            "last_name",
            "post_title",
            "away__pk",
            "away__first_day",
            "away__last_day",
            "away__cover__username",
            "away__cover__first_name",
            "away__cover__last_name",
        )
        .distinct()
    )
    people: dict[int, tuple[StaffMember, Absence | None]] = {}
    for pk, username, first, last, post, absence_pk, began, ends, *cover_names in rows:
        person, absence = people.get(pk) or (
            StaffMember(
                pk=pk, username=username, first_name=first, last_name=last, post_title=post
            ),
            None,
        )
        if absence_pk is not None:
            found = Absence(pk=absence_pk, staff_id=pk, first_day=began, last_day=ends)
            if cover_names[0] is not None:
                cover_username, cover_first, cover_last = cover_names
                found.cover = StaffMember(
                    username=cover_username, first_name=cover_first, last_name=cover_last
                )
            if absence_is_long(absence=found, policy=policy):
                absence = found  # ordered by last day: the longest-lasting is the last
        people[pk] = (person, absence)
    return list(people.values())
