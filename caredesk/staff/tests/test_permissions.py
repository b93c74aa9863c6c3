"""Least privilege: each capability is its own; the tenants' scrutiny panel sees no
staff names or absences wherever it can go; callers' numbers in a call import's refused
rows only for those who may read calls."""

from __future__ import annotations

import enum
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from caredesk.api.services import api_token_create
from caredesk.conftest import make_staff
from caredesk.core.tests.test_permissions import concrete, desk_urls
from caredesk.core.tests.test_permissions import world as world_fixture  # noqa: F401
from caredesk.staff.models import AbsenceKind, Role, StaffMember
from caredesk.staff.permissions import Can, Grant, allowed
from caredesk.staff.services import absence_record

# -- each capability its own ---------------------------------------------------------------


def test_no_two_capabilities_share_a_value():
    # an alias is in __members__ but not in iteration: each name must be a member of its own
    assert len(Can.__members__) == len(list(Can)), [
        name for name, member in Can.__members__.items() if member.name != name
    ]
    values = [member.value for member in Can]
    assert len(set(values)) == len(values)
    for name, member in Can.__members__.items():
        assert member.name == name
        assert member.value.key == name.lower()


def test_two_capabilities_with_the_same_roles_are_still_two():
    assert len({Can.SEE_NOTIFICATIONS, Can.RECORD_ABSENCES}) == 2
    assert len({Can.IMPORT_CALLS, Can.EDIT_TEMPLATES}) == 2
    assert Can["EDIT_TEMPLATES"].name == "EDIT_TEMPLATES"  # not IMPORT_CALLS under a new name
    assert Can.IMPORT_CALLS.roles == Can.EDIT_TEMPLATES.roles


def test_a_capability_copied_under_another_name_fails_at_once():
    same = Grant("import_calls", frozenset({Role.ADMINISTRATOR}))
    with pytest.raises(ValueError, match="duplicate values"):

        @enum.unique
        class Twins(enum.Enum):
            IMPORT_CALLS = same
            EDIT_TEMPLATES = same


def test_refused_rows_are_for_those_who_import_calls_and_may_read_them():
    rejects = Can.DOWNLOAD_CALL_REJECTS.roles
    assert rejects <= Can.IMPORT_CALLS.roles & Can.READ_CASES.roles
    assert Role.SYSTEM_ADMINISTRATOR not in rejects


def test_equality_answers_are_not_for_every_caseworker():
    readers = Can.READ_EQUALITY_ANSWERS.roles
    assert readers == {Role.DATA_PROTECTION_OFFICER, Role.EQUALITY_LEAD}
    assert not readers & {Role.OFFICER, Role.ADMINISTRATOR, Role.LINE_MANAGER}
    assert Role.SCRUTINY_PANEL not in Can.SEE_EQUALITY_MONITORING.roles


# -- the scrutiny panel ---------------------------------------------------------------------


def test_a_scrutiny_panel_member_sees_no_staff_name_or_absence_anywhere_they_can_go(
    client, people, clock, request
):
    # the permission walk's world: a case, a customer, letters, a call import
    world = request.getfixturevalue("world_fixture")
    # given people away, covered by others, and a notice or two about them
    today = date(2025, 6, 20)
    absence_record(
        staff=people.officer,
        kind=AbsenceKind.SICKNESS,
        first_day=today,
        last_day=today + timedelta(days=5),
        cover=people.teammate,
        out_of_office_message="Olu is off sick this week.",
        by=people.line_manager,
        clock=clock,
    )
    member = people.scrutiny_member
    client.force_login(member)
    others = StaffMember.objects.exclude(pk=member.pk)
    names = {n for s in others for n in (s.get_full_name(), s.username, s.last_name) if n}
    assert {"Olu Officer", "olu_officer"} <= names
    words = [*names, "Olu is off sick", "Sickness", "Okafor"]

    # when they open every page of the desk, as a link or by typing its address
    opened = []
    for name, route, _ in desk_urls():
        url = concrete(route, world, name)
        response = client.get(url, follow=True)
        if response.status_code != 200:
            assert response.status_code in (403, 404, 405), f"{url}: {response.status_code}"
            continue
        opened.append(name)
        page = response.content.decode()
        # then none names a member of staff, or says who is away and why
        for word in words:
            assert not re.search(rf"\b{re.escape(word)}\b", page), f"{word!r} shown at {url}"
    assert {"reporting:scrutiny", "notifications:list", "staff:home"} <= set(opened)
    assert "staff:absences" not in opened
    assert client.get(reverse("staff:absences")).status_code == 403
    assert "Absences" not in client.get(reverse("reporting:scrutiny")).content.decode()


def test_staff_still_see_and_record_absences(client, people):
    for person in (people.officer, people.analyst):
        client.force_login(person)
        assert client.get(reverse("staff:absences")).status_code == 200
        assert allowed(person, Can.RECORD_ABSENCES)
    assert not allowed(people.scrutiny_member, Can.RECORD_ABSENCES)


# -- a call import's refused rows -----------------------------------------------------------


def test_a_system_administrator_imports_calls_but_never_sees_callers_numbers(
    client, people, request
):
    import_id = request.getfixturevalue("world_fixture")["import_id"]
    progress = reverse("telephony:import_progress", args=[import_id])
    rejects = reverse("telephony:import_rejects", args=[import_id])
    system = make_staff("sid_sysadmin", Role.SYSTEM_ADMINISTRATOR)
    client.force_login(system)
    assert client.get(reverse("telephony:import")).status_code == 200
    page = client.get(progress)
    assert page.status_code == 200
    assert rejects not in page.content.decode()
    assert client.get(rejects).status_code == 403
    token = api_token_create(owner=system, name="imports").secret
    api_rejects = reverse("api:v1:get_call_import_rejects", kwargs={"import_id": import_id})
    answer = client.get(api_rejects, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 403

    client.force_login(people.administrator)
    assert rejects in client.get(progress).content.decode()
    assert client.get(rejects).status_code == 200
    token = api_token_create(owner=people.administrator, name="imports").secret
    assert client.get(api_rejects, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
