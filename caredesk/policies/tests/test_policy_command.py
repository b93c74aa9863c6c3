"""`caredesk policy show` and `caredesk policy check`."""

from io import StringIO

import pytest
from django.core.management import call_command

from caredesk.core.tests.console import run_all
from caredesk.standards import load_policy
from caredesk.standards.policy_files import POLICIES_FOLDER

HALTON_TEXT = (POLICIES_FOLDER / "halton.toml").read_text(encoding="utf-8")


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
    assert run.stdout.strip() == "halton: valid. Halton Housing Trust, 17 standards."
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
    assert stdout.strip().endswith("valid. Stonewall Housing, 15 standards.")


def test_check_a_broken_file_prints_every_problem_and_exits_1(checks):
    run = checks["broken"]
    assert run.returncode == 1
    assert run.stdout == ""
    assert "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    assert lines[0].endswith("broken.toml: 2 problems")
    assert (
        "  standards[letter_email_response].target: '10 workdays' is ambiguous: "
        "say 'working days' or 'calendar days'."
    ) in lines
    assert (
        "  standards[letter_email_response].holding_replies: 'holding_replies' is not a "
        "setting here (did you mean 'holding_reply'?)"
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
