"""`caredesk due`: when is something due, for people at a terminal and for scripts."""

from datetime import UTC, datetime, timedelta, timezone
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from hypothesis import example, given
from hypothesis import strategies as st

from caredesk.core.office_time import ReceivedTimeError, parse_received
from caredesk.core.tests.console import CAREDESK, run_all
from caredesk.standards import load_policy
from caredesk.standards.policy_files import POLICIES_FOLDER

LONDON = ZoneInfo("Europe/London")

INVOCATIONS = {
    "issue example": [
        "due", "--policy", "stonewall", "--duration", "2 working days",
        "--received", "2025-05-23T15:00",
    ],
    "unknown policy": [
        "due", "--policy", "nosuch", "--duration", "2 working days",
        "--received", "2025-05-23T15:00",
    ],
    "unknown standard": [
        "due", "--policy", "halton", "--standard", "letter_response",
        "--received", "2025-05-23T15:00",
    ],
    "threshold standard": [
        "due", "--policy", "halton", "--standard", "out_of_office_email",
        "--received", "2025-05-23T15:00",
    ],
    "unparseable time": [
        "due", "--policy", "halton", "--duration", "2 working days",
        "--received", "next Tuesday",
    ],
    "unparseable duration": [
        "due", "--policy", "halton", "--duration", "10 workdays",
        "--received", "2025-05-23T15:00",
    ],
}  # fmt: skip

ERRORS = {
    "unknown policy": ["'nosuch'", "halton", "stonewall"],
    "unknown standard": ["'letter_response'", "letter_email_response"],
    "threshold standard": ["'out_of_office_email'", "threshold", "not a deadline"],
    "unparseable time": ["'next Tuesday'", "2025-05-23T15:00"],
    "unparseable duration": ["'10 workdays'", "working days"],
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    # from an empty folder, with no CAREDESK_ variable set (so no secret key, no debug):
    # `caredesk due` serves no pages and must not need the web server's settings
    return run_all(INVOCATIONS, cwd=tmp_path_factory.mktemp("anywhere"))


def test_the_console_script_is_installed_beside_python():
    assert CAREDESK.is_file()


def test_the_issue_example_prints_wednesday_at_close_of_business(runs):
    run = runs["issue example"]
    assert (run.returncode, run.stdout, run.stderr) == (0, "2025-05-28T17:30:00+01:00\n", "")


@pytest.mark.parametrize("name", list(ERRORS))
def test_an_error_is_one_line_on_stderr_and_exit_status_2(runs, name):
    run = runs[name]
    assert run.returncode == 2, run
    assert run.stdout == ""
    assert "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("caredesk due: ")
    for words in ERRORS[name]:
        assert words in lines[0]


# -- in process, for speed -----------------------------------------------------------------


def due(*args: str) -> tuple[int, str, str]:
    """`caredesk due ARGS` in this process: (exit status, stdout, stderr)."""
    stdout, stderr = StringIO(), StringIO()
    try:
        call_command("due", *args, stdout=stdout, stderr=stderr)
    except SystemExit as exit_:
        return int(exit_.code or 0), stdout.getvalue(), stderr.getvalue()
    return 0, stdout.getvalue(), stderr.getvalue()


def due_ok(*args: str) -> str:
    status, stdout, stderr = due(*args)
    assert (status, stderr) == (0, ""), stderr
    return stdout.strip()


def test_a_halton_letter_received_before_christmas_is_due_in_january():
    # Christmas, Boxing Day and New Year's Day are not working days
    printed = due_ok(
        "--standard", "letter_email_response", "--policy", "halton",
        "--received", "2025-12-19T16:59",
    )  # fmt: skip
    assert printed == "2026-01-07T17:00:00+00:00"


def test_a_received_time_with_an_offset_is_that_instant():
    # 14:00Z is 15:00 in London in May: the same answer as the issue example
    printed = due_ok(
        "--policy", "stonewall", "--duration", "2 working days",
        "--received", "2025-05-23T14:00:00Z",
    )  # fmt: skip
    assert printed == "2025-05-28T17:30:00+01:00"


def test_rings_are_three_seconds_each():
    printed = due_ok(
        "--policy", "halton", "--standard", "phone_answer_rings", "--received", "2025-05-23T15:00"
    )
    assert printed == "2025-05-23T15:00:12+01:00"


def test_a_policy_file_path_works_like_its_name():
    path = str(POLICIES_FOLDER / "stonewall.toml")
    by_path = due_ok(
        "--policy", path, "--duration", "2 working days", "--received", "2025-05-23T15:00"
    )
    assert by_path == "2025-05-28T17:30:00+01:00"


def test_a_subject_access_request_on_31_january_is_due_on_28_february():
    printed = due_ok(
        "--policy", "halton", "--standard", "subject_access_request",
        "--received", "2025-01-31T10:00",
    )  # fmt: skip
    assert printed == "2025-02-28T17:00:00+00:00"


def test_a_stonewall_email_in_the_lunch_hour_counts_from_that_day():
    printed = due_ok(
        "--policy", "stonewall", "--standard", "email_response", "--received", "2025-05-21T13:30"
    )
    assert printed == "2025-05-23T17:30:00+01:00"


def test_an_explicit_offset_is_converted_to_office_time():
    printed = due_ok(
        "--policy", "halton", "--duration", "2 hours", "--received", "2025-07-01T09:00:00-04:00"
    )
    assert printed == "2025-07-01T16:00:00+01:00"


def test_a_missing_policy_file_is_a_one_line_error(tmp_path):
    status, stdout, stderr = due(
        "--policy", str(tmp_path / "missing.toml"), "--duration", "1 hour",
        "--received", "2025-05-23T15:00",
    )  # fmt: skip
    assert (status, stdout) == (2, "")
    assert stderr.startswith("caredesk due: There is no policy file at")
    assert len(stderr.splitlines()) == 1


def test_a_broken_policy_file_is_a_one_line_error(tmp_path):
    path = tmp_path / "broken.toml"
    text = (POLICIES_FOLDER / "halton.toml").read_text(encoding="utf-8")
    path.write_text(text.replace('"4 rings"', '"4 ringz"'), encoding="utf-8")
    status, stdout, stderr = due(
        "--policy", str(path), "--duration", "1 hour", "--received", "2025-05-23T15:00"
    )
    assert (status, stdout) == (2, "")
    assert stderr.startswith(f"caredesk due: {path}")
    assert len(stderr.splitlines()) == 1


@pytest.mark.parametrize(
    ("duration", "received"),
    [
        ("9999999 calendar days", "2025-05-23T15:00"),
        ("9999999 months", "2025-05-23T15:00"),
        ("1 hour", "9999-12-31T23:59"),
        ("1 hour", "0001-01-01T00:00:00+01:00"),
        ("1 hour", "9999-12-31T23:59:00-01:00"),
        ("2 working days", "1066-10-14T09:00"),
    ],
)
def test_a_time_beyond_the_calendar_is_a_one_line_error(duration, received):
    status, stdout, stderr = due(
        "--policy", "halton", "--duration", duration, "--received", received
    )
    assert (status, stdout) == (2, "")
    assert stderr.startswith("caredesk due: ")
    assert len(stderr.splitlines()) == 1


# -- reading the received time ---------------------------------------------------------------

HALTON = load_policy("halton")


def test_a_time_without_an_offset_is_office_time():
    moment = parse_received("2025-05-23T15:00", HALTON)
    assert moment == datetime(2025, 5, 23, 14, 0, tzinfo=UTC)
    assert moment.tzinfo == LONDON


def test_a_time_with_an_offset_is_converted_to_office_time():
    moment = parse_received("2025-12-19T16:59:00+01:00", HALTON)
    assert moment == datetime(2025, 12, 19, 15, 59, tzinfo=UTC)
    assert moment.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "text", ["", "tomorrow", "2025-13-01T10:00", "2025-05-23T25:00", "23/05/2025"]
)
def test_text_that_is_not_a_time_is_a_received_time_error(text):
    with pytest.raises(ReceivedTimeError) as raised:
        parse_received(text, HALTON)
    assert f"'{text}'" in raised.value.message


