import pytest
from django.conf import settings as django_settings

from caredesk.conftest import make_staff
from caredesk.staff.models import Role


def test_passwords_are_hashed_with_argon2(db, settings):
    # given the production hashers (the tests otherwise use a fast one)
    settings.PASSWORD_HASHERS = django_settings.PASSWORD_HASHERS_IN_PRODUCTION
    # when a member of staff is given a password
    person = make_staff("pat_person")
    # then it is stored as an Argon2 hash
    assert person.password.startswith("argon2")
    assert person.check_password("correct horse battery staple")


def test_roles_are_groups(people):
    assert people.line_manager.has_role(Role.LINE_MANAGER)
    assert not people.officer.has_role(Role.LINE_MANAGER)


@pytest.mark.django_db
def test_a_deactivated_account_holds_no_role(people):
    people.line_manager.is_active = False
    assert not people.line_manager.has_role(Role.LINE_MANAGER)
