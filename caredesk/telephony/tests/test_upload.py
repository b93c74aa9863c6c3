"""Importing call records from the desk and the API: upload, progress, refused rows.

The task is queued on commit (django-tasks' database backend, as in production); the
tests then run it by calling it, as the worker would.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult

from caredesk.api.clock import api_clock
from caredesk.api.services import api_token_create
from caredesk.conftest import make_staff
from caredesk.staff.models import Role
from caredesk.standards.sizes import size_text
from caredesk.telephony.models import Call, CallImport, CallMeasure, ImportStatus
from caredesk.telephony.tasks import import_calls_file
from caredesk.telephony.tests.generate import write_master_csv
from caredesk.telephony.uploads import (
    UploadRefused,
    call_imports_folder,
    call_upload_accept,
    call_uploads_stop_stalled,
    safe_file_name,
)

IMPORT = "/calls/import/"


def asterisk_row(
    n: int,
    *,
    start: str = "2025-06-02 09:00:00",
    answer: str | None = None,
    disposition: str = "ANSWERED",
    clid: str = '"Smith, John" <01514960001>',
    app: str = "Queue",
) -> str:
    """One Master.csv row; answered 5 seconds after `start` unless `answer` says otherwise."""
    if answer is None:
        answer = start[:-2] + "05"
    end = start[:-5] + "59:00"
    fields = [
        "",
        "01514960001",
        "5000",
        "from-pstn",
        clid,
        f"PJSIP/trunk-{n:08x}",
        "PJSIP/2004-0000001a" if answer else "",
        app,
        "repairs,t,,,300",
        start,
        answer,
        end,
        "180",
        "175" if answer else "0",
        disposition,
        "DOCUMENTATION",
        f"1748851200.{n}",
        "",
    ]
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n").writerow(fields)
    return out.getvalue()


def master_csv() -> bytes:
    """Four good calls (one Zoë with unicode, one abandoned) and one row with a bad date."""
    rows = [
        asterisk_row(1),
        asterisk_row(2, clid='"Zoë Ó Briain" <01514960002>', start="2025-06-02 09:10:00"),
        asterisk_row(3, answer="", disposition="NO ANSWER", start="2025-06-02 09:20:00"),
        asterisk_row(4, start="2025-06-02 09:30:00", answer="2025-06-02 09:30:20"),
        asterisk_row(5, start="2025-02-30 09:40:00"),  # 30 February: refused
    ]
    return "".join(rows).encode()


TEAMS_CSV = (
    b"Call ID,Invite time,Start time,End time,Duration (seconds),Caller Number,"
    b"Callee Number,User Display Name\n"
    b"t-1,2025-06-02T08:00:00Z,2025-06-02T08:00:04Z,2025-06-02T08:02:00Z,116,"
    b"01514960001,01514960999,Ada Admin\n"
    b"t-2,2025-06-02T08:05:00Z,,2025-06-02T08:05:30Z,0,01514960002,01514960999,\n"
)

MY_MAPPING = b"""
name = "My switch"
[format]
source = "myswitch"
time_format = "iso"
zone = "UTC"
[columns]
call_id = "Ref"
started = "Rang"
answered = "Picked up"
"""


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path: Path) -> Path:
    """Uploads go to var/call-imports under the project folder: here, a temporary one."""
    settings.BASE_DIR = tmp_path
    return tmp_path / "var" / "call-imports"


@pytest.fixture
def admin_client(client, people):
    client.force_login(people.administrator)
    return client


def send(client, content: bytes = b"", name: str = "Master.csv", **fields: Any):
    data: dict[str, Any] = {"file_format": "asterisk", **fields}
    if content is not None:
        data["file"] = upload(name, content)
    return client.post(IMPORT, data)


def run_queued_import() -> str | None:
    """What `caredesk worker` does with the queued task."""
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "caredesk.telephony.tasks.import_calls_file"
    args = queued.args_kwargs["args"]
    queued.delete()
    return import_calls_file.call(*args)


# -- the desk ---------------------------------------------------------------------------


def test_an_administrator_uploads_a_master_csv_and_sees_the_import_finish_with_its_counts(
    admin_client, people, django_capture_on_commit_callbacks, uploads_in_tmp
):
    # given: the import page
    page = admin_client.get(IMPORT)
    assert page.status_code == 200
    assert "No call records have been imported yet." in page.content.decode()

    # when: a Master.csv is sent
    with django_capture_on_commit_callbacks(execute=True):
        sent = send(admin_client, master_csv())

    # then: it is kept, recorded as waiting for the worker, and the progress page follows
    record = CallImport.objects.get()
    assert sent.status_code == 302
    assert sent["Location"] == f"/calls/import/{record.pk}/"
    assert record.status == ImportStatus.RUNNING
    assert record.started_by == people.administrator
    assert record.bytes_total == len(master_csv())
    assert record.file_name == "Master.csv"
    (kept,) = uploads_in_tmp.glob("*/Master.csv")
    assert kept.read_bytes() == master_csv()
    waiting = admin_client.get(sent["Location"]).content.decode()
    assert "Waiting for the background worker to start." in waiting
    assert 'hx-trigger="every 1s"' in waiting
    assert f'<progress id="import-bar" max="{record.bytes_total}" value="0"' in waiting

    # when: the worker runs the task
    assert run_queued_import() == ImportStatus.DONE

    # then: one import (the upload's), done, with its counts, and the calls point at it
    record = CallImport.objects.get()
    assert record.status == ImportStatus.DONE
    assert (record.rows_read, record.rows_imported, record.rows_duplicate) == (5, 4, 0)
    assert record.rows_rejected == 1
    assert record.bytes_read == record.bytes_total
    assert set(Call.objects.values_list("imported_by_id", flat=True)) == {record.pk}
    assert CallMeasure.objects.exists()
    done = admin_client.get(f"/calls/import/{record.pk}/").content.decode()
    assert "hx-trigger" not in done  # the page stops asking
    assert "100% read" in done
    assert f'value="{record.bytes_total}"' in done
    assert (
        "Finished: 5 rows read, 4 calls imported, 0 already here, 1 refused." in done
    )  # in the status line, for screen readers
    assert f'href="/calls/import/{record.pk}/rejects.csv"' in done

    # and: the uploaded file, with callers' numbers, is gone; the refused rows stay
    assert not kept.exists()
    assert (kept.parent / "Master.csv.rejects.csv").is_file()

    # and: the refused row can be downloaded, with its line and reason
    rejects = admin_client.get(f"/calls/import/{record.pk}/rejects.csv")
    assert rejects.status_code == 200
    assert rejects["Content-Type"].startswith("text/csv")
    assert "attachment" in rejects["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(rejects.streaming_content).decode())))
    assert rows[0] == ["line", "reason", "row"]
    assert rows[1][0] == "5"
    assert "start" in rows[1][1]
    assert "real date" in rows[1][1]

    # and: the import page lists it
    listed = admin_client.get(IMPORT).content.decode()
    assert f'href="/calls/import/{record.pk}/">Master.csv</a>' in listed


def test_sending_the_same_file_again_adds_nothing_and_says_the_calls_are_already_here(
    admin_client, django_capture_on_commit_callbacks
):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            send(admin_client, master_csv())
        run_queued_import()

    first, second = CallImport.objects.order_by("pk")
    assert first.rows_imported == 4
    assert (second.rows_imported, second.rows_duplicate, second.rows_rejected) == (0, 4, 1)
    assert Call.objects.count() == 4
    assert CallImport.objects.count() == 2  # one row per upload, none left by the runs


def test_the_progress_fragment_asks_again_while_running_and_announces_the_end_once(
    admin_client, people, clock
):
    record = CallImport.objects.create(
        file_name="Master.csv",
        file_format="asterisk",
        started_at=clock.now(),
        bytes_total=2000,
        bytes_read=500,
        rows_read=10,
        started_by=people.administrator,
    )
    url = f"/calls/import/{record.pk}/"

    running = admin_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert running.lstrip().startswith("{% comment") is False
    assert f'hx-get="{url}" hx-trigger="every 1s" hx-swap="outerHTML"' in running
    assert '<progress id="import-bar" max="2000" value="500"' in running
    assert "25% read (500 bytes of 2 KB)" in running
    assert "hx-swap-oob" not in running  # nothing announced while it runs
    assert "<html" not in running

    CallImport.objects.filter(pk=record.pk).update(
        status=ImportStatus.DONE, bytes_read=2000, rows_read=40, rows_imported=40
    )
    finished = admin_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in finished
    assert 'hx-swap-oob="innerHTML:#import-status"' in finished
    assert "Finished: 40 rows read, 40 calls imported" in finished


def test_a_gzipped_file_is_accepted_and_imported(
    admin_client, django_capture_on_commit_callbacks, uploads_in_tmp
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = send(admin_client, gzip.compress(master_csv()), name="Master.csv.gz")
    assert sent.status_code == 302
    run_queued_import()
    record = CallImport.objects.get()
    assert record.file_name == "Master.csv.gz"
    assert (record.status, record.rows_imported, record.rows_rejected) == ("done", 4, 1)


def test_a_generic_file_is_read_with_a_shipped_mapping(
    admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = send(
            admin_client, TEAMS_CSV, name="teams.csv", file_format="generic", mapping="teams"
        )
    assert sent.status_code == 302
    run_queued_import()
    record = CallImport.objects.get()
    assert (record.status, record.rows_imported) == ("done", 2)
    assert set(Call.objects.values_list("source", flat=True)) == {"teams"}


def test_a_generic_file_is_read_with_an_uploaded_mapping(
    admin_client, django_capture_on_commit_callbacks, uploads_in_tmp
):
    content = b"Ref,Rang,Picked up\nr1,2025-06-02T08:00:00Z,2025-06-02T08:00:03Z\n"
    with django_capture_on_commit_callbacks(execute=True):
        sent = admin_client.post(
            IMPORT,
            {
                "file_format": "generic",
                "file": upload("export.csv", content),
                "mapping_file": upload("mine.toml", MY_MAPPING),
            },
        )
    assert sent.status_code == 302
    (kept,) = uploads_in_tmp.glob("*/mapping.toml")
    assert kept.read_bytes() == MY_MAPPING
    run_queued_import()
    record = CallImport.objects.get()
    assert (record.status, record.rows_imported, record.file_format) == ("done", 1, "My switch")
    assert Call.objects.get().source == "myswitch"


def test_the_uploaded_name_is_never_trusted(
    admin_client, django_capture_on_commit_callbacks, uploads_in_tmp
):
    with django_capture_on_commit_callbacks(execute=True):
        send(admin_client, master_csv(), name="../../settings.py")
    (kept,) = (
        path for path in uploads_in_tmp.rglob("*") if path.is_file() and "json" not in path.name
    )
    assert kept.parent.parent == uploads_in_tmp
    assert kept.name == "settings.py"
    assert CallImport.objects.get().file_name == "settings.py"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Master.csv", "Master.csv"),
        ("../../etc/passwd", "passwd"),
        ("C:\\exports\\June calls.csv", "June-calls.csv"),
        ("Zoë's calls (June).csv.gz", "Zoe-s-calls-June-.csv.gz"),
        ("..", "calls.csv"),
        ("", "calls.csv"),
        ("\u202egnp.csv", "gnp.csv"),  # right-to-left override dropped
        ("a" * 300 + ".csv", "a" * 96 + ".csv"),
    ],
)
def test_safe_file_name_keeps_only_the_last_part_in_plain_characters(name, expected):
    assert safe_file_name(name) == expected


# -- files that cannot be imported: a clear message, nothing kept -------------------------


XLSX = b"PK\x03\x04" + b"\x00" * 100


@pytest.mark.parametrize(
    ("fields", "content", "name", "field", "message"),
    [
        ({}, b"", "Master.csv", "file", "The file is empty."),
        ({}, b"\n\n  \n", "Master.csv", "file", "The file is empty: it has no rows"),
        ({}, XLSX, "calls.xlsx", "file", "This is not a CSV file: it looks like an Excel"),
        ({}, b"\x00\x01\x02binary", "calls.csv", "file", "it holds binary data"),
        ({}, b"\xff\xfe\xfa text", "calls.csv", "file", "This file is not text in utf-8"),
        ({}, b"a,b,c\n1,2,3\n", "calls.csv", "file", "This is not an Asterisk Master.csv"),
        ({}, b"plain text", "calls.csv.gz", "file", "not compressed with gzip"),
        ({}, gzip.compress(b"x" * 100)[:20], "calls.csv.gz", "file", "cannot be opened"),
        (
            {"file_format": "generic"},
            TEAMS_CSV,
            "teams.csv",
            "mapping",
            "Choose the mapping for this file, or upload one.",
        ),
        (
            {"file_format": "generic", "mapping": "teams"},
            b"Ref,When\n1,2025-06-02T08:00:00Z\n",
            "calls.csv",
            "mapping",
            "does not fit the mapping &#x27;teams&#x27;: there is no column &#x27;Call ID",
        ),
        (
            {"file_format": "generic", "mapping": "no-such"},
            TEAMS_CSV,
            "teams.csv",
            "mapping",
            "Select a valid choice",
        ),
        (
            {"mapping": "teams"},
            master_csv(),
            "Master.csv",
            "mapping",
            "Asterisk files need no mapping",
        ),
    ],
    ids=[
        "empty",
        "blank-lines",
        "excel",
        "binary",
        "not-utf8",
        "not-asterisk",
        "gz-name-plain-content",
        "damaged-gzip",
        "generic-without-mapping",
        "wrong-mapping",
        "unknown-mapping",
        "asterisk-with-mapping",
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_with_a_clear_message(
    admin_client, uploads_in_tmp, fields, content, name, field, message
):
    response = send(admin_client, content, name=name, **fields)

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page, page[page.find("error-summary") :][:800]
    assert response.context["form"].errors[field]
    assert not CallImport.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert not any(uploads_in_tmp.glob("*/*"))


def test_a_mapping_file_that_is_not_a_mapping_is_refused_naming_what_is_wrong(admin_client):
    response = admin_client.post(
        IMPORT,
        {
            "file_format": "generic",
            "file": upload("export.csv", b"Ref,Rang\n"),
            "mapping_file": upload("mine.toml", b'[format]\nsource = "x"\n[columns]\nref = 1\n'),
        },
    )
    errors = response.context["form"].errors["mapping_file"]
    assert errors[0].startswith("The mapping cannot be used:")
    assert "'ref' is not a setting here" in errors[0]
    assert not CallImport.objects.exists()


def test_no_file_at_all_asks_for_one(admin_client):
    response = send(admin_client, None)  # type: ignore[arg-type]
    assert response.context["form"].errors["file"] == ["Choose the call records file to import."]


def test_a_file_that_fails_part_way_is_deleted_once_read_keeping_the_calls_before(
    admin_client, django_capture_on_commit_callbacks, uploads_in_tmp, tmp_path
):
    # a gzip file whose start is sound (so it is accepted) and whose end is cut off
    plain = tmp_path / "calls.csv"
    write_master_csv(plain, 30_000)
    whole = gzip.compress(plain.read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        send(admin_client, whole[: len(whole) * 2 // 3], name="Master.csv.gz")

    assert run_queued_import() == ImportStatus.FAILED

    record = CallImport.objects.get()
    assert "gzip data is damaged" in record.error
    assert Call.objects.count() == record.rows_imported > 0  # the batches before the damage
    assert not list(uploads_in_tmp.glob("*/Master.csv.gz"))  # read, so not kept

    # and: the task run again (a worker that died) leaves the import and its reason be
    record.refresh_from_db()
    import_calls_file.call(record.pk, next(uploads_in_tmp.iterdir()).name)
    assert CallImport.objects.get().error == record.error


def test_an_import_whose_file_has_gone_is_marked_failed_and_says_why(
    admin_client, django_capture_on_commit_callbacks, uploads_in_tmp
):
    with django_capture_on_commit_callbacks(execute=True):
        send(admin_client, master_csv())
    for kept in uploads_in_tmp.glob("*/Master.csv"):
        kept.unlink()

    assert run_queued_import() == ImportStatus.FAILED

    record = CallImport.objects.get()
    assert record.status == ImportStatus.FAILED
    assert "cannot be opened" in record.error
    page = admin_client.get(f"/calls/import/{record.pk}/").content.decode()
    assert "The import failed:" in page
    assert "hx-trigger" not in page


def test_the_file_of_an_upload_whose_import_stopped_part_way_is_deleted_by_the_sweep(
    admin_client, django_capture_on_commit_callbacks, uploads_in_tmp, clock
):
    with django_capture_on_commit_callbacks(execute=True):
        send(admin_client, master_csv())
        send(admin_client, master_csv(), name="Other.csv")
    stopped, waiting = CallImport.objects.order_by("pk")
    # the worker started the first and was killed; the second it has not started yet
    CallImport.objects.filter(pk=stopped.pk).update(progress_at=clock.now() - timedelta(minutes=11))

    assert call_uploads_stop_stalled(clock=clock) == 1

    stopped.refresh_from_db()
    assert stopped.status == ImportStatus.FAILED
    assert stopped.error.startswith("The import stopped part-way")
    assert not list(uploads_in_tmp.glob("*/Master.csv"))
    assert len(list(uploads_in_tmp.glob("*/Other.csv"))) == 1
    assert len(list(uploads_in_tmp.glob("*/upload.json"))) == 2
    # the stopped import's task run again (its worker restarted) leaves its reason be
    (task,) = [
        task for task in DBTaskResult.objects.all() if task.args_kwargs["args"][0] == stopped.pk
    ]
    import_calls_file.call(*task.args_kwargs["args"])
    stopped.refresh_from_db()
    assert stopped.error.startswith("The import stopped part-way")
    assert CallImport.objects.get(pk=waiting.pk).status == ImportStatus.RUNNING


def test_an_import_without_a_rejects_file_has_no_download(admin_client, people, clock):
    record = CallImport.objects.create(
        file_name="Master.csv", file_format="asterisk", started_at=clock.now()
    )
    assert admin_client.get(f"/calls/import/{record.pk}/rejects.csv").status_code == 404
    assert admin_client.get("/calls/import/999999/").status_code == 404


@pytest.mark.parametrize("role", [Role.OFFICER, Role.LINE_MANAGER, Role.PERFORMANCE_ANALYST])
def test_only_administrators_may_import_calls(client, people, clock, role):
    record = CallImport.objects.create(
        file_name="Master.csv", file_format="asterisk", started_at=clock.now()
    )
    client.force_login(make_staff(f"pat_{role.value}", role))
    for url in (IMPORT, f"{IMPORT}{record.pk}/", f"{IMPORT}{record.pk}/rejects.csv"):
        assert client.get(url).status_code == 403
    assert send(client, master_csv()).status_code == 403
    assert not DBTaskResult.objects.exists()


def test_a_system_administrator_may_import_calls(client, people):
    client.force_login(make_staff("sam_sysadmin", Role.SYSTEM_ADMINISTRATOR))
    assert client.get(IMPORT).status_code == 200


# -- the API ----------------------------------------------------------------------------


API = "/api/v1/calls/imports"


@pytest.fixture
def token(people, clock, monkeypatch):
    monkeypatch.setattr(api_clock, "clock", clock)
    return api_token_create(owner=people.administrator, name="phones", clock=clock).secret


def api_send(client, token: str, **data: Any):
    return client.post(API, data, headers={"Authorization": f"Bearer {token}"})


def api_get(client, token: str, url: str):
    return client.get(url, headers={"Authorization": f"Bearer {token}"})


def test_the_api_takes_a_file_answers_202_and_reports_progress_and_counts(
    client, token, people, django_capture_on_commit_callbacks
):
    # when: a Master.csv is posted
    with django_capture_on_commit_callbacks(execute=True):
        sent = api_send(client, token, file=upload("Master.csv", master_csv()), format="asterisk")

    # then: 202 at once, with where to follow it
    assert sent.status_code == 202, sent.content
    body = sent.json()
    record = CallImport.objects.get()
    assert body["id"] == record.pk
    assert body["status"] == "waiting"
    assert body["status_url"] == f"{API}/{record.pk}"
    assert sent["Location"] == body["status_url"]
    assert body["bytes_total"] == len(master_csv())
    assert body["started_by"] == people.administrator.username
    assert body["rejects_url"] is None

    # when: the worker has run it
    run_queued_import()
    progress = api_get(client, token, body["status_url"])

    # then: done, with the counts and the refused rows to download
    assert progress.status_code == 200
    done = progress.json()
    assert done["status"] == "done"
    assert done["percent"] == 100
    assert (done["rows_read"], done["rows_imported"], done["rows_duplicate"]) == (5, 4, 0)
    assert done["rows_rejected"] == 1
    assert done["started_at"].endswith("+01:00")  # June: shown in UK summer time
    assert done["rejects_url"] == f"{API}/{record.pk}/rejects.csv"
    rejects = api_get(client, token, done["rejects_url"])
    assert rejects.status_code == 200
    assert b"".join(rejects.streaming_content).decode().startswith("line,reason,row")


def test_the_api_reads_a_generic_file_with_a_shipped_mapping(
    client, token, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = api_send(
            client, token, file=upload("t.csv", TEAMS_CSV), format="generic", mapping="teams"
        )
    assert sent.status_code == 202, sent.content
    run_queued_import()
    assert api_get(client, token, sent.json()["status_url"]).json()["rows_imported"] == 2


def problem_of(response) -> dict[str, Any]:
    assert response["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = json.loads(response.content)
    return body


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"file": b"", "format": "asterisk"}, "file", "The file is empty"),
        ({"file": b"a,b\n1,2\n", "format": "asterisk"}, "file", "not an Asterisk Master.csv"),
        ({"file": XLSX}, "file", "Excel"),
        ({"file": TEAMS_CSV, "format": "generic"}, "mapping", "Choose the mapping"),
        ({"file": b"x,y\n", "format": "generic", "mapping": "teams"}, "mapping", "does not fit"),
        ({"file": TEAMS_CSV, "format": "generic", "mapping": "nope"}, "mapping", "no mapping"),
        ({"file": TEAMS_CSV, "format": "avaya"}, "format", "Input should be"),
        ({"format": "asterisk"}, "file", "This is required."),
    ],
    ids=[
        "empty",
        "not-asterisk",
        "excel",
        "no-mapping",
        "wrong-mapping",
        "unknown-mapping",
        "unknown-format",
        "no-file",
    ],
)
def test_the_api_answers_bad_input_with_a_problem_naming_the_field(
    client, token, uploads_in_tmp, data, field, message
):
    if "file" in data:
        data = {**data, "file": upload("calls.csv", data["file"])}
    response = api_send(client, token, **data)

    assert response.status_code == 422, response.content
    body = problem_of(response)
    assert body["code"] == "validation_failed"
    errors = {error["field"]: error["message"] for error in body["errors"]}
    assert message in errors[field], errors
    assert not CallImport.objects.exists()
    assert not any(uploads_in_tmp.glob("*/*"))


def test_the_api_needs_a_token_that_may_import_calls(client, people, clock):
    record = CallImport.objects.create(
        file_name="Master.csv", file_format="asterisk", started_at=clock.now()
    )
    officer = api_token_create(owner=people.officer, name="x", clock=clock).secret
    for response in (
        api_send(client, officer, file=upload("Master.csv", master_csv())),
        api_get(client, officer, f"{API}/{record.pk}"),
        api_get(client, officer, f"{API}/{record.pk}/rejects.csv"),
    ):
        assert response.status_code == 403
        assert problem_of(response)["code"] == "not_allowed"
    anonymous = client.get(f"{API}/{record.pk}")
    assert anonymous.status_code == 401
    assert not DBTaskResult.objects.exists()


def test_the_api_says_when_there_is_no_such_import(client, token):
    response = api_get(client, token, f"{API}/424242")
    assert response.status_code == 404
    assert problem_of(response)["detail"] == "No call import has the id 424242."
    assert api_get(client, token, f"{API}/424242/rejects.csv").status_code == 404


def test_every_uploaded_file_is_kept_in_a_folder_of_its_own(
    admin_client, django_capture_on_commit_callbacks, uploads_in_tmp
):
    with django_capture_on_commit_callbacks(execute=True):
        send(admin_client, master_csv())
        send(admin_client, master_csv())
    folders = sorted(path for path in uploads_in_tmp.iterdir())
    assert len(folders) == 2
    assert call_imports_folder() == uploads_in_tmp


# -- the size limit ----------------------------------------------------------------------


def test_the_form_says_how_big_a_file_may_be(admin_client):
    page = admin_client.get(IMPORT).content.decode()
    assert "The file must be 200 MB or smaller." in page
    assert "The file must be 64 KB or smaller." in page  # the mapping file


def test_a_mapping_file_over_its_limit_is_refused_on_the_form_saying_so(admin_client):
    response = admin_client.post(
        IMPORT,
        {
            "file_format": "generic",
            "file": upload("export.csv", b"Ref,Rang\n"),
            "mapping_file": upload("mine.toml", b"#" * (64 * 1024 + 1)),
        },
    )
    errors = response.context["form"].errors["mapping_file"]
    assert errors == ["The file is 65 KB: it must be 64 KB or smaller."]
    assert not CallImport.objects.exists()


def test_a_file_over_the_limit_is_refused_on_the_form_saying_so(
    admin_client, settings, uploads_in_tmp
):
    settings.CAREDESK_CALLS_MAX_UPLOAD_BYTES = 1024
    response = send(admin_client, master_csv() * 3)
    assert response.status_code == 200
    size = size_text(len(master_csv() * 3))
    assert f"The file is {size}: it must be 1 KB or smaller." in response.content.decode()
    assert not CallImport.objects.exists()
    assert not any(uploads_in_tmp.glob("*/*"))


def test_the_service_refuses_a_file_over_the_limit_whatever_its_stated_size(
    people, clock, settings, uploads_in_tmp
):
    settings.CAREDESK_CALLS_MAX_UPLOAD_BYTES = 1024
    sent = upload("Master.csv", master_csv() * 3)
    sent.size = 10  # a client that says less than it sends
    with pytest.raises(
        UploadRefused, match=r"^The file is more than 1 KB: it must be 1 KB or smaller\.$"
    ):
        call_upload_accept(upload=sent, file_format="asterisk", by=None, clock=clock)
    assert not CallImport.objects.exists()
    assert not any(uploads_in_tmp.glob("*/*"))


def test_a_file_of_exactly_the_limit_is_accepted(people, clock, settings, uploads_in_tmp):
    content = master_csv()
    settings.CAREDESK_CALLS_MAX_UPLOAD_BYTES = len(content)
    sent = upload("Master.csv", content)
    call_upload_accept(upload=sent, file_format="asterisk", by=None, clock=clock)
    assert CallImport.objects.count() == 1


def test_the_api_refuses_a_file_over_the_limit_with_413(client, token, settings, uploads_in_tmp):
    settings.CAREDESK_CALLS_MAX_UPLOAD_BYTES = 1024
    response = api_send(client, token, file=upload("Master.csv", master_csv() * 3))
    assert response.status_code == 413, response.content
    body = problem_of(response)
    assert body["code"] == "call_file_too_big"
    assert (
        body["detail"]
        == f"The file is {size_text(len(master_csv() * 3))}: it must be 1 KB or smaller."
    )
    assert not CallImport.objects.exists()
    assert not any(uploads_in_tmp.glob("*/*"))
    mapping = upload("mine.toml", b"#" * (64 * 1024 + 1))
    response = api_send(
        client, token, file=upload("x.csv", TEAMS_CSV), format="generic", mapping_file=mapping
    )
    assert response.status_code == 413, response.content
    assert "a mapping must be 64 KB or smaller" in problem_of(response)["detail"]


# -- NULs, binary files and gzip bombs ----------------------------------------------------


def with_a_nul_in_a_caller_name() -> bytes:
    rows = [
        asterisk_row(1),
        asterisk_row(2, clid='"Ann\x00 Lee" <01514960002>', start="2025-06-02 09:10:00"),
        asterisk_row(3, start="2025-06-02 09:20:00"),
        asterisk_row(4, start="2025-06-02 09:30:00"),
    ]
    return "".join(rows).encode()


def test_one_nul_in_a_caller_name_costs_no_call_from_the_desk(
    admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = send(admin_client, with_a_nul_in_a_caller_name())
    assert response.status_code == 302, response.context["form"].errors
    run_queued_import()
    record = CallImport.objects.get()
    assert record.status == ImportStatus.DONE, record.error
    assert (record.rows_imported, record.rows_rejected) == (4, 0)
    assert Call.objects.get(caller_name="Ann Lee").notes


def test_one_nul_in_a_caller_name_costs_no_call_from_the_api(
    client, token, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_send(client, token, file=upload("Master.csv", with_a_nul_in_a_caller_name()))
    assert response.status_code == 202, response.content
    run_queued_import()
    assert CallImport.objects.get().rows_imported == 4
    assert Call.objects.count() == 4


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02"
    b"\x00\x00\x00\x90\x91h6\x00\x00\x00\x0cIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe"
    b"\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
) * 40


@pytest.mark.parametrize(
    "content",
    [PNG, random.Random(15).randbytes(20_000)],
    ids=["png", "random-bytes"],
)
def test_a_binary_file_is_still_refused(admin_client, client, token, uploads_in_tmp, content):
    response = send(admin_client, content, name="calls.csv")
    assert "it holds binary data" in " ".join(response.context["form"].errors["file"])
    response = api_send(client, token, file=upload("calls.csv", content))
    assert response.status_code == 422
    assert not CallImport.objects.exists()
    assert not any(uploads_in_tmp.glob("*/*"))


def test_a_gzip_whose_first_line_inflates_to_hundreds_of_mb_is_refused_without_inflating_it(
    admin_client, uploads_in_tmp, tmp_path
):
    bomb = tmp_path / "bomb.csv.gz"
    block = b"a" * (1 << 20)
    with gzip.open(bomb, "wb", compresslevel=9) as out:
        for _ in range(300):  # 300 MB of one line
            out.write(block)
    assert bomb.stat().st_size < 1_000_000
    started = time.monotonic()
    response = send(
        admin_client, bomb.read_bytes(), name="bomb.csv.gz", file_format="generic", mapping="teams"
    )
    assert time.monotonic() - started < 2  # inflating 300 MB takes longer than this
    errors = response.context["form"].errors
    assert "its first line is longer than 128 KB uncompressed" in " ".join(errors["file"])
    assert not CallImport.objects.exists()
