"""Offices, teams and about forty staff with roles, line managers and absences."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from caredesk.demo.landlords import DEMO_PASSWORD, Landlord, Persona, TeamSpec
from caredesk.staff.models import Absence, AbsenceKind, Office, Role, StaffMember, Team
from caredesk.standards import Policy


@dataclass
class Organisation:
    offices: dict[str, Office]
    teams: dict[str, Team]  # by TeamSpec.key
    staff: list[StaffMember]
    caseworkers: dict[str, list[StaffMember]]  # who takes a team's cases
    managers: dict[str, StaffMember]
    administrators: list[StaffMember]
    officer: StaffMember  # the demo logins
    line_manager: StaffMember
    administrator: StaffMember
    absences: list[Absence] = field(default_factory=list)

    def pick_caseworker(self, team: str, rng: random.Random) -> StaffMember:
        people = self.caseworkers[team]
        weights = [3.0 if person.pk == self.officer.pk else 1.0 for person in people]
        return rng.choices(people, weights)[0]


class _People:
    """Makes StaffMember rows with unique usernames; names from Faker unless a persona."""

    def __init__(self, landlord: Landlord, fake: Any, rng: random.Random, now: datetime):
        self.landlord, self.fake, self.rng, self.now = landlord, fake, rng, now
        self.password = make_password(DEMO_PASSWORD)  # hashed once, shared by every account
        self.usernames: set[str] = set()
        self.roles: list[tuple[StaffMember, tuple[Role, ...]]] = []
        self.extension = 0

    def make(
        self,
        post_title: str,
        *roles: Role,
        team: Team | None,
        office: Office | None,
        line_manager: StaffMember | None = None,
        persona: Persona | None = None,
    ) -> StaffMember:
        rng = self.rng
        if persona is not None:
            first, last = persona.first_name, persona.last_name
        else:
            female = rng.random() < 0.6
            first = self.fake.first_name_female() if female else self.fake.first_name_male()
            last = self.fake.last_name()
        base = f"{first}.{last}".lower().replace("'", "").replace(" ", "-")
        username, n = base, 1
        while username in self.usernames:
            n += 1
            username = f"{base}{n}"
        self.usernames.add(username)
        self.extension += 1
        languages = []
        if rng.random() < 0.18:
            languages.append(rng.choice(self.landlord.staff_languages))
        member = StaffMember(
            username=username,
            password=self.password,
            first_name=first,
            last_name=last,
            email=f"{username}@{self.landlord.email_domain}",
            post_title=post_title,
            team=team,
            office=office,
            line_manager=line_manager,
            phone=f"{self.landlord.area_phone}{400 + self.extension:03d}",
            languages=languages,
            same_sex_interviews=rng.random() < 0.4,
            date_joined=self.now - timedelta(days=rng.randint(60, 4000)),
        )
        self.roles.append((member, roles))
        return member

    def save(self, members: list[StaffMember]) -> None:
        StaffMember.objects.bulk_create(members)

    def save_roles(self) -> None:
        groups = {group.name: group for group in Group.objects.all()}
        for role in Role:  # the staff migration makes these; a flushed database may not have them
            if role.value not in groups:
                groups[role.value] = Group.objects.create(name=role.value)
        through = StaffMember.groups.through
        through.objects.bulk_create(
            through(staffmember_id=member.pk, group_id=groups[role.value].pk)
            for member, roles in self.roles
            for role in roles
        )


def build_organisation(
    *, landlord: Landlord, policy: Policy, fake: Any, rng: random.Random, now: datetime
) -> Organisation:
    offices = {
        spec.name: Office(name=spec.name, address=spec.address, phone=spec.phone)
        for spec in landlord.offices
    }
    Office.objects.bulk_create(offices.values())
    domain = landlord.email_domain
    teams = {
        spec.key: Team(name=spec.name, office=offices[spec.office], email=f"{spec.key}@{domain}")
        for spec in landlord.teams
    }
    Team.objects.bulk_create(teams.values())
    head_office = offices[landlord.offices[0].name]

    people = _People(landlord, fake, rng, now)
    director = people.make(
        landlord.director.post_title,
        Role.LINE_MANAGER,
        team=None,
        office=head_office,
        persona=landlord.director,
    )
    people.save([director])
    managers = {
        spec.key: people.make(
            spec.manager_title,
            Role.OFFICER,
            Role.LINE_MANAGER,
            team=teams[spec.key],
            office=teams[spec.key].office,
            line_manager=director,
            persona=spec.manager,
        )
        for spec in landlord.teams
    }
    people.save(list(managers.values()))

    caseworkers: dict[str, list[StaffMember]] = {}
    rest: list[StaffMember] = []
    for spec in landlord.teams:
        caseworkers[spec.key] = _officers(people, spec, teams[spec.key], managers[spec.key])
        rest += caseworkers[spec.key]
    services, governance = teams["customer_services"], teams["governance"]
    administrators = [
        people.make(
            landlord.administrator_title,
            Role.ADMINISTRATOR,
            team=services,
            office=services.office,
            line_manager=managers["customer_services"],
            persona=landlord.administrator if n == 0 else None,
        )
        for n in range(landlord.administrators)
    ]
    lead = managers["governance"]
    dpo = people.make(
        landlord.data_protection_officer_title,
        Role.DATA_PROTECTION_OFFICER,
        Role.OFFICER,
        team=governance,
        office=governance.office,
        line_manager=lead,
    )
    analyst = people.make(
        landlord.analyst_title,
        Role.PERFORMANCE_ANALYST,
        team=governance,
        office=governance.office,
        line_manager=lead,
    )
    sysadmin = people.make(
        landlord.system_administrator_title,
        Role.SYSTEM_ADMINISTRATOR,
        team=governance,
        office=governance.office,
        line_manager=lead,
    )
    people.save([*rest, *administrators, dpo, analyst, sysadmin])
    people.save_roles()
    caseworkers["governance"].append(dpo)
    for key, manager in managers.items():  # managers take a little casework themselves
        caseworkers[key].append(manager)

    demo_team = next(spec.key for spec in landlord.teams if spec.first_officer is not None)
    organisation = Organisation(
        offices=offices,
        teams=teams,
        staff=[director, *managers.values(), *rest, *administrators, dpo, analyst, sysadmin],
        caseworkers=caseworkers,
        managers=managers,
        administrators=administrators,
        officer=caseworkers[demo_team][0],
        line_manager=managers[demo_team],
        administrator=administrators[0],
    )
    organisation.absences = _absences(organisation, policy, rng, now)
    Absence.objects.bulk_create(organisation.absences)
    return organisation


def build_role_holders(
    *, landlord: Landlord, organisation: Organisation, seed: int, now: datetime
) -> list[StaffMember]:
    """Someone in each role no team's work needs: an equality monitoring lead (governance)
    and a tenant on the scrutiny panel. Made apart, with their own random numbers, so that
    the rest of a seed's demo stays as it was."""
    people = _People(landlord, fake=None, rng=random.Random(seed), now=now)
    people.usernames = set(StaffMember.objects.values_list("username", flat=True))
    people.extension = len(organisation.staff)
    governance = organisation.teams["governance"]
    holders = [
        people.make(
            landlord.equality_lead.post_title,
            Role.EQUALITY_LEAD,
            team=governance,
            office=governance.office,
            line_manager=organisation.managers["governance"],
            persona=landlord.equality_lead,
        ),
        people.make(
            landlord.scrutiny_panel_member.post_title,
            Role.SCRUTINY_PANEL,
            team=None,
            office=None,
            persona=landlord.scrutiny_panel_member,
        ),
    ]
    people.save(holders)
    people.save_roles()
    organisation.staff += holders
    return holders


