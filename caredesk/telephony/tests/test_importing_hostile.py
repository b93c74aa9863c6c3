"""Importing files a careless supplier (or an attacker) might send: no row costs its
neighbours, on SQLite and on PostgreSQL (where an Asterisk file takes the fast lane), and
the limits stop an import that would fill the disk, keeping what it stored."""

import csv
import gzip
import itertools
import re
from datetime import UTC, datetime
from pathlib import Path

from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caredesk.telephony.models import Call, ImportStatus
from caredesk.telephony.tests.conftest import run
from caredesk.telephony.tests.test_asterisk import asterisk_line

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def good(key: str, minute: int = 0, **fields: str | int) -> bytes:
    values: dict[str, str | int] = {
        "uniqueid": key,
        "src": "01514960001",
        "clid": '"Ann Lee" <01514960001>',
        "dcontext": "from-pstn",
        "start": f"2025-06-02 09:{minute:02d}:00",
        "answer": f"2025-06-02 09:{minute:02d}:05",
        "end": f"2025-06-02 09:{minute:02d}:59",
        "duration": 59,
        "billsec": 54,
    }
    return asterisk_line(**{**values, **fields})


def rejects_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


# -- 1. characters no database can store -------------------------------------------------


def test_a_nul_in_a_caller_name_costs_no_call_and_is_noted(people, clock, tmp_path):
    # On PostgreSQL this failed the whole batch (and every run after): text cannot hold NUL.
    path = tmp_path / "Master.csv"
    path.write_bytes(
        good("1.1")
        + good("1.2", 1, clid='"Ann\x00 Lee" <01514960002>')
        + good("1.3", 2, clid='"Zoë" <01514960003>', src="0151\x004960003")
    )
    record = run(path, clock)
    assert record.status == ImportStatus.DONE, record.error
    assert (record.rows_imported, record.rows_rejected, record.calls_noted) == (3, 0, 2)
    calls = {call.call_key: call for call in Call.objects.all()}
    assert calls["1.2"].caller_name == "Ann Lee"
    assert calls["1.2"].notes.startswith("clid: 1 character that cannot be stored")
    assert calls["1.3"].caller == "01514960003"
    assert calls["1.3"].notes.startswith("src: 1 character")
    assert calls["1.1"].notes == ""


def test_a_caller_name_in_windows_1252_is_imported_decoded(people, clock, tmp_path):
    path = tmp_path / "Master.csv"
    path.write_bytes(good("1.1", clid="NAME <01514960001>").replace(b"NAME", b"Zo\xeb \x96 B"))
    record = run(path, clock)
    assert (record.rows_imported, record.rows_rejected) == (1, 0)
    call = Call.objects.get()
    assert call.caller_name == "Zoë – B"
    assert call.notes == "clid: not UTF-8 text, so read as Windows-1252"


counter = itertools.count()
hostile = st.one_of(
    st.binary(max_size=20),
    st.sampled_from([b"\x00", b"Ann\x00", b"Zo\xeb", b"\x81", b"\xed\xa0\x80", b"\xff", b'"']),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(field=st.integers(0, 17), value=hostile, batch_size=st.sampled_from([1, 3, 20_000]))
def test_any_bytes_in_any_field_are_imported_or_refused_never_costing_a_neighbour(
    people, clock, tmp_path, field, value, batch_size
):
    n = next(counter)
    row = good(f"{n}.2", 1)
    fields = next(csv.reader([row.decode()]))
    parts = [b'"' + text.encode().replace(b'"', b'""') + b'"' for text in fields]
    parts[field] = b'"' + value.replace(b'"', b'""') + b'"'
    path = tmp_path / f"calls-{n}.csv"
    path.write_bytes(good(f"{n}.1") + b",".join(parts) + b"\n" + good(f"{n}.3", 2))

    record = run(path, clock, batch_size=batch_size, rejects_dir=tmp_path)

    assert record.status == ImportStatus.DONE, record.error
    keys = set(Call.objects.filter(imported_by=record).values_list("call_key", flat=True))
    assert {f"{n}.1", f"{n}.3"} <= keys  # the neighbours, always
    assert record.rows_read == record.rows_imported + record.rows_duplicate + record.rows_rejected
    for call in Call.objects.filter(imported_by=record):
        for text in (call.call_key, call.caller, call.caller_name, call.dialled, call.notes):
            assert not UNSTORABLE.search(text)
    if record.rows_rejected:
        refused = rejects_of(tmp_path / f"{path.name}.rejects.csv")
        assert len(refused) == record.rows_rejected
        assert all(row["reason"] for row in refused)


def test_both_lanes_store_the_same_calls(people, clock, tmp_path):
    # SQLite reads every row with the row parser; PostgreSQL reads plain rows in the fast
    # lane: the calls stored are the same (this runs on whichever the tests use)
    clock.moment = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)  # the autumn call is past
    path = tmp_path / "Master.csv"
    path.write_bytes(
        good("1.1")
        + good("1.2", 1, clid='"Ann\x00" <1>')
        + good("1.3", 2, duration=600)  # longer than the call: refused
        + good("1.4", 3, start="2025-10-26 01:50:00", answer="", end="2025-10-26 01:10:00").replace(
            b",59,54,", b",1200,0,"
        )
    )
    record = run(path, clock)
    assert (record.rows_imported, record.rows_rejected) == (3, 1)
    autumn = Call.objects.get(call_key="1.4")
    assert autumn.ended_at is not None
    assert (autumn.ended_at - autumn.started_at).total_seconds() == 1200
    assert connection.vendor in ("sqlite", "postgresql")


