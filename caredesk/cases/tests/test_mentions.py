"""@mentions: which names a note gives, and whom they name."""

from hypothesis import given
from hypothesis import strategies as st

from caredesk.cases.mentions import mention_handle, mentions_find, mentions_resolve
from caredesk.conftest import make_staff
from caredesk.staff.models import Role


def test_names_end_at_spaces_and_punctuation_and_emails_name_nobody():
    text = "Ask @Olu.Adeyemi. Then @tia_teammate, (@sam-j) and @olu.adeyemi; not jo@example.org"
    assert mentions_find(text) == ["olu.adeyemi", "tia_teammate", "sam-j"]
    assert mentions_find("@ alone, @@double, trailing @") == []


@given(st.text())
def test_any_text_gives_lower_case_names_each_once_found_after_an_at_sign(text):
    names = mentions_find(text)
    assert len(names) == len(set(names))
    for name in names:
        assert name == name.lower()
        assert name[-1] not in ".-"
        assert "@" not in name
        assert not any(character.isspace() for character in name)
    assert len(names) <= text.count("@")


@given(st.lists(st.from_regex(r"[a-z][a-z0-9_]{0,8}(\.[a-z]{1,8})?", fullmatch=True), max_size=5))
def test_names_written_after_an_at_sign_are_found_again(names):
    text = " ".join(f"@{name}" for name in names) + "."
    assert mentions_find(text) == list(dict.fromkeys(names))


def named(username: str, first: str, last: str, *, active: bool = True, role: Role = Role.OFFICER):
    person = make_staff(username, role)
    person.first_name, person.last_name, person.is_active = first, last, active
    person.save()
    return person


def test_usernames_and_first_last_names_are_found_shared_names_are_not(db):
    named("okeefe", "Mary Jane", "O'Keefe")
    named("sam1", "Sam", "Jones")
    named("sam2", "Sam", "Jones")
    named("gone", "Old", "Hand", active=False)
    found = mentions_resolve(["OKEEFE", "mary-jane.okeefe", "sam.jones", "old.hand", "nobody"])
    assert {name: person.username for name, person in found.found.items()} == {
        "okeefe": "okeefe",
        "mary-jane.okeefe": "okeefe",
    }
    assert found.shared == ("sam.jones",)
    assert found.unknown == ("old.hand", "nobody")


def test_a_first_last_handle_joins_words_with_hyphens(db):
    person = named("x1", "Mary Jane", "Smith")
    assert mention_handle(person) == "mary-jane.smith"


def test_only_colleagues_who_can_read_cases_are_found(db):
    # given a tenant on the scrutiny panel and an analyst, who never see a case
    named("panel", "Pat", "Tenant", role=Role.SCRUTINY_PANEL)
    named("figures", "Ana", "Lyst", role=Role.PERFORMANCE_ANALYST)
    named("dpo", "Dee", "Pio", role=Role.DATA_PROTECTION_OFFICER)
    # when a note names them
    found = mentions_resolve(["panel", "ana.lyst", "dpo"])
    # then only the one who can read cases is told; the others name nobody
    assert {name: person.username for name, person in found.found.items()} == {"dpo": "dpo"}
    assert found.unknown == ("panel", "ana.lyst")