def _officers(
    people: _People, spec: TeamSpec, team: Team, manager: StaffMember
) -> list[StaffMember]:
    return [
        people.make(
            spec.officer_title,
            Role.OFFICER,
            team=team,
            office=team.office,
            line_manager=manager,
            persona=spec.first_officer if n == 0 else None,
        )
        for n in range(spec.officers)
    ]


def _absences(
    organisation: Organisation, policy: Policy, rng: random.Random, now: datetime
) -> list[Absence]:
    """Someone off sick now with a named cover, someone on leave, a short course, history."""
    zone = policy.working_calendar.zone
    today = now.astimezone(zone).date()
    officer = organisation.officer
    team_key = next(key for key, team in organisation.teams.items() if team.pk == officer.team_id)
    teammates = [p for p in organisation.caseworkers[team_key] if p.pk != officer.pk]
    others = [
        person
        for key, people in organisation.caseworkers.items()
        if key not in {team_key, "governance"}
        for person in people
        if person.pk not in {m.pk for m in organisation.managers.values()}
    ]
    admin = organisation.administrator
    away, on_leave, on_course, later = teammates[0], others[0], others[-1], others[len(others) // 2]

    def absence(
        who: StaffMember,
        kind: AbsenceKind,
        first: date,
        last: date,
        cover: StaffMember | None = None,
        message: bool = True,
    ) -> Absence:
        back = policy.working_calendar.next_working_day(last)
        taker = cover or who.line_manager
        text = ""
        if message and taker is not None:
            text = (
                f"I am away from work and back on {back:%A %-d %B}. For anything that cannot "
                f"wait, please contact {taker.get_full_name()} on {taker.phone} or email "
                f"{taker.email}."
            )
        recorded = datetime.combine(first - timedelta(days=rng.randint(0, 20)), time(8, 40))
        return Absence(
            staff=who,
            kind=kind,
            first_day=first,
            last_day=last,
            cover=cover,
            out_of_office_message=text,
            recorded_by=who.line_manager or admin if kind == AbsenceKind.SICKNESS else admin,
            recorded_at=min(recorded.replace(tzinfo=zone), now),
        )

    result = [
        # Off sick for two weeks: new work goes to the demo officer, a teammate.
        absence(
            away,
            AbsenceKind.SICKNESS,
            today - timedelta(days=4),
            today + timedelta(days=9),
            officer,
        ),
        # A week's leave with no named cover: new work goes to the line manager.
        absence(
            on_leave, AbsenceKind.ANNUAL_LEAVE, today - timedelta(days=1), today + timedelta(6)
        ),
        # A one-day course today: shorter than the policy's threshold, so not "away".
        absence(on_course, AbsenceKind.TRAINING, today, today, message=False),
        absence(
            later, AbsenceKind.ANNUAL_LEAVE, today + timedelta(days=24), today + timedelta(days=35)
        ),
    ]
    for _ in range(8):  # earlier in the year
        who = rng.choice(others + teammates)
        first = today - timedelta(days=rng.randint(20, 340))
        kind = rng.choice(
            [AbsenceKind.ANNUAL_LEAVE, AbsenceKind.ANNUAL_LEAVE, AbsenceKind.SICKNESS]
        )
        length = rng.randint(1, 3) if kind == AbsenceKind.SICKNESS else rng.choice([5, 7, 11, 14])
        cover = rng.choice([p for p in teammates + others if p.team_id == who.team_id] + [None])
        if cover is not None and cover.pk == who.pk:
            cover = None
        result.append(absence(who, kind, first, first + timedelta(days=length - 1), cover))
    return result
