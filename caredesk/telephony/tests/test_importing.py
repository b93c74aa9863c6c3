"""Importing call records: counts, refusals, idempotence and measures (the voicemail
callbacks are test_callbacks.py's)."""

import csv
import gzip
import io
import shutil
from datetime import UTC, datetime, timedelta

import pytest

from caredesk.cases.models import Case
from caredesk.standards import load_policy
from caredesk.telephony.call_file import CallFileError
from caredesk.telephony.importing import calls_import
from caredesk.telephony.models import (
    Call,
    CallImport,
    CallMeasure,
    Extension,
    ImportStatus,
    Line,
)
from caredesk.telephony.preparing import phone_standards, rings_for
from caredesk.telephony.tests.conftest import FILES, HALTON, run
from caredesk.telephony.tests.test_asterisk import asterisk_line
from caredesk.worker.tests.helpers import sweep_pass


def counts(record):
    return (
        record.rows_read,
        record.rows_imported,
        record.rows_duplicate,
        record.rows_rejected,
    )


# -- counts and refusals ------------------------------------------------------------------


def test_master_csv_is_read_imported_and_refused_row_by_row(people, clock, master):
    record = run(master, clock)
    assert record.status == ImportStatus.DONE
    assert counts(record) == (17, 10, 1, 6)
    assert Call.objects.count() == 10
    assert record.bytes_read == record.bytes_total == master.stat().st_size
    assert len(record.file_sha256) == 64
    assert record.finished_at == clock.now()


def test_each_refused_row_is_in_the_rejects_file_with_line_reason_and_row(people, clock, master):
    record = run(master, clock)
    rejects = master.parent / "Master.csv.rejects.csv"
    assert record.rejects_file == str(rejects)
    with rejects.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    reasons = {int(row["line"]): row["reason"] for row in rows}
    assert sorted(reasons) == [9, 10, 12, 13, 15, 16]  # 14 is read (test_text_and_times.py)
    assert reasons[9] == "start: '2025-06-31 10:00:00' is not a real date and time."
    assert "does not exist in Europe/London (the clocks went forward" in reasons[10]
    assert reasons[12].startswith("the row has 6 columns")
    assert reasons[13].startswith("disposition: 'MAYBE' is not one of ANSWERED")
    assert reasons[15].startswith("uniqueid is empty")
    assert reasons[16].startswith("start is in the future")
    raw = {int(row["line"]): row["row"] for row in rows}
    assert raw[9] == (FILES / "Master.csv").read_text("latin-1").splitlines()[8]


def test_no_rejects_file_is_left_when_nothing_was_refused(people, clock, tmp_path):
    path = tmp_path / "good.csv"
    path.write_bytes(b"".join((FILES / "Master.csv").read_bytes().splitlines(True)[:7]))
    record = run(path, clock)
    assert counts(record) == (7, 7, 0, 0)
    assert record.rejects_file == ""
    assert not (tmp_path / "good.csv.rejects.csv").exists()


def test_rejects_can_go_to_another_folder(people, clock, master, tmp_path):
    folder = tmp_path / "rejects"
    folder.mkdir()
    record = run(master, clock, rejects_dir=folder)
    assert record.rejects_file == str(folder / "Master.csv.rejects.csv")
    assert (folder / "Master.csv.rejects.csv").is_file()


def test_a_file_that_cannot_be_opened_raises_and_records_nothing(people, clock, tmp_path):
    with pytest.raises(CallFileError, match="cannot be opened"):
        run(tmp_path / "missing.csv", clock)


def test_the_gzip_copy_gives_the_same_calls(people, clock, tmp_path):
    path = tmp_path / "Master.csv.gz"
    shutil.copy(FILES / "Master.csv.gz", path)
    record = run(path, clock)
    assert counts(record) == (17, 10, 1, 6)
    assert record.bytes_read == path.stat().st_size


def test_a_damaged_gzip_file_fails_keeping_nothing_half_done(people, clock, tmp_path):
    path = tmp_path / "cut.csv.gz"
    path.write_bytes((FILES / "Master.csv.gz").read_bytes()[:200])
    record = run(path, clock)
    assert record.status == ImportStatus.FAILED
    assert "gzip data is damaged" in record.error


