"""Build the demo, say what is in it, and find or wipe an earlier one."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Count
from faker import Faker

from caredesk.cases.drafts import Recorder, references_reserve, save_drafts
from caredesk.cases.models import (
    Case,
    CaseStatus,
    Deadline,
    DeadlineStatus,
    HoldingReply,
)
from caredesk.core.clock import Clock
from caredesk.customers.models import Customer, CustomerType
from caredesk.demo.appointments import Diary
from caredesk.demo.cases import Stories
from caredesk.demo.complaints import ComplaintsBook
from caredesk.demo.customers import build_customers, equality_profiles_save
from caredesk.demo.landlords import DEMO_PASSWORD, LANDLORDS, Landlord
from caredesk.demo.organisation import Organisation, build_organisation, build_role_holders
from caredesk.demo.plans import Plan, Planner
from caredesk.demo.reception import Arrival, ReceptionLog
from caredesk.reporting.models import ReportFile
from caredesk.reporting.rollups import figures_rebuild
from caredesk.staff.models import Office, Role, StaffMember, Team
from caredesk.staff.selectors import absences_away_list
from caredesk.staff.two_factor import (
    app_key_words,
    recovery_codes_list,
    two_factor_app_get,
    two_factor_give,
    two_factor_required,
)
from caredesk.standards import load_policy

FULL_YEAR = 20_000  # the demo's cases, by default
CHUNK = 2_000  # cases written at a time, so memory stays flat
WIPED_APPS = ("cases", "customers", "staff", "notifications", "api", "search", "visits")
# Two-factor devices and sign-in failures: the demo's staff's, gone with them.
WIPED_SIGN_IN_APPS = ("otp_totp", "otp_static", "axes")
RECOVERY_CODES_PRINTED = 3


@dataclass(frozen=True)
class DemoSize:
    cases: int = FULL_YEAR
    customers: int = 5_000
    # The reception log's week, as a share of each desk's usual visitors. None: as the
    # year's cases are a share of the full demo's (at least a tenth).
    visitors: float | None = None

    @property
    def busyness(self) -> float:
        if self.visitors is not None:
            return self.visitors
        return max(0.1, min(1.0, self.cases / FULL_YEAR))


def landlord_for(policy_name: str) -> Landlord:
    try:
        return LANDLORDS[policy_name]
    except KeyError:
        known = " or ".join(LANDLORDS)
        raise ValueError(f"There is a demo for {known}, not for '{policy_name}'.") from None


@transaction.atomic
def build_demo(*, policy: str, seed: int, clock: Clock, size: DemoSize = DemoSize()) -> None:
    """Build the demo organisation for `policy` (halton or stonewall) into an empty database.

    Everything is relative to `clock.now()`: the year of cases ends now. The same seed
    and the same now give the same data.
    """
    landlord, rules = landlord_for(policy), load_policy(policy)
    now = clock.now()
    rng = random.Random(seed)
    fake: Any = Faker("en_GB")
    fake.seed_instance(seed)

    organisation = build_organisation(landlord=landlord, policy=rules, fake=fake, rng=rng, now=now)
    _identity_cards(organisation, now)
    build_role_holders(landlord=landlord, organisation=organisation, seed=seed, now=now)
    # Those it prints whose roles sign in with a code too: their app's key is printed.
    for member in role_holders(landlord).values():
        if two_factor_required(member=member):
            two_factor_give(member=member)
    customers = build_customers(
        landlord=landlord, count=size.customers, fake=fake, rng=rng, now=now
    )
    planner = Planner(
        landlord=landlord,
        policy=rules,
        organisation=organisation,
        customers=customers,
        rng=rng,
        now=now,
    )
    work = planner.officer_work()[: size.cases]
    plans = planner.year(size.cases - len(work)) + work
    plans.sort(key=lambda plan: plan.received_at)
    _first_contacts(plans, rng)
    Customer.objects.bulk_create(customers)
    equality_profiles_save(
        landlord=landlord, customers=customers, organisation=organisation, seed=seed, now=now
    )

    recorder = Recorder(policy=rules, absences=organisation.absences)
    stories = Stories(
        landlord=landlord,
        policy=rules,
        organisation=organisation,
        recorder=recorder,
        rng=rng,
        now=now,
    )
    log = ReceptionLog(
        landlord=landlord,
        policy=rules,
        organisation=organisation,
        customers=customers,
        seed=seed,
        now=now,
        busyness=size.busyness,
    )
    log.offices_set_up()
    arrivals = log.arrivals()
    # The year's cases in bulk up to the week of the reception log; then, in time order,
    # its visitors (through the services) among the cases received that week, so every
    # case takes its reference in the order received.
    week = arrivals[0].at if arrivals else now
    earlier = [plan for plan in plans if plan.received_at < week]
    references = references_reserve(rules, [plan.received_at for plan in earlier])
    for start in range(0, len(earlier), CHUNK):
        chunk = zip(earlier[start : start + CHUNK], references[start : start + CHUNK], strict=True)
        save_drafts([stories.tell(plan, reference) for plan, reference in chunk])
    # Complaints not accepted are declined (and closed) before anything looks for open cases.
    book = ComplaintsBook(policy=rules, organisation=organisation, seed=seed, now=now)
    book.decline(stories.declined_take())
    log.cases_before(week)
    later: list[Plan | Arrival] = [*plans[len(earlier) :], *arrivals]
    for item in sorted(later, key=_received_or_arrived):  # sorted() keeps each list's order
        if isinstance(item, Arrival):
            log.play(item)
        else:
            (reference,) = references_reserve(rules, [item.received_at])
            save_drafts([stories.tell(item, reference)])
    book.decline(stories.declined_take())
    Diary(landlord=landlord, policy=rules, organisation=organisation, seed=seed, now=now).play()
    book.write()
    # The performance figures, counted now rather than on the first visit to the dashboard.
    figures_rebuild(policy=rules)


def _identity_cards(organisation: Organisation, now: datetime) -> None:
    """Everyone's identity card, shown on home visits: valid for a year or two, but the
    demo officer's runs out in three weeks, so the warning before a visit can be seen."""
    for number, person in enumerate(organisation.staff, start=1):
        person.id_card_number = f"ID{number:05d}"
        days = 21 if person.pk == organisation.officer.pk else 365 + 11 * number
        person.id_card_expires = now.date() + timedelta(days=days)
    StaffMember.objects.bulk_update(organisation.staff, ["id_card_number", "id_card_expires"])