# -- 6. the rejects file is data to a spreadsheet, never formulas -----------------------


def test_a_refused_row_that_looks_like_a_formula_is_escaped(people, clock, tmp_path):
    path = tmp_path / "Master.csv"
    path.write_bytes(good("1.1") + b'=HYPERLINK("http://x.example","Click"),x\n')
    record = run(path, clock)
    (refused,) = rejects_of(Path(record.rejects_file))
    assert refused["row"] == '\'=HYPERLINK("http://x.example","Click"),x'


# -- 5. limits: refused rows, inflated bytes --------------------------------------------


def test_too_many_refused_rows_stop_the_import_keeping_what_it_stored(people, clock, tmp_path):
    path = tmp_path / "junk.csv.gz"
    junk = b"not a call record, " * 5 + b"\n"
    path.write_bytes(gzip.compress(good("1.1") + good("1.2", 1) + junk * 200_000 + good("1.3")))
    record = run(path, clock, batch_size=1000, max_rejected_rows=50)
    assert record.status == ImportStatus.FAILED
    assert "More than 50 rows were refused" in record.error
    assert "CAREDESK_CALLS_MAX_REJECTED_ROWS" in record.error
    assert "line 53 was one too many" in record.error
    assert f"the import stopped after reading {record.rows_read:,} rows" in record.error
    assert "The 2 calls imported before that are kept" in record.error
    assert set(Call.objects.values_list("call_key", flat=True)) == {"1.1", "1.2"}
    assert len(rejects_of(Path(record.rejects_file))) == 50
    assert Path(record.rejects_file).stat().st_size < 20_000
    assert record.rows_read < 10_000  # it stopped reading, too


def test_the_stop_message_says_the_rest_of_the_batch_was_still_read(people, clock, tmp_path):
    # The rows after the one over the limit, in the same batch, are stored: the message
    # says where reading stopped, not that nothing after that line was imported.
    path = tmp_path / "Master.csv"
    path.write_bytes(good("1.1") + b"x\n" * 3 + good("1.2", 1) + good("1.3", 2))
    record = run(path, clock, batch_size=1000, max_rejected_rows=2)
    assert record.status == ImportStatus.FAILED
    assert "line 4 was one too many" in record.error
    assert "the import stopped after reading 6 rows" in record.error
    assert "The 3 calls imported before that are kept" in record.error
    assert Call.objects.count() == 3


def test_the_setting_limits_refused_rows(people, clock, tmp_path, settings):
    settings.CAREDESK_CALLS_MAX_REJECTED_ROWS = 2
    path = tmp_path / "Master.csv"
    path.write_bytes(good("1.1") + b"x\n" * 3)
    record = run(path, clock)
    assert record.status == ImportStatus.FAILED
    assert "More than 2 rows were refused" in record.error


def test_a_gzip_file_inflating_past_the_limit_stops_keeping_what_it_read(
    people, clock, tmp_path, settings
):
    settings.CAREDESK_CALLS_MAX_DECOMPRESSED_BYTES = 100_000
    path = tmp_path / "bomb.csv.gz"
    path.write_bytes(gzip.compress(good("1.1") + good("1.2", 1) + b"x" * 10_000_000 + b"\n"))
    assert path.stat().st_size < 50_000
    record = run(path, clock)
    assert record.status == ImportStatus.FAILED
    assert record.error.startswith("The file is compressed (gzip) and holds more than 98 KB")
    assert "The 2 calls imported before that are kept" in record.error
    assert Call.objects.count() == 2