def test_a_gzip_file_damaged_part_way_keeps_the_batches_before_the_damage(people, clock, tmp_path):
    lines = (FILES / "Master.csv").read_bytes().splitlines(keepends=True)
    good = [line for line in lines if line.count(b",") == 17 and b"2025-06-31" not in line]
    many = b"".join(
        line.replace(b'"1748', f'"{n}-1748'.encode()) for n in range(200) for line in good
    )
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(gzip.compress(many)[: len(gzip.compress(many)) * 2 // 3])
    record = run(path, clock, batch_size=100)
    assert record.status == ImportStatus.FAILED
    assert "gzip data is damaged" in record.error
    assert record.rows_read >= 200
    assert record.rows_read % 100 == 0  # whole batches only
    assert Call.objects.count() == record.rows_imported > 0


# -- idempotence ----------------------------------------------------------------------


def test_importing_the_same_file_again_adds_nothing(people, clock, master):
    run(master, clock)
    again = run(master, clock)
    assert counts(again) == (17, 0, 11, 6)
    assert Call.objects.count() == 10
    assert CallMeasure.objects.count() == 16
    assert Case.objects.count() == 2


def test_an_import_run_again_on_its_own_row_adds_nothing(people, clock, master):
    # an upload's task run a second time (its worker died after the import) fills in
    # the same row again
    first = run(master, clock)
    again = run(master, clock, record=first)
    assert again.pk == first.pk
    assert again.status == ImportStatus.DONE
    assert counts(again) == (17, 0, 11, 6)
    assert Call.objects.count() == 10
    assert CallMeasure.objects.count() == 16
    assert Case.objects.count() == 2


def test_the_gzip_copy_after_the_plain_file_adds_nothing(people, clock, master, tmp_path):
    run(master, clock)
    path = tmp_path / "copy.csv.gz"
    shutil.copy(FILES / "Master.csv.gz", path)
    assert counts(run(path, clock)) == (17, 0, 11, 6)


def test_overlapping_files_give_one_row_per_call(people, clock, tmp_path):
    lines = (FILES / "Master.csv").read_bytes().splitlines(True)
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_bytes(b"".join(lines[:5]))
    second.write_bytes(b"".join(lines[3:7]))
    assert counts(run(first, clock)) == (5, 5, 0, 0)
    assert counts(run(second, clock)) == (4, 2, 2, 0)
    assert Call.objects.count() == 7
    assert Case.objects.filter(channel="voicemail").count() == 2


def test_calls_already_here_in_the_middle_of_a_file_are_skipped(people, clock, tmp_path, master):
    # Batches of two: new ones, then ones holding calls imported before, then new ones
    # again (on PostgreSQL each is tried as all new first, then with the skipping).
    lines = (FILES / "Master.csv").read_bytes().splitlines(True)
    middle = tmp_path / "middle.csv"
    middle.write_bytes(b"".join(lines[4:8]))
    before = run(middle, clock)
    assert before.rows_imported > 0
    record = run(master, clock, batch_size=2)
    assert record.rows_imported == 10 - before.rows_imported
    assert record.rows_duplicate == 1 + before.rows_imported
    assert Call.objects.count() == 10
    assert CallMeasure.objects.count() == 16
    assert Case.objects.filter(channel="voicemail").count() == 2


def test_small_batches_give_the_same_result(people, clock, master):
    record = run(master, clock, batch_size=2)
    assert counts(record) == (17, 10, 1, 6)
    assert CallMeasure.objects.count() == 16


# -- what each call says ----------------------------------------------------------------


def test_the_answered_call_has_its_times_line_caller_and_officer(people, clock, master):
    Extension.objects.create(number="2004", staff=people.officer)
    run(master, clock)
    call = Call.objects.get(call_key="1748851200.1")
    assert call.source == "asterisk"
    assert call.outcome == "answered"
    assert call.line is not None
    assert call.line.name == "repairs"
    assert (call.caller, call.caller_name) == ("01928500001", "Smith, John")
    assert call.started_at == datetime(2025, 6, 2, 8, 0, tzinfo=UTC)
    assert call.answered_at == datetime(2025, 6, 2, 8, 0, 11, tzinfo=UTC)
    assert (call.seconds_to_answer, call.rings, call.talk_seconds) == (11, 4, 169)
    assert (call.extension, call.answered_by) == ("2004", people.officer)


def test_outcomes_follow_lastapp_disposition_and_answer(people, clock, master):
    run(master, clock)
    outcomes = dict(Call.objects.values_list("call_key", "outcome"))
    assert outcomes == {
        "1748851200.1": "answered",
        "1748851500.2": "answered",
        "1748851800.3": "abandoned",
        "1748885400.4": "voicemail",
        "1748887200.5": "voicemail",
        "1748941200.6": "transferred",
        "1748941500.7": "abandoned",
        "1729989000.11": "answered",
        "1748945100.14": "abandoned",  # its caller's name is Windows-1252: read as such
        "1749024000.18": "answered",
    }
    voicemail = Call.objects.get(call_key="1748885400.4")
    assert voicemail.answered_at is None  # the machine answered, nobody did
    assert voicemail.seconds_to_answer == 20
    assert Call.objects.get(call_key="1748851800.3").seconds_to_answer == 25  # it rang 25 s


def test_the_doubled_autumn_hour_is_read_as_summer_time(people, clock, master):
    run(master, clock)
    call = Call.objects.get(call_key="1729989000.11")
    assert call.started_at == datetime(2024, 10, 27, 0, 30, tzinfo=UTC)


def test_missing_lines_are_created_once(people, clock, master):
    run(master, clock)
    run(master, clock)
    assert sorted(Line.objects.values_list("name", flat=True)) == [
        "from-external",
        "repairs",
        "switchboard",
    ]


def test_an_extension_nobody_has_leaves_answered_by_empty(people, clock, master):
    run(master, clock)
    assert Call.objects.get(call_key="1748851500.2").answered_by is None


# -- measures -------------------------------------------------------------------------


def test_rings_are_rounded_up_to_the_ring_answered_in():
    assert [rings_for(s, 3) for s in (0, 1, 3, 4, 11, 12, 13)] == [0, 1, 1, 2, 4, 4, 5]
    assert rings_for(None, 3) is None
    assert rings_for(5, 2.5) == 2


def test_halton_measures_calls_against_4_rings_and_10_seconds():
    assert [s.key for s in phone_standards(HALTON)] == [
        "phone_answer_rings",
        "phone_answer_seconds",
    ]
    assert [s.key for s in phone_standards(load_policy("stonewall"))] == ["phone_answer_rings"]


def test_answered_in_11_seconds_meets_4_rings_but_misses_10_seconds(people, clock, master):
    run(master, clock)
    measures = dict(
        CallMeasure.objects.filter(call__call_key="1748851200.1").values_list("standard_key", "met")
    )
    assert measures == {"phone_answer_rings": True, "phone_answer_seconds": False}
    rings = CallMeasure.objects.get(
        call__call_key="1748851200.1", standard_key="phone_answer_rings"
    )
    assert rings.due_at == datetime(2025, 6, 2, 8, 0, 12, tzinfo=UTC)  # 4 rings of 3 s


def test_answered_in_13_seconds_misses_both(people, clock, master):
    run(master, clock)
    met = CallMeasure.objects.filter(call__call_key="1749024000.18", met=True)
    assert not met.exists()


def test_abandoned_and_transferred_calls_are_measured_voicemail_is_not(people, clock, master):
    run(master, clock)
    assert CallMeasure.objects.count() == 16  # 8 calls, 2 standards
    assert not CallMeasure.objects.filter(call__outcome="voicemail").exists()
    assert not CallMeasure.objects.filter(call__outcome="abandoned", met=True).exists()
    assert CallMeasure.objects.filter(call__outcome="transferred", met=True).count() == 2
    met = dict(
        (key, CallMeasure.objects.filter(standard_key=key, met=True).count())
        for key in ("phone_answer_rings", "phone_answer_seconds")
    )
    assert met == {"phone_answer_rings": 4, "phone_answer_seconds": 3}


def test_stonewall_measures_6_rings(people, clock, master):
    calls_import(
        path=master,
        file_format="asterisk",
        mapping=None,
        policy=load_policy("stonewall"),
        clock=clock,
    )
    assert set(CallMeasure.objects.values_list("standard_key", flat=True)) == {"phone_answer_rings"}
    assert CallMeasure.objects.get(call__call_key="1749024000.18").met  # 13 s: 5 rings of 6


# -- generic CSV ------------------------------------------------------------------------


def test_a_generic_csv_is_read_through_its_mapping(people, clock, tmp_path):
    path = tmp_path / "calls.csv"
    shutil.copy(FILES / "calls.csv", path)
    record = run(path, clock, file_format="generic", mapping=FILES / "calls.toml")
    assert counts(record) == (7, 4, 1, 2)
    assert record.file_format == "calls"
    calls = {call.call_key: call for call in Call.objects.all()}
    assert {key: call.outcome for key, call in calls.items()} == {
        "M-1001": "answered",
        "M-1002": "abandoned",
        "M-1003": "voicemail",
        "M-1004": "transferred",
    }
    assert calls["M-1001"].source == "mitel"
    assert calls["M-1001"].answered_at == datetime(2025, 6, 2, 8, 0, 11, tzinfo=UTC)
    assert calls["M-1001"].caller_name == "Smith, John"
    assert calls["M-1004"].talk_seconds == 114
    assert calls["M-1002"].answered_at is None
    assert Case.objects.count() == 1
    with (tmp_path / "calls.csv.rejects.csv").open(encoding="utf-8") as file:
        reasons = {int(row["line"]): row["reason"] for row in csv.DictReader(file)}
    assert reasons[7].startswith("Result: 'Dropped' is not in the mapping's [outcomes]")
    assert reasons[8] == (
        "Start Time: '2025-06-03 10:10' is not a time in the form %d/%m/%Y %H:%M:%S."
    )


def test_a_generic_csv_without_a_mapped_column_fails_saying_which(people, clock, tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text("Call ID,Started\nA,02/06/2025 09:00:00\n", encoding="utf-8")
    record = run(path, clock, file_format="generic", mapping="generic")
    assert record.status == ImportStatus.FAILED
    assert "there is no column 'Start Time' (columns.started" in record.error
    assert Call.objects.count() == 0


# -- the caller's key ---------------------------------------------------------------------

NUMBERS = {  # call id: (the number as the phone system wrote it, its key)
    "1": ("01632960001", "01632960001"),
    "2": ("01632 960001", "01632960001"),
    "3": ("(01632) 960-001", "01632960001"),
    "4": ("+44 1632 960001", "01632960001"),
    "5": ("441632960001", "01632960001"),
    "6": ("07700 900123", "07700900123"),
    "7": ("", ""),  # withheld
}


def test_every_asterisk_call_gets_its_callers_key_however_the_number_was_written(
    people, clock, tmp_path
):
    # On PostgreSQL the plain rows take the fast lane and the row with a name in
    # unicode the row parser: both write the key, as SQLite's writer does.
    lines = [
        asterisk_line(
            src=number,
            clid=f'"{"Zoë" if key == "6" else "Jo"}" <{number}>',
            uniqueid=key,
            start="2025-06-02 09:00:00",
            answer="2025-06-02 09:00:05",
            end="2025-06-02 09:01:00",
            duration=60,
            billsec=55,
            lastapp="VoiceMail" if key == "5" else "Dial",
        )
        for key, (number, _) in NUMBERS.items()
    ]
    path = tmp_path / "Master.csv"
    path.write_bytes(b"\n" + b"".join(lines))
    assert run(path, clock).rows_imported == len(NUMBERS)
    stored = {
        key: (caller, caller_key)
        for key, caller, caller_key in Call.objects.values_list("call_key", "caller", "caller_key")
    }
    assert stored == NUMBERS


def test_every_mapped_csv_call_gets_its_callers_key_however_the_number_was_written(
    people, clock, tmp_path
):
    out = io.StringIO()
    rows = csv.writer(out, lineterminator="\n")
    rows.writerow(["Call ID", "Start Time", "Wait (s)", "Caller", "Caller Name", "Result"])
    for key, (number, _) in NUMBERS.items():
        rows.writerow([key, "02/06/2025 09:00:00", 5, number, "Jo", "Answered"])
    path = tmp_path / "calls.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    mapping = tmp_path / "short.toml"
    mapping.write_text(
        '[format]\nsource = "mitel"\ntime_format = "%d/%m/%Y %H:%M:%S"\n'
        '[columns]\ncall_id = "Call ID"\nstarted = "Start Time"\n'
        'seconds_to_answer = "Wait (s)"\ncaller = "Caller"\ncaller_name = "Caller Name"\n'
        'outcome = "Result"\n[outcomes]\n"Answered" = "answered"\n',
        encoding="utf-8",
    )
    assert run(path, clock, file_format="generic", mapping=mapping).rows_imported == len(NUMBERS)
    stored = {
        key: (caller, caller_key)
        for key, caller, caller_key in Call.objects.values_list("call_key", "caller", "caller_key")
    }
    assert stored == NUMBERS


def test_a_call_saved_through_the_orm_gets_its_callers_key(people, clock):
    call = Call.objects.create(
        source="desk", call_key="1", caller="+44 1632 960001", started_at=clock.now(),
        outcome="answered",
    )  # fmt: skip
    assert Call.objects.get(pk=call.pk).caller_key == "01632960001"
    call.caller = "07700 900123"
    call.save(update_fields=["caller"])
    assert Call.objects.get(pk=call.pk).caller_key == "07700900123"


# -- imports that stop part-way ------------------------------------------------------------


def test_the_worker_marks_failed_an_import_that_stopped_moving_and_no_other(people, clock, master):
    finished = run(master, clock)
    assert finished.progress_at == clock.now()

    def running(name, progress_at):
        return CallImport.objects.create(
            file_name=name,
            file_format="asterisk",
            started_at=clock.now() - timedelta(hours=1),
            progress_at=progress_at,
        )

    killed = running("killed.csv", clock.now() - timedelta(minutes=11))
    moving = running("moving.csv", clock.now() - timedelta(minutes=1))
    waiting = running("waiting.csv", None)  # an upload the worker has not started

    report = sweep_pass(clock=clock, policy=HALTON)

    assert report["call_imports_stalled"].rows == 1
    assert "call_imports_stalled 1 in " in str(report)
    killed.refresh_from_db()
    assert killed.status == ImportStatus.FAILED
    assert killed.error.startswith("The import stopped part-way")
    assert killed.finished_at == clock.now()
    statuses = CallImport.objects.filter(pk__in=[moving.pk, waiting.pk, finished.pk])
    assert sorted(statuses.values_list("status", flat=True)) == ["done", "running", "running"]