def _received_or_arrived(item: Plan | Arrival) -> datetime:
    return item.at if isinstance(item, Arrival) else item.received_at


def _first_contacts(plans: list[Plan], rng: random.Random) -> None:
    """New applicants and advice clients became known when they first got in touch."""
    seen: set[int] = set()
    for plan in plans:
        customer = plan.customer
        if customer is None or id(customer) in seen:
            continue
        seen.add(id(customer))
        newcomer = {CustomerType.APPLICANT, CustomerType.ADVICE_CLIENT}
        if customer.customer_type in newcomer and rng.random() < 0.6:
            customer.created_at = plan.received_at - timedelta(minutes=rng.randint(1, 30))


# -- an earlier demo -----------------------------------------------------------------------


@dataclass(frozen=True)
class Existing:
    policy_name: str | None  # the demo already here, if any
    foreign: bool  # records the demo did not make: it will not touch them


def existing_demo() -> Existing:
    for name, landlord in LANDLORDS.items():
        if StaffMember.objects.filter(email__endswith=f"@{landlord.email_domain}").exists():
            return Existing(name, foreign=False)
    foreign = StaffMember.objects.exists() or Customer.objects.exists() or Case.objects.exists()
    return Existing(None, foreign=foreign)


def wipe_demo() -> None:
    """Empty the tables of staff, customers, cases (and what refers to them) and sessions."""
    # Reports' PDFs made for the demo's staff go with them (the figures are counted again).
    tables = [Session._meta.db_table, ReportFile._meta.db_table]
    for label in (*WIPED_APPS, *WIPED_SIGN_IN_APPS):
        if label in WIPED_SIGN_IN_APPS or apps.is_installed(f"caredesk.{label}"):
            config = apps.get_app_config(label)
            tables += [
                model._meta.db_table for model in config.get_models(include_auto_created=True)
            ]
    statements = connection.ops.sql_flush(
        no_style(), tables, reset_sequences=True, allow_cascade=True
    )
    postgres = connection.vendor == "postgresql"
    if postgres:  # TRUNCATE refuses while deferred foreign-key checks are pending
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    connection.ops.execute_sql_flush(statements)
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


# -- what is in it -----------------------------------------------------------------------


