"""`caredesk policy show` and `caredesk policy check`."""

from io import StringIO

import pytest
from django.core.management import call_command

from caredesk.core.tests.console import run_all
from caredesk.standards import load_policy
from caredesk.standards.policy_files import POLICIES_FOLDER

HALTON_TEXT = (POLICIES_FOLDER / "halton.toml").read_text(encoding="utf-8")
HALTON_LINES = HALTON_TEXT.splitlines()


@pytest.fixture(scope="module")
def checks(tmp_path_factory):
    folder = tmp_path_factory.mktemp("policies")
    broken = HALTON_TEXT.replace('"10 working days"', '"10 workdays"', 1)
    broken = broken.replace("holding_reply = true", "holding_replies = true", 1)
    (folder / "broken.toml").write_text(broken, encoding="utf-8")
    return run_all(
        {
            "halton": ["policy", "check", "halton"],
            "broken": ["policy", "check", str(folder / "broken.toml")],
        },
        cwd=folder,
    )


def show(*args: str) -> str:
    stdout = StringIO()
    call_command("policy", "show", *args, stdout=stdout)
    return stdout.getvalue()


@pytest.fixture
def wide_terminal(monkeypatch):
    # at 80 columns rich shortens table cells with an ellipsis
    monkeypatch.setenv("COLUMNS", "200")


@pytest.mark.usefixtures("wide_terminal")
def test_show_lists_every_halton_standard_and_the_office_hours():
    printed = show("halton")
    for standard in load_policy("halton").standards:
        assert standard.key in printed
    assert "Office hours: Monday to Friday: 09:00-17:00 (Europe/London)" in printed
    assert "Halton Housing Trust: Customer Care Policy, issue 2 (2011-01)" in printed
    assert "A ring lasts 3 seconds." in printed
    assert "Assumption: The policy gives no opening hours" in printed


@pytest.mark.usefixtures("wide_terminal")
def test_show_prints_targets_in_the_policys_words():
    printed = show("halton")
    for target in ("4 rings", "10 seconds", "24 hours", "more than 1 working day", "1 month"):
        assert target in printed


@pytest.mark.usefixtures("wide_terminal")
def test_show_quotes_adds_each_clause_quote():
    without = show("halton")
    with_quotes = show("halton", "--quotes")
    assert "\u201c" not in without
    assert "Telephones/ICT: \u201cTelephone" in with_quotes
    standards = len(load_policy("halton").standards)
    assert with_quotes.count("\u201c") == with_quotes.count("\u201d") == standards


@pytest.mark.usefixtures("wide_terminal")
def test_show_without_a_name_shows_this_sites_policy(settings):
    settings.CAREDESK_POLICY = "stonewall"
    printed = show()
    assert "Stonewall Housing" in printed
    assert "Monday to Friday: 09:30-13:00 and 14:00-17:30" in printed
    assert "visits_by_appointment" in printed


def test_check_a_shipped_policy_is_valid(checks):
    run = checks["halton"]
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "halton: valid. Halton Housing Trust, 33 standards."
    assert run.stderr == ""


def check(name: str) -> tuple[int, str, str]:
    """`caredesk policy check NAME` in this process: (exit status, stdout, stderr)."""
    stdout, stderr = StringIO(), StringIO()
    try:
        call_command("policy", "check", name, stdout=stdout, stderr=stderr)
    except SystemExit as exit_:
        return int(exit_.code or 0), stdout.getvalue(), stderr.getvalue()
    return 0, stdout.getvalue(), stderr.getvalue()


def test_check_a_policy_file_by_path():
    status, stdout, stderr = check(str(POLICIES_FOLDER / "stonewall.toml"))
    assert (status, stderr) == (0, "")
    assert stdout.strip().endswith("valid. Stonewall Housing, 28 standards.")