def received_or_error(text):
    """(time, None) or (None, the ReceivedTimeError); any other exception escapes."""
    try:
        return parse_received(text, HALTON), None
    except ReceivedTimeError as error:
        return None, error


@given(text=st.text())
def test_any_text_is_a_time_or_a_received_time_error(text):
    moment, error = received_or_error(text)
    if error is not None:
        assert error.message
    else:
        assert moment.tzinfo == LONDON


@given(
    moment=st.datetimes(),
    offset_minutes=st.one_of(
        st.none(), st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59)
    ),
)
@example(moment=datetime(1, 1, 1), offset_minutes=60)
@example(moment=datetime(9999, 12, 31, 23, 59), offset_minutes=-60)
def test_an_iso_time_is_read_as_that_instant_or_refused(moment, offset_minutes):
    if offset_minutes is not None:
        moment = moment.replace(tzinfo=timezone(timedelta(minutes=offset_minutes)))
    parsed, error = received_or_error(moment.isoformat())
    if error is not None:
        assert moment.isoformat() in error.message
        return
    assert parsed.tzinfo == LONDON
    if offset_minutes is None:
        assert parsed.replace(tzinfo=None) == moment
    else:
        assert parsed.astimezone(UTC) == moment.astimezone(UTC)


def test_a_local_time_that_never_happened_is_explained_not_moved():
    with pytest.raises(ReceivedTimeError, match="There was no 01:30 on 30 March 2025"):
        parse_received("2025-03-30T01:30", load_policy("halton"))


def test_a_local_time_that_happened_twice_is_the_first_of_the_two():
    first = parse_received("2025-10-26T01:30", load_policy("halton"))
    assert first.astimezone(UTC) == datetime(2025, 10, 26, 0, 30, tzinfo=UTC)


@given(st.datetimes(min_value=datetime(1972, 1, 1), max_value=datetime(2099, 12, 31)))
def test_every_local_time_is_read_or_explained(moment):
    policy = load_policy("halton")
    zone = policy.working_calendar.zone
    exists = moment.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if exists == moment:
        assert parse_received(moment.isoformat(), policy).replace(tzinfo=None) == moment
    else:
        with pytest.raises(ReceivedTimeError, match="clocks went forward"):
            parse_received(moment.isoformat(), policy)
