"""Offices as visitors meet them, and the reception log.

An office (`staff.Office`: its name, address and phone, where teams sit) has here what
a visitor needs to know (`OfficeDetails`: its kind, its emergency number, how to make an
appointment, its access), its opening hours (`OpeningHours`: one row per interval, so
split hours are two rows on a day) and the days it is closed (`OfficeClosure`).

A `Visit` is one visitor at one office: when they arrived, were acknowledged and were
seen, by whom, what they asked for and what they were given. Its contact and case are
the cases app's (it came in through `cases.intake`), and its waits are deadlines of the
case (`deadlines`), started and met through the engine.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from caredesk.cases.models import Case, Contact, Deadline
from caredesk.staff.models import Office, StaffMember


class OfficeKind(models.TextChoices):
    OFFICE = "office", "Office"
    OFFICE_IN_A_HOUSE = "office_in_a_house", "Office in one of our houses"
    ADVICE_SURGERY = "advice_surgery", "Advice surgery"


class OfficeDetails(models.Model):
    """What a visitor needs to know about an office, shown on its public page and poster."""

    office = models.OneToOneField(
        Office, on_delete=models.CASCADE, primary_key=True, related_name="details"
    )
    kind = models.CharField(max_length=30, choices=OfficeKind.choices, default=OfficeKind.OFFICE)
    slug = models.SlugField(max_length=80, unique=True, help_text="Its public page's address.")
    emergency_phone = models.CharField(
        max_length=40, blank=True, help_text="The number to ring when the office is closed."
    )
    how_to_book = models.CharField(
        max_length=300, blank=True, help_text="How to make an appointment, in a sentence."
    )
    step_free = models.BooleanField("Step-free access", default=False)
    hearing_loop = models.BooleanField("Hearing loop", default=False)
    private_room = models.BooleanField("A private room for interviews", default=False)
    access_notes = models.CharField(max_length=500, blank=True)
    duty_officer = models.ForeignKey(
        StaffMember,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who is on duty at reception: told when a visitor has waited too long.",
    )

    class Meta:
        verbose_name_plural = "office details"

    def __str__(self) -> str:
        return str(self.office)


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class OpeningHours(models.Model):
    """One interval an office is open on a weekday: 09:30 to 13:00 on Mondays."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["office", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")), name="opening_hours_close_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="opening_hours_weekday"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class OfficeClosure(models.Model):
    """Days an office is closed besides bank holidays: staff training, a refit."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="closures")
    first_day = models.DateField()
    last_day = models.DateField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["office", "first_day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")), name="office_closure_in_order"
            )
        ]

    def __str__(self) -> str:
        return f"Closed {self.first_day} to {self.last_day}"


class VisitStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    SEEN = "seen", "Seen"
    ASKED_TO_BOOK = "asked_to_book", "Asked to phone to arrange an appointment"
    LEFT = "left", "Left before being seen"


class Visit(models.Model):
    """One visitor at one office, from arrival to being seen (or leaving)."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="visits")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="visits")
    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="visit")
    visitor_name = models.CharField(max_length=200, help_text="As they gave it at the desk.")
    arrived_at = models.DateTimeField()
    appointment_at = models.DateTimeField(null=True, blank=True)
    appointment_with = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    logged_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=VisitStatus.choices, default=VisitStatus.WAITING
    )
    finished_at = models.DateTimeField(null=True, blank=True, help_text="Seen, or gone.")
    seen_by = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Seen without an appointment at an office open by appointment only: why.
    exception = models.CharField(max_length=300, blank=True)
    # What the visitor asked for, and whether it was given (Halton: "private interviews
    # on request", "help to fill in forms", an interpreter). None: not decided yet.
    private_room_asked = models.BooleanField(default=False)
    private_room_given = models.BooleanField(null=True, blank=True)
    forms_help_asked = models.BooleanField(default=False)
    forms_help_given = models.BooleanField(null=True, blank=True)
    interpreter_language = models.CharField(max_length=60, blank=True)
    interpreter_given = models.BooleanField(null=True, blank=True)
    # The waits the policy measures (its visitor standards), each a deadline of the case.
    deadlines = models.ManyToManyField(Deadline, blank=True, related_name="visits")

    class Meta:
        indexes = [
            models.Index(
                fields=["office", "arrived_at"],
                condition=Q(status="waiting"),
                name="visitors_waiting",
            ),
            models.Index(fields=["office", "-arrived_at"], name="visits_by_office"),
            models.Index(fields=["arrived_at"], name="visits_arrived"),  # the figures
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="waiting") | Q(finished_at__isnull=False),
                name="visit_finished_has_a_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.visitor_name} at {self.office}"