@dataclass(frozen=True)
class Login:
    role: str
    username: str
    name: str
    app_key: str = ""  # two-factor sign-in: the key to add to an authenticator app
    recovery_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoSummary:
    organisation: str
    offices: int
    teams: int
    staff: int
    away: int
    customers: int
    cases: int
    first_received: datetime | None
    open: int
    waiting: int
    finished: int
    overdue: int
    holding_replies: int
    officer_due_today: int
    officer_due_this_week: int
    logins: tuple[Login, ...]

    def lines(self) -> list[str]:
        return [
            f"{self.organisation} demo:",
            f"  {self.offices} offices, {self.teams} teams, {self.staff} staff "
            f"({self.away} away today)",
            f"  {self.customers:,} customers and {self.cases:,} cases from the last 12 months",
            f"  {self.open:,} cases open ({self.overdue:,} past a due time), "
            f"{self.waiting:,} waiting for the customer, {self.finished:,} resolved or closed",
            f"  {self.holding_replies:,} holding replies sent",
            f"  The officer below has {self.officer_due_today} deadlines due today and "
            f"{self.officer_due_this_week} more in the next 7 days.",
        ]

    def login_lines(self) -> list[str]:
        width = max(len(login.username) for login in self.logins)
        role_width = max(len(login.role) for login in self.logins)
        lines = [f'Sign in with the password "{DEMO_PASSWORD}" as (one for each role):']
        for login in self.logins:
            lines.append(f"  {login.role:<{role_width}} {login.username:<{width}}  ({login.name})")
            if login.app_key:
                lines += [
                    f"  {'':<{role_width}} then a code: add caredesk to an authenticator app "
                    f"with the key {login.app_key} (time-based),",
                ]
                if login.recovery_codes:
                    lines.append(
                        f"  {'':<{role_width}} or enter a recovery code (each works once): "
                        + ", ".join(login.recovery_codes)
                    )
        return lines


def demo_summary(*, policy: str, clock: Clock) -> DemoSummary:
    landlord, rules = landlord_for(policy), load_policy(policy)
    now = clock.now()
    zone = rules.working_calendar.zone
    local = now.astimezone(zone)
    end_of_today = local.replace(hour=23, minute=59, second=59)
    next_week = end_of_today + timedelta(days=7)
    by_status: Counter[str] = Counter()
    for status, count in Case.objects.values_list("status").annotate(n=Count("pk")).order_by():
        by_status[status] = count
    open_deadlines = Deadline.objects.filter(status=DeadlineStatus.OPEN)
    overdue = (
        Case.objects.filter(deadlines__in=open_deadlines.filter(due_at__lt=now)).distinct().count()
    )
    holders = role_holders(landlord)
    officer = holders.get(Role.OFFICER)
    mine = open_deadlines.filter(assigned_to=officer)
    first = Case.objects.order_by("received_at").values_list("received_at", flat=True).first()
    return DemoSummary(
        organisation=rules.organisation.name,
        offices=Office.objects.count(),
        teams=Team.objects.count(),
        staff=StaffMember.objects.count(),
        away=len(absences_away_list(on=local.date(), policy=rules)),
        customers=Customer.objects.count(),
        cases=sum(by_status.values()),
        first_received=first,
        open=by_status[CaseStatus.OPEN],
        waiting=by_status[CaseStatus.WAITING_FOR_CUSTOMER],
        finished=by_status[CaseStatus.RESOLVED] + by_status[CaseStatus.CLOSED],
        overdue=overdue,
        holding_replies=HoldingReply.objects.count(),
        officer_due_today=mine.filter(due_at__gte=now, due_at__lte=end_of_today).count(),
        officer_due_this_week=mine.filter(due_at__gt=end_of_today, due_at__lte=next_week).count(),
        logins=tuple(_login(role.label.lower(), person) for role, person in holders.items()),
    )


def role_holders(landlord: Landlord) -> dict[Role, StaffMember]:
    """Whom the demo prints for each role, in the order of the Role enum: the officer,
    line manager and administrator personas, and for every other role its first member."""
    chosen = {
        Role.OFFICER: landlord.officer_persona.username,
        Role.LINE_MANAGER: _manager_username(landlord),
        Role.ADMINISTRATOR: landlord.administrator.username,
    }
    demo_staff = StaffMember.objects.filter(email__endswith=f"@{landlord.email_domain}")
    holders: dict[Role, StaffMember] = {}
    for role in Role:
        username = chosen.get(role)
        found = (
            demo_staff.filter(username=username)
            if username
            else demo_staff.filter(groups__name=role.value)
        )
        member = found.order_by("pk").first()
        if member is not None:
            holders[role] = member
    return holders


def _manager_username(landlord: Landlord) -> str:
    for team in landlord.teams:
        if team.manager is not None:
            return team.manager.username
    raise AssertionError("a landlord names its demo line manager")


def _login(role: str, person: StaffMember) -> Login:
    app = two_factor_app_get(member=person)
    return Login(
        role,
        person.username,
        f"{person.get_full_name()}, {person.post_title}",
        app_key=app_key_words(app) if app is not None else "",
        recovery_codes=tuple(recovery_codes_list(member=person)[:RECOVERY_CODES_PRINTED]),
    )