def test_check_a_broken_file_prints_every_problem_and_exits_1(checks):
    run = checks["broken"]
    assert run.returncode == 1
    assert run.stdout == ""
    assert "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    assert lines[0].endswith("broken.toml: 3 problems")
    target = HALTON_LINES.index('target = "10 working days"') + 1
    holding = HALTON_LINES.index("holding_reply = true") + 1
    assert (
        "  standards[letter_email_response].target: '10 workdays' is ambiguous: "
        f"say 'working days' or 'calendar days' (line {target})."
    ) in lines
    assert (
        "  standards[letter_email_response].holding_replies: 'holding_replies' is not a "
        f"setting here (did you mean 'holding_reply'?) (line {holding})"
    ) in lines
    # the misspelt setting leaves the standard without holding replies, so its limit for
    # them is refused too, naming why
    assert (
        "  standards[letter_email_response].max_revision: max_revision is set but"
        " holding_reply is not true: only a holding reply gives a revised date"
        f" (line {holding + 1})."
    ) in lines


def test_check_a_missing_file_says_so(tmp_path):
    status, stdout, stderr = check(str(tmp_path / "missing.toml"))
    assert (status, stdout) == (2, "")
    assert stderr.startswith("There is no policy file at")
    assert "missing.toml" in stderr


def test_check_an_unknown_name_lists_the_shipped_policies():
    status, stdout, stderr = check("nosuch")
    assert (status, stdout) == (2, "")
    assert "'nosuch'" in stderr
    assert "halton, stonewall" in stderr


def test_check_prints_every_problem_in_every_section_each_with_its_line(tmp_path):
    # given: three bad standards, a bad office interval and a bad closure day
    text = HALTON_TEXT
    for old, new in [
        ('target = "4 rings"', 'target = "4 ringz"'),
        ('target = "10 seconds"', "target = 10"),
        ('channels = ["voicemail", "message"]', 'channels = ["voicemail", "pager"]'),
        ('office_hours = ["09:00-17:00"]', 'office_hours = ["09:00-17:00", "08:00-10:00"]'),
        ("closure_days = []", "closure_days = [1066-10-14]"),
    ]:
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    office = lines.index('office_hours = ["09:00-17:00", "08:00-10:00"]') + 1
    closure = lines.index("closure_days = [1066-10-14]") + 1
    rings = lines.index('target = "4 ringz"') + 1
    seconds = lines.index("target = 10") + 1
    channels = lines.index('channels = ["voicemail", "pager"]') + 1
    # when
    status, stdout, stderr = check(str(path))
    # then
    assert (status, stdout) == (1, "")
    assert stderr.splitlines() == [
        f"{path}: 5 problems",
        "  calendar.office_hours[1]: '08:00-10:00' overlaps or comes before the interval "
        f"before it (line {office}).",
        "  calendar.closure_days[0]: closure day 1066-10-14 is outside the years caredesk "
        f"works with (1971 to 2100) (line {closure}).",
        "  standards[phone_answer_rings].target: '4 ringz' has a unit I do not know ('ringz'). "
        "Use one of: seconds, minutes, hours, rings, working days, working hours, working "
        f"minutes, calendar days, weeks, months (line {rings}).",
        "  standards[phone_answer_seconds].target: should be text such as '10 working days'; "
        f"it is 10 (line {seconds}).",
        "  standards[voicemail_return].channels[1]: 'pager' is not allowed: 'phone', "
        "'voicemail', 'message', 'letter', 'email', 'web', 'visit', 'home_visit' or 'any' "
        f"(line {channels})",
    ]


def test_check_refuses_a_file_over_1_mb_with_its_size(tmp_path):
    path = tmp_path / "policy.toml"
    content = HALTON_TEXT.encode()
    path.write_bytes(content + b"#" * (int(3.2 * 1024 * 1024) - len(content)))
    status, stdout, stderr = check(str(path))
    assert (status, stdout) == (1, "")
    assert stderr.splitlines() == [
        f"{path}: 1 problem",
        "  policy.toml is 3.2 MB: a policy file must be 1 MB or smaller.",
    ]


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\x01\x02\xff" * 100,
        b"x = " + b"{a = " * 3000,
        HALTON_TEXT.encode().replace(b"ring_seconds = 3", b"ring_seconds = " + b"7" * 9000),
    ],
    ids=["binary", "deep", "huge number"],
)
def test_check_refuses_any_bytes_with_a_reason_and_no_traceback(tmp_path, content):
    path = tmp_path / "policy.toml"
    path.write_bytes(content)
    status, stdout, stderr = check(str(path))
    assert (status, stdout) == (1, "")
    assert stderr.startswith(f"{path}: 1 problem\n  the file ")
    assert "Traceback" not in stderr
