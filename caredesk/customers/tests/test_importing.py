"""Importing customers from a housing management system's export (customers.importing)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from caredesk.customers.import_mapping import load_customer_mapping
from caredesk.customers.import_rows import CustomerFileError
from caredesk.customers.importing import customers_import
from caredesk.customers.models import (
    Customer,
    CustomerEvent,
    CustomerEventKind,
    CustomerEventSource,
)
from caredesk.customers.services import customer_create

EXAMPLE = Path(__file__).parent / "files" / "housing-export.csv"
HEADING = (
    "Person Ref,Tenure,Title,Forename,Surname,Organisation,Email,Phone,Address 1,Address 2,"
    "Address 3,Town,Postcode,UPRN,Contact Method,Best Time,Language,Format,Interpreter,"
    "Home Visits,Same Sex Officer"
)


def row(reference: str, surname: str = "Khan", **more: str) -> str:
    values = {
        "tenure": "T",
        "forename": "Amira",
        "phone": "01514 960 123",
        "postcode": "WA7 2JT",
        "email": "",
        "uprn": "",
        "format": "STD",
        "interpreter": "N",
    } | more
    return (
        f"{reference},{values['tenure']},Mrs,{values['forename']},{surname},,{values['email']},"
        f"{values['phone']},1 High Street,,,Runcorn,{values['postcode']},{values['uprn']},TEL,,,"
        f"{values['format']},{values['interpreter']},N,N"
    )


def write(tmp_path: Path, *rows: str, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADING, *rows]) + "\n", encoding="utf-8")
    return path


def run(path: Path, clock, **options):
    return customers_import(path=path, mapping="housing", clock=clock, **options)


def rejects(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", errors="surrogateescape", newline="") as file:
        return list(csv.reader(file))


@pytest.mark.django_db
def test_the_example_export_creates_each_customer_with_an_import_event(clock):
    summary = run(EXAMPLE, clock)

    assert (summary.rows_read, summary.created, summary.refused) == (4, 4, 0)
    grace = Customer.objects.get(external_reference="L000201")
    assert grace.customer_type == "leaseholder"
    assert grace.address == "7 The Maltings\nBrook Lane\nWidnes"  # a quoted line break kept
    assert grace.home_visits_needed
    assert grace.same_sex_interviewer
    tomasz = Customer.objects.get(external_reference="T000102")
    assert (tomasz.postcode, tomasz.postcode_search) == ("WA7 1AB", "WA71AB")
    assert (tomasz.phone_search, tomasz.accessible_format) == ("07700900456", "large_print")
    assert tomasz.preferred_channel == "text_message"
    assert tomasz.interpreter_needed
    agency = Customer.objects.get(external_reference="AG00031")
    assert (agency.customer_type, agency.organisation) == (
        "external_agency",
        "Halton Citizens Advice",
    )
    events = CustomerEvent.objects.filter(kind=CustomerEventKind.CREATED)
    assert events.count() == 4
    assert {event.source for event in events} == {CustomerEventSource.IMPORT}
    assert {event.by_id for event in events} == {None}
    event = events.get(customer=tomasz)
    assert event.changes["language"] == {"before": None, "after": "Polish"}


@pytest.mark.django_db
def test_the_same_file_again_writes_nothing(clock, django_assert_max_num_queries):
    run(EXAMPLE, clock)

    with django_assert_max_num_queries(6):  # the transaction and one read: no write
        summary = run(EXAMPLE, clock)

    assert (summary.created, summary.changed, summary.unchanged) == (0, 0, 4)
    assert CustomerEvent.objects.count() == 4
    assert not Customer.objects.filter(updated_at__isnull=False).exists()


@pytest.mark.django_db
def test_a_changed_row_changes_only_its_differing_details_with_one_event(tmp_path, clock):
    run(write(tmp_path, row("T1"), row("T2", "Nowak")), clock)

    summary = run(write(tmp_path, row("T1"), row("T2", "Nowak-Smith", postcode="wa8 6qx")), clock)

    assert (summary.created, summary.changed, summary.unchanged) == (0, 1, 1)
    changed = Customer.objects.get(external_reference="T2")
    assert (changed.last_name, changed.postcode_search) == ("Nowak-Smith", "WA86QX")
    assert changed.updated_at == clock.now()
    event = CustomerEvent.objects.get(kind=CustomerEventKind.CHANGED)
    assert event.customer == changed
    assert event.changes == {
        "last_name": {"before": "Nowak", "after": "Nowak-Smith"},
        "postcode": {"before": "WA7 2JT", "after": "WA8 6QX"},
    }


@pytest.mark.django_db
def test_bad_rows_are_refused_with_line_column_and_reason_and_cost_no_neighbour(tmp_path, clock):
    path = write(
        tmp_path,
        row("T1"),
        row("T2", postcode="WA7 1A"),
        row("T3", email="not-an-email"),
        row("T4", uprn="12345678901234"),
        row("T5", tenure="X"),
        row("T6", interpreter="maybe"),
        row("T7", surname="K" * 101),
        row("", surname="Nobody"),
        row("T1", surname="Again"),
        "T9,T,too,few,columns",
        row("T10"),
    )

    summary = run(path, clock)

    assert (summary.rows_read, summary.created, summary.refused) == (11, 2, 9)
    assert set(Customer.objects.values_list("external_reference", flat=True)) == {"T1", "T10"}
    found = rejects(Path(summary.rejects_file))
    assert found[0] == ["Refused on line", "Why refused", *HEADING.split(",")]
    reasons = {line: reason for line, reason, *_ in found[1:]}
    assert reasons == {
        "3": "postcode (column 'Postcode') 'WA7 1A' is not a UK postcode",
        "4": "email (column 'Email') 'not-an-email' is not an email address",
        "5": "UPRN (column 'UPRN') '12345678901234' is not a UPRN (1 to 12 digits)",
        "6": "customer type (column 'Tenure') 'X' is not one the mapping knows "
        "('T', 'L', 'LIC', 'APP', 'SO', 'AG')",
        "7": "interpreter (column 'Interpreter') 'maybe' is neither yes (Y, Yes, 1, True) "
        "nor no ('N', 'No', '0', 'False', '')",
        "8": "last name (column 'Surname') is 101 characters long: the most it may be is 100",
        "9": "reference (column 'Person Ref') is blank",
        "10": "reference 'T1' is already on line 2 of this file: this row is left out",
        "11": "the row has 5 columns where the heading row has 21",
    }
    assert found[1][2:] == row("T2", postcode="WA7 1A").split(",")  # the row as it was


@pytest.mark.django_db
def test_the_rejects_file_fixed_imports_as_a_file_of_its_own(tmp_path, clock):
    summary = run(write(tmp_path, row("T1"), row("T2", postcode="WA7 1A")), clock)
    refused = Path(summary.rejects_file)
    refused.write_text(refused.read_text().replace("WA7 1A", "WA7 1AB"), encoding="utf-8")

    again = run(refused, clock)

    assert (again.created, again.refused) == (1, 0)
    assert Customer.objects.get(external_reference="T2").postcode == "WA7 1AB"


@pytest.mark.django_db
def test_bad_bytes_nul_and_an_unclosed_quote_are_refused_alone(tmp_path, clock):
    path = tmp_path / "export.csv"
    lines = [
        HEADING.encode(),
        row("T1").encode(),
        row("T2").encode().replace(b"Khan", b"Kh\xffan"),
        row("T3").encode().replace(b"Khan", b"Kh\x00an"),
        row("T4").encode().replace(b"Khan", b'"Khan'),
        row("T5").encode(),
    ]
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")

    summary = run(path, clock)

    assert set(Customer.objects.values_list("external_reference", flat=True)) == {"T1", "T5"}
    assert summary.refused == 3
    reasons = {line: reason for line, reason, *_ in rejects(Path(summary.rejects_file))[1:]}
    assert reasons["3"].startswith("last name (column 'Surname') is not utf-8 text (byte 0xff")
    assert (
        reasons["4"]
        == "last name (column 'Surname') contains a NUL character, which cannot be stored."
    )
    assert reasons["5"] == 'a quoted value is not closed (a " is missing)'
    assert b"Kh\xffan" in Path(summary.rejects_file).read_bytes()  # written back as it came


@pytest.mark.django_db
def test_a_merged_records_reference_is_refused_naming_the_record_kept(tmp_path, clock):
    kept = customer_create(customer_type="tenant", clock=clock, external_reference="T9")
    tombstone = customer_create(customer_type="tenant", clock=clock, external_reference="T1")
    Customer.objects.filter(pk=tombstone.pk).update(merged_into=kept)

    summary = run(write(tmp_path, row("T1", surname="Changed")), clock)

    assert (summary.changed, summary.refused) == (0, 1)
    (_, (line, reason, *_)) = rejects(Path(summary.rejects_file))
    assert line == "2"
    assert f"customer {tombstone.pk}'s record, which was merged into customer {kept.pk}" in reason
    tombstone.refresh_from_db()
    assert tombstone.last_name == ""


@pytest.mark.django_db
def test_a_dry_run_counts_what_would_change_and_stores_nothing(tmp_path, clock):
    run(write(tmp_path, row("T1")), clock)

    summary = run(write(tmp_path, row("T1", "Other"), row("T2")), clock, dry_run=True)

    assert (summary.created, summary.changed) == (1, 1)
    assert "a dry run: nothing was stored" in summary.line()
    assert Customer.objects.count() == 1
    assert Customer.objects.get().last_name == "Khan"


@pytest.mark.django_db
def test_a_file_without_a_mapped_column_is_refused_as_a_whole_naming_it(tmp_path, clock):
    path = tmp_path / "export.csv"
    path.write_text(HEADING.replace("Postcode", "Post Code") + "\n" + row("T1") + "\n")

    with pytest.raises(
        CustomerFileError, match="no column 'Postcode' \\(postcode\\) \\(is it 'Post Code'\\?\\)"
    ):
        run(path, clock)


def test_the_shipped_mapping_reads():
    mapping = load_customer_mapping("housing")
    assert mapping.columns.external_reference == "Person Ref"
    assert mapping.choice_of("customer_type", " so ") == "shared_owner"


@pytest.mark.django_db
def test_the_command_prints_the_summary_and_refuses_a_missing_file(tmp_path, capsys):
    from django.core.management import call_command

    path = write(tmp_path, row("T1"), row("T2", postcode="WA7 1A"))
    rejects_file = tmp_path / "refused.csv"

    call_command("customers", "import", str(path), "--rejects", str(rejects_file))

    out = capsys.readouterr().out
    assert out.startswith("export.csv: 2 rows read, 1 new, 0 changed, 0 unchanged, 1 refused")
    assert f"(see {rejects_file})" in out
    assert rejects_file.is_file()
    with pytest.raises(SystemExit) as stopped:
        call_command("customers", "import", str(tmp_path / "nothing.csv"))
    assert stopped.value.code == 1
    assert "nothing.csv: the file cannot be read" in capsys.readouterr().err
