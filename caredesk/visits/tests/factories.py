"""An office as the office pages' tests find it: published, with split hours Monday to
Friday and a closure in July 2025."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from caredesk.staff.models import Office
from caredesk.visits.models import OfficeClosure, OfficeDetails, OpeningHours

SPLIT = ((time(9, 30), time(13, 0)), (time(14, 0), time(17, 30)))


def office_published(office: Office, **details: Any) -> OfficeDetails:
    """`office` open 9:30am to 1pm and 2pm to 5:30pm on weekdays, closed for training on
    Wednesday 9 July 2025, with an emergency number and a way to make an appointment."""
    OpeningHours.objects.bulk_create(
        OpeningHours(office=office, weekday=day, opens=opens, closes=closes)
        for day in range(5)
        for opens, closes in SPLIT
    )
    OfficeClosure.objects.create(
        office=office, first_day=date(2025, 7, 9), last_day=date(2025, 7, 9), reason="Training"
    )
    fields: dict[str, Any] = {
        "slug": "runcorn",
        "emergency_phone": "0800 100 2000",
        "how_to_book": "Phone 0151 510 5000 or ask at reception.",
    } | details
    return OfficeDetails.objects.create(office=office, **fields)


def office_for_appointments(people: Any) -> Office:
    """The people's office (Runcorn, at Halton Lea) open 9am to 5pm on weekdays, with the
    officer, their teammate, the line manager and the outsider based there: where the
    appointments' tests book."""
    office = Office.objects.get(name="Runcorn")
    office.address = "Halton Lea\nRuncorn"
    office.save()
    OpeningHours.objects.bulk_create(
        OpeningHours(office=office, weekday=day, opens=time(9), closes=time(17)) for day in range(5)
    )
    for person in (people.officer, people.teammate, people.line_manager, people.outsider):
        person.office = office
        person.save()
    return office
