"""Settings from environment variables: a bad value stops start-up, naming the variable."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from caredesk.env import env_bool, env_int, env_list, env_megabytes, env_str

NAME = "CAREDESK_TEST_SETTING"
TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}

# Values an environment variable can hold: any text without NUL.
env_text = st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=["Cs"]))


def read_or_error(reader, name, **defaults):
    """(value, None) or (None, the ImproperlyConfigured); any other exception escapes."""
    try:
        return reader(name, **defaults), None
    except ImproperlyConfigured as error:
        return None, error


# -- env_str -------------------------------------------------------------------------------


def test_env_str_reads_the_value_without_surrounding_space(monkeypatch):
    monkeypatch.setenv(NAME, "  postgres://db  ")
    assert env_str(NAME) == "postgres://db"


def test_env_str_falls_back_to_its_default_when_unset(monkeypatch):
    monkeypatch.delenv(NAME, raising=False)
    assert env_str(NAME, default="halton") == "halton"


@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
def test_env_str_treats_a_blank_value_as_unset(monkeypatch, blank):
    monkeypatch.setenv(NAME, blank)
    assert env_str(NAME, default="halton") == "halton"


@pytest.mark.parametrize("value", [None, "", "  "])
def test_env_str_without_a_default_requires_the_variable(monkeypatch, value):
    if value is None:
        monkeypatch.delenv(NAME, raising=False)
    else:
        monkeypatch.setenv(NAME, value)
    with pytest.raises(ImproperlyConfigured, match=NAME):
        env_str(NAME)


def test_env_str_allows_an_empty_default(monkeypatch):
    monkeypatch.delenv(NAME, raising=False)
    assert env_str(NAME, default="") == ""


# -- env_bool ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1", "true", "TRUE", "True", "yes", "Yes", "on", " on "])
def test_env_bool_reads_true(monkeypatch, value):
    monkeypatch.setenv(NAME, value)
    assert env_bool(NAME, default=False) is True


@pytest.mark.parametrize("value", ["0", "false", "FALSE", "no", "No", "off", " off "])
def test_env_bool_reads_false(monkeypatch, value):
    monkeypatch.setenv(NAME, value)
    assert env_bool(NAME, default=True) is False


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_unset_or_blank_is_the_default(monkeypatch, default):
    monkeypatch.delenv(NAME, raising=False)
    assert env_bool(NAME, default=default) is default
    monkeypatch.setenv(NAME, " ")
    assert env_bool(NAME, default=default) is default


@pytest.mark.parametrize(
    "value", ["2", "y", "n", "t", "f", "maybe", "enabled", "truee", "-1", "1.0"]
)
def test_env_bool_refuses_anything_else_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv(NAME, value)
    with pytest.raises(ImproperlyConfigured) as raised:
        env_bool(NAME, default=False)
    assert NAME in str(raised.value)
    assert repr(value) in str(raised.value)


@given(value=env_text)
def test_env_bool_gives_a_bool_or_names_the_variable(value):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(NAME, value)
        result, error = read_or_error(env_bool, NAME, default=False)
    if error is not None:
        assert NAME in str(error)
        assert value.strip().lower() not in TRUE | FALSE
    else:
        assert result is (value.strip().lower() in TRUE)


# -- env_int -------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [("0", 0), ("60", 60), (" 600 ", 600), ("-1", -1)])
def test_env_int_reads_a_whole_number(monkeypatch, value, expected):
    monkeypatch.setenv(NAME, value)
    assert env_int(NAME, default=5) == expected


def test_env_int_unset_or_blank_is_the_default(monkeypatch):
    monkeypatch.delenv(NAME, raising=False)
    assert env_int(NAME, default=5) == 5
    monkeypatch.setenv(NAME, "")
    assert env_int(NAME, default=5) == 5


@pytest.mark.parametrize("value", ["ten", "1.5", "1e3", "0x10", "60s", "1 000", "--1", "∞"])
def test_env_int_refuses_anything_but_a_whole_number_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv(NAME, value)
    with pytest.raises(ImproperlyConfigured) as raised:
        env_int(NAME, default=0)
    assert NAME in str(raised.value)
    assert repr(value) in str(raised.value)


@given(number=st.integers())
def test_env_int_reads_back_any_integer(number):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(NAME, str(number))
        assert env_int(NAME, default=0) == number


@given(value=env_text)
def test_env_int_gives_an_int_or_names_the_variable(value):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(NAME, value)
        result, error = read_or_error(env_int, NAME, default=7)
    if error is not None:
        assert NAME in str(error)
    else:
        assert isinstance(result, int)


# -- env_list ------------------------------------------------------------------------------


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv(NAME, " caredesk.example.org, localhost ,, ")
    assert env_list(NAME, default=["x"]) == ["caredesk.example.org", "localhost"]


def test_env_list_unset_or_blank_is_the_default(monkeypatch):
    monkeypatch.delenv(NAME, raising=False)
    assert env_list(NAME, default=["127.0.0.1"]) == ["127.0.0.1"]
    monkeypatch.setenv(NAME, "  ")
    assert env_list(NAME, default=["127.0.0.1"]) == ["127.0.0.1"]


@given(items=st.lists(env_text.filter(lambda t: "," not in t and t.strip()), max_size=5))
def test_env_list_reads_back_comma_separated_items(items):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(NAME, ",".join(items))
        expected = [item.strip() for item in items] if "".join(items).strip() else ["default"]
        assert env_list(NAME, default=["default"]) == expected


# -- env_megabytes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "size"), [(None, 25 * 1024 * 1024), ("10", 10_485_760), ("2.5", 2_621_440)]
)
def test_env_megabytes_reads_a_size_in_megabytes_as_bytes(monkeypatch, value, size):
    if value is None:
        monkeypatch.delenv(NAME, raising=False)
    else:
        monkeypatch.setenv(NAME, value)
    assert env_megabytes(NAME, default=25) == size


@pytest.mark.parametrize("value", ["0", "-1", "ten", "nan", "inf", "25MB"])
def test_env_megabytes_refuses_a_size_that_is_not_above_nothing(monkeypatch, value):
    monkeypatch.setenv(NAME, value)
    with pytest.raises(ImproperlyConfigured, match=f"{NAME} must be a number of megabytes"):
        env_megabytes(NAME, default=25)
