"""Hostile customer files: any bytes in any field cost no neighbour, and importing the
same file again changes nothing."""

from __future__ import annotations

import itertools
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caredesk.core.text import has_unstorable
from caredesk.customers.importing import customers_import
from caredesk.customers.models import Customer, CustomerEvent

from .test_importing import HEADING, row

COLUMNS = len(HEADING.split(","))
counter = itertools.count()
hostile = st.one_of(
    st.binary(max_size=40),
    st.sampled_from(
        [b"\x00", b"Ann\x00", b"Zo\xeb", b"\x81", b"\xed\xa0\x80", b"\xff", b'"', b"\n", b"\r"]
    ),
    st.builds(lambda size: b"x" * size, st.sampled_from([61, 101, 201, 70_000])),
)


def _import(path: Path, clock, tmp_path: Path, batch_size: int):
    return customers_import(
        path=path,
        mapping="housing",
        clock=clock,
        rejects_path=tmp_path / f"{path.name}.rejects.csv",
        batch_size=batch_size,
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    field=st.integers(0, COLUMNS - 1),
    value=hostile,
    quoted=st.booleans(),
    batch_size=st.sampled_from([1, 2, 2_000]),
)
def test_any_bytes_in_any_field_cost_no_neighbour_and_a_second_import_changes_nothing(
    db, clock, tmp_path, field, value, quoted, batch_size
):
    n = next(counter)
    fields = [part.encode() for part in row(f"R{n}.2").split(",")]
    fields[field] = b'"' + value.replace(b'"', b'""') + b'"' if quoted else value
    path = tmp_path / f"customers-{n}.csv"
    path.write_bytes(
        HEADING.encode()
        + b"\n"
        + row(f"R{n}.1").encode()
        + b"\n"
        + b",".join(fields)
        + b"\n"
        + row(f"R{n}.3", "Okafor").encode()
        + b"\n"
    )

    first = _import(path, clock, tmp_path, batch_size)

    references = set(Customer.objects.values_list("external_reference", flat=True))
    assert {f"R{n}.1", f"R{n}.3"} <= references  # the neighbours, always
    assert first.rows_read == first.created + first.changed + first.unchanged + first.refused
    for customer in Customer.objects.filter(external_reference__startswith=f"R{n}."):
        for name in ("external_reference", "first_name", "last_name", "email", "address"):
            assert not has_unstorable(getattr(customer, name))
    events = CustomerEvent.objects.count()

    again = _import(path, clock, tmp_path, batch_size)

    assert (again.created, again.changed) == (0, 0)
    assert again.unchanged == first.created + first.changed
    assert again.refused == first.refused
    assert CustomerEvent.objects.count() == events
