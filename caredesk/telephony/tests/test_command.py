"""`caredesk calls import`: summaries, exit statuses, and a run killed half-way."""

import os
import shutil
import signal
import sqlite3
import subprocess
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from caredesk.core.tests.console import CAREDESK
from caredesk.telephony.models import Call
from caredesk.telephony.tests.conftest import FILES
from caredesk.telephony.tests.generate import write_master_csv


def calls(*args: str) -> tuple[int, str, str]:
    stdout, stderr = StringIO(), StringIO()
    try:
        call_command("calls", *args, stdout=stdout, stderr=stderr)
    except SystemExit as exit_:
        return int(exit_.code or 0), stdout.getvalue(), stderr.getvalue()
    return 0, stdout.getvalue(), stderr.getvalue()


@pytest.mark.django_db
def test_each_file_gets_a_summary_line(master, tmp_path):
    # the calls are in 2025, so the real clock has them all in the past but line 16's
    status, stdout, stderr = calls("import", str(master))
    assert (status, stderr) == (0, "")
    assert stdout == (
        f"Master.csv: 17 rows read, 11 imported, 1 already here, 5 refused "
        f"(see {tmp_path / 'Master.csv.rejects.csv'})\n"
    )


@pytest.mark.django_db
def test_a_generic_file_with_its_mapping(tmp_path):
    path = tmp_path / "calls.csv"
    shutil.copy(FILES / "calls.csv", path)
    status, stdout, _ = calls("import", str(path), "--mapping", str(FILES / "calls.toml"))
    assert status == 0
    assert stdout.startswith("calls.csv: 7 rows read, 4 imported, 1 already here, 2 refused")


@pytest.mark.django_db
def test_a_missing_file_is_reported_the_others_imported_and_the_status_is_1(master, tmp_path):
    status, stdout, stderr = calls("import", str(tmp_path / "nope.csv"), str(master))
    assert status == 1
    assert stderr.startswith("caredesk calls: ")
    assert "nope.csv: cannot be opened: No such file or directory." in stderr
    assert stdout.startswith("Master.csv: 17 rows read")
    assert Call.objects.count() == 11


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["import", "x.csv", "--format", "generic"], "--format generic needs --mapping"),
        (["import", "x.csv", "--zone", "Mars/Olympus"], "'Mars/Olympus' is not a zone"),
        (["import", "x.csv", "--rejects", "/no/such/folder"], "there is no such folder"),
        (["import", "x.csv", "--mapping", "avaya"], "there is no mapping called 'avaya'"),
    ],
)
def test_bad_arguments_are_one_line_on_stderr_and_status_2(args, words):
    status, stdout, stderr = calls(*args)
    assert (status, stdout) == (2, "")
    assert len(stderr.splitlines()) == 1, stderr
    assert stderr.startswith("caredesk calls: ")
    assert words in stderr


def test_argparse_errors_are_one_line_too(tmp_path):
    run = subprocess.run(
        [str(CAREDESK), "calls", "import", "--format", "excel", "x.csv"],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode == 2
    assert len(run.stderr.splitlines()) == 1, run.stderr
    assert run.stderr.startswith("caredesk calls: argument --format: invalid choice: 'excel'")


# -- killed half-way --------------------------------------------------------------------


def count(database: Path, table: str) -> int:
    with sqlite3.connect(database, timeout=30) as db:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_an_import_killed_half_way_ends_with_exactly_the_right_rows_when_run_again(tmp_path):
    # given a 200,000-row file and a database file of our own
    path = tmp_path / "Master.csv"
    expected = write_master_csv(path, 200_000)
    database = tmp_path / "calls.sqlite3"
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run([str(CAREDESK), "migrate", "-v0"], env=environment, check=True, timeout=300)
    command = [str(CAREDESK), "calls", "import", str(path), "--policy", "halton"]
    command += ["--callbacks-since", "2025-01-01"]  # the generated calls are from 2025

    # when the import is killed (SIGKILL: no clean-up) after some batches are in
    process = subprocess.Popen(command, env=environment, stdout=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while count(database, "telephony_call") < 30_000:
        assert process.poll() is None, "the import finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    part = count(database, "telephony_call")
    assert 30_000 <= part < expected.calls

    # then running it again completes it, with every row exactly once
    again = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert f"{expected.calls - part:,} imported" in again.stdout
    assert count(database, "telephony_call") == expected.calls
    assert count(database, "telephony_callmeasure") == 2 * expected.measured
    assert count(database, "cases_case") == expected.voicemails
    with sqlite3.connect(database) as db:
        per_call = db.execute(
            "SELECT count(*) FROM (SELECT call_id FROM telephony_callmeasure GROUP BY call_id "
            "HAVING count(*) != 2)"
        ).fetchone()[0]
    assert per_call == 0
