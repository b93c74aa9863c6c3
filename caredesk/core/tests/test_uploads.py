"""Upload size limits: each form says its limit, and a larger file is refused by size."""

from __future__ import annotations

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict
from hypothesis import given
from hypothesis import strategies as st

from caredesk.core.uploads import MB, LimitedFileField, limit_hint, size_problem
from caredesk.standards.sizes import size_text


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (1, "1 byte"),
        (740, "740 bytes"),
        (1024, "1 KB"),
        (12 * 1024 + 1, "13 KB"),
        (MB, "1 MB"),
        (25 * MB, "25 MB"),
        (25 * MB + 1, "25.1 MB"),
        (int(31.4 * MB), "31.4 MB"),
        (1_100_000, "1.1 MB"),
    ],
)
def test_sizes_read_as_people_say_them(size, text):
    assert size_text(size) == text


@given(st.integers(min_value=1, max_value=10**12), st.integers(min_value=1, max_value=10**12))
def test_a_file_over_the_limit_never_reads_as_within_it(size, limit):
    problem = size_problem(size=size, limit=limit)
    assert bool(problem) == (size > limit)
    if problem:
        assert problem == (
            f"The file is {size_text(size)}: it must be {size_text(limit)} or smaller."
        )


@given(st.integers(min_value=0, max_value=10**12))
def test_a_size_is_never_said_as_less_than_it_is(size):
    number, unit = size_text(size).replace(",", "").split(" ")
    scale = {"byte": 1, "bytes": 1, "KB": 1024, "MB": MB}[unit]
    assert float(number) * scale >= size


class ScanForm(forms.Form):
    scan = LimitedFileField(limit="CAREDESK_SCAN_MAX_BYTES", hint="A PDF or an image.")
    policy = LimitedFileField(limit=1 * MB, required=False)


def test_the_hint_says_the_limit_from_the_setting_as_it_is_now(settings):
    settings.CAREDESK_SCAN_MAX_BYTES = 10 * MB
    assert str(ScanForm()["scan"].help_text) == (
        "A PDF or an image. The file must be 10 MB or smaller."
    )
    settings.CAREDESK_SCAN_MAX_BYTES = 5 * MB
    assert "must be 5 MB or smaller" in ScanForm().as_div()
    assert str(ScanForm()["policy"].help_text) == limit_hint(MB)


def test_a_file_over_the_limit_is_refused_naming_its_size(settings):
    settings.CAREDESK_SCAN_MAX_BYTES = 1024
    form = ScanForm(files=MultiValueDict({"scan": [SimpleUploadedFile("scan.pdf", b"x" * 3000)]}))
    assert not form.is_valid()
    assert form.errors["scan"] == ["The file is 3 KB: it must be 1 KB or smaller."]
    within = ScanForm(files=MultiValueDict({"scan": [SimpleUploadedFile("scan.pdf", b"x" * 1024)]}))
    assert within.is_valid(), within.errors