class OfficerHours(models.Model):
    """When a member of staff works on a weekday, for offering appointments: one row per
    interval. Someone with no rows works their office's opening hours (or, with no
    office, the policy's office hours)."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts = models.TimeField()
    ends = models.TimeField()

    class Meta:
        ordering = ["staff", "weekday", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=F("starts")), name="officer_hours_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff}: {self.get_weekday_display()} {self.starts:%H:%M}-{self.ends:%H:%M}"


class AppointmentKind(models.TextChoices):
    OFFICE = "office", "At the office"
    HOME_VISIT = "home_visit", "Home visit"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    KEPT = "kept", "Kept"
    MOVED = "moved", "Moved to another time"
    CANCELLED = "cancelled", "Cancelled"
    MISSED = "missed", "The customer did not come"
    NO_ACCESS = "no_access", "Nobody was in"


class HomeVisitWhy(models.TextChoices):
    """Why a home visit rather than the office (Halton: "if this is their preference or
    they are unable to attend office due to illness or disability")."""

    PREFERENCE = "preference", "They prefer it"
    ILLNESS = "illness", "Illness"
    DISABILITY = "disability", "Disability"
    OUR_REASON = "our_reason", "We need to see the home"


class Appointment(models.Model):
    """A time booked with a customer: at an office, or a home visit."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="appointments")
    officer = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="appointments")
    kind = models.CharField(max_length=20, choices=AppointmentKind.choices)
    office = models.ForeignKey(
        Office, null=True, blank=True, on_delete=models.PROTECT, related_name="appointments"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(
        max_length=20, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    # What the customer asked for, recorded so reports can say what was asked and given.
    officer_asked_for = models.BooleanField(
        default=False, help_text="The customer asked for this officer."
    )
    home_visit_why = models.CharField(max_length=20, choices=HomeVisitWhy.choices, blank=True)
    same_sex_asked = models.BooleanField(default=False)
    interpreter_language = models.CharField(max_length=60, blank=True)
    booked_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    booked_at = models.DateTimeField()
    # Moved: the appointment that replaced it. Moved or cancelled: why, and the apology.
    moved_to = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="moved_from"
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    change_reason = models.CharField(max_length=300, blank=True)
    # Telling the customer: the confirmation when booked, the reminder the day before
    # (claimed by the worker when it sends it).
    confirmed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # A home visit: identification shown (Halton: "Identification will always be shown to
    # the customer on any home visit"), and lone working: the officer checks out when
    # they leave; until then the worker alerts their line manager after the end time
    # (the policy's thresholds), counting the alerts sent.
    id_shown = models.BooleanField(null=True, blank=True)
    checked_out_at = models.DateTimeField(null=True, blank=True)
    lone_working_alerts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(
                fields=["officer", "starts_at"],
                condition=Q(status="booked"),
                name="appointments_booked",
            ),
            models.Index(fields=["case", "starts_at"], name="appointments_of_case"),
            # the figures: booked in a period, and due in it
            models.Index(fields=["booked_at"], name="appointments_booked_at"),
            models.Index(fields=["starts_at"], name="appointments_starting"),
            # the worker's sweeps: reminders the day before, and lone working
            models.Index(
                fields=["starts_at"],
                condition=Q(status="booked", reminded_at__isnull=True),
                name="appointments_to_remind",
            ),
            models.Index(
                fields=["ends_at"],
                condition=Q(kind="home_visit", checked_out_at__isnull=True)
                & Q(status__in=["booked", "kept"]),
                name="home_visits_not_checked_out",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="appointment_ends_after_it_starts"
            ),
            models.CheckConstraint(
                condition=Q(kind="home_visit") | Q(office__isnull=False),
                name="office_appointment_has_an_office",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} with {self.officer} at {self.starts_at:%Y-%m-%d %H:%M}"


class CalendarFeed(models.Model):
    """An officer's appointments as an iCalendar feed, at a secret address they can
    revoke: only the secret's digest is kept (a new secret replaces the old)."""

    staff = models.OneToOneField(
        StaffMember, on_delete=models.CASCADE, primary_key=True, related_name="calendar_feed"
    )
    secret_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Calendar feed of {self.staff}"


class Interview(models.Model):
    """A meeting with the customer, written up (Halton, "Interviews and Meetings"): who
    was there, where, the issues raised, the recommendations made, the actions agreed
    (each with an owner and a date) and the timescales agreed with the customer."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="interviews")
    appointment = models.OneToOneField(
        Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="interview"
    )
    held_at = models.DateTimeField()
    office = models.ForeignKey(
        Office, null=True, blank=True, on_delete=models.PROTECT, related_name="interviews"
    )
    at_home = models.BooleanField(default=False, help_text="At the customer's home.")
    room = models.CharField(max_length=120, blank=True)
    private_room = models.BooleanField(
        default=False, help_text="Somewhere it could not be overheard."
    )
    officers = models.ManyToManyField(StaffMember, related_name="interviews")
    customer_attended = models.BooleanField(default=True)
    others_present = models.CharField(
        max_length=300, blank=True, help_text="An advocate, a family member, a support worker."
    )
    interpreter_language = models.CharField(max_length=60, blank=True)
    issues = models.TextField()
    recommendations = models.TextField(blank=True)
    timescales = models.TextField(blank=True)
    recorded_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    # The written summary sent to the customer (visits.interview_summaries).
    summary_sent_at = models.DateTimeField(null=True, blank=True)
    summary_sent_by = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    summary_sent_as = models.CharField(max_length=10, blank=True)  # "email" or "letter"

    class Meta:
        indexes = [models.Index(fields=["case", "held_at"], name="interviews_of_case")]

    def __str__(self) -> str:
        return f"Interview on {self.case} at {self.held_at:%Y-%m-%d %H:%M}"


class InterviewAction(models.Model):
    """An action agreed at an interview: who does it, by when, and its deadline (the
    policy's interview_action standard, due on the date agreed), if the policy has one."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="actions")
    what = models.CharField(max_length=300)
    owner = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    deadline = models.OneToOneField(
        Deadline, null=True, blank=True, on_delete=models.SET_NULL, related_name="interview_action"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.what} ({self.owner}, by {self.due_on})"
