"""docs/errors.md is the catalogue the code makes, and every code names one failure."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from caredesk.api.errors_catalogue import error_classes, errors_markdown
from caredesk.cases import errors as case_errors
from caredesk.errors import CaredeskError, FileProblems

DOCS = Path(__file__).resolve().parents[3] / "docs" / "errors.md"
FAMILIES = {CaredeskError, FileProblems}  # bases that are never raised themselves


def test_docs_errors_md_is_what_the_code_makes():
    assert DOCS.read_text() == errors_markdown(), "run: caredesk errors > docs/errors.md"


def test_each_failure_has_its_own_code_and_says_what_it_means():
    classes = [kind for kind in error_classes() if kind not in FAMILIES]
    codes = Counter(kind.code for kind in classes)
    assert [code for code, count in codes.items() if count > 1] == []
    assert [kind.__qualname__ for kind in classes if not kind.__doc__] == []


def test_the_case_errors_are_split_by_failure():
    found = {kind for kind in error_classes() if issubclass(kind, case_errors.CaseError)}
    assert len(found) >= 12
    assert case_errors.ReceivedInFuture.code == "case_received_in_future"
    assert "`holding_reply_beyond_extension`" in DOCS.read_text()
