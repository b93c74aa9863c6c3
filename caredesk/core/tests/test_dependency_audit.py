"""The dependency audit never reads as a pass unless every package was audited: a real
pip-audit with no advisory service in reach skips every package (and says "No known
vulnerabilities found"); the audit says NOT AUDITED for each, and INCOMPLETE."""

from __future__ import annotations

import json
import re
import socket

import pytest

from caredesk.core.dependency_audit import (
    INCOMPLETE,
    NOT_RUN,
    PASSED,
    VULNERABLE,
    AuditNotRun,
    audit_read,
    audit_words,
    main,
    pins_read,
)

PINS = pins_read("# pinned\nDjango==5.2.19\nrequests==2.34.2\nzipp==4.1.2 ; python_version>'3'\n")


def report(*dependencies: dict[str, object]) -> str:
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


def skipped(name: str, version: str) -> dict[str, object]:
    """As pip-audit 2.10 writes a package it could not look up."""
    reason = f"Dependency not found on PyPI and could not be audited: {name} ({version})"
    return {"name": name, "skip_reason": reason}


def test_the_pins_are_read_by_their_normalised_names():
    assert PINS == {"django": "5.2.19", "requests": "2.34.2", "zipp": "4.1.2"}


def test_every_package_skipped_is_not_audited_and_the_audit_is_incomplete():
    result = audit_read(
        report(
            skipped("django", "5.2.19"), skipped("requests", "2.34.2"), skipped("zipp", "4.1.2")
        ),
        PINS,
    )
    assert result.exit_code == INCOMPLETE
    words = audit_words(result, source="constraints.txt")
    assert words[1:4] == [
        "NOT AUDITED  django 5.2.19: Dependency not found on PyPI and could not be audited: "
        "django (5.2.19)",
        "NOT AUDITED  requests 2.34.2: Dependency not found on PyPI and could not be audited: "
        "requests (2.34.2)",
        "NOT AUDITED  zipp 4.1.2: Dependency not found on PyPI and could not be audited: "
        "zipp (4.1.2)",
    ]
    assert words[-1].startswith("Audit INCOMPLETE: 3 of 3 packages were NOT AUDITED")
    assert "not a pass" in words[-1]
    assert not any("No known vulnerabilities" in line for line in words)


def test_one_package_skipped_among_clean_ones_still_makes_it_incomplete():
    result = audit_read(
        report(
            {"name": "django", "version": "5.2.19", "vulns": []},
            {"name": "requests", "version": "2.34.2", "vulns": []},
            skipped("zipp", "4.1.2"),
        ),
        PINS,
    )
    assert result.exit_code == INCOMPLETE
    assert [p.name for p in result.not_audited] == ["zipp"]
    assert "1 of 3 packages were NOT AUDITED" in audit_words(result, source="x")[-1]


def test_a_pinned_package_the_report_leaves_out_is_not_audited():
    result = audit_read(report({"name": "django", "version": "5.2.19", "vulns": []}), PINS)
    assert {p.name: p.not_audited_because for p in result.not_audited} == {
        "requests": "pip-audit said nothing of it",
        "zipp": "pip-audit said nothing of it",
    }
    assert result.exit_code == INCOMPLETE


def test_a_known_vulnerability_fails_the_audit_with_its_fix():
    result = audit_read(
        report(
            {
                "name": "django",
                "version": "5.2.19",
                "vulns": [
                    {"id": "PYSEC-2099-1", "fix_versions": ["5.2.20"], "aliases": ["CVE-2099-1"]}
                ],
            },
            {"name": "requests", "version": "2.34.2", "vulns": []},
            skipped("zipp", "4.1.2"),
        ),
        PINS,
    )
    assert result.exit_code == VULNERABLE
    words = audit_words(result, source="constraints.txt")
    assert "VULNERABLE   django 5.2.19: PYSEC-2099-1 (fixed in 5.2.20)" in words
    assert "Audit FAILED: known vulnerabilities in 1 packages." in words
    assert words[-1].startswith("Audit INCOMPLETE: 1 of 3")


def test_only_every_package_audited_and_clean_is_a_pass():
    clean: list[dict[str, object]] = [
        {"name": n, "version": v, "vulns": []} for n, v in PINS.items()
    ]
    result = audit_read(report(*clean), PINS)
    assert result.exit_code == PASSED
    assert audit_words(result, source="x")[-1] == (
        "Audit complete: all 3 packages audited, no known vulnerabilities."
    )


def test_an_empty_or_unreadable_report_is_not_a_pass():
    assert audit_read(report(), {}).exit_code == INCOMPLETE
    with pytest.raises(AuditNotRun, match="could not be read"):
        audit_read("No known vulnerabilities found", PINS)


def test_a_real_pip_audit_here_never_reads_as_a_pass_for_packages_it_skipped(tmp_path, capsys):
    """As the machine is: it reaches no advisory service, so pip-audit skips (and prints
    "No known vulnerabilities found"); wherever it does reach one, what is said must
    still match what was audited."""
    pinned = tmp_path / "constraints.txt"
    pinned.write_text("# pinned\nDjango==5.2.20\nsqlparse==0.5.3\n")
    code = main([str(pinned)])
    out = capsys.readouterr().out
    assert "No known vulnerabilities found" not in out
    skipped = re.findall(r"^NOT AUDITED  (\S+) ", out, flags=re.MULTILINE)
    if code == PASSED:
        assert not skipped
        assert "Audit complete: all 2 packages audited" in out
    elif code == NOT_RUN:
        assert out.startswith("Audit NOT DONE: ")
    else:
        assert code in (INCOMPLETE, VULNERABLE), out
        if skipped:
            assert f"Audit INCOMPLETE: {len(skipped)} of 2 packages were NOT AUDITED" in out
    assert code != PASSED or "NOT AUDITED" not in out


def test_no_advisory_service_in_reach_at_all_is_incomplete_here(tmp_path, capsys):
    """This machine, and CI's, reach no advisory service: every package NOT AUDITED."""
    pinned = tmp_path / "constraints.txt"
    pinned.write_text("# pinned\nDjango==5.2.20\nsqlparse==0.5.3\n")
    code = main([str(pinned)])
    out = capsys.readouterr().out
    if "Audit complete" in out:
        pytest.skip("this machine reaches an advisory service")
    assert code in (INCOMPLETE, NOT_RUN), out
    assert "No known vulnerabilities found" not in out
    if code == INCOMPLETE:
        assert "NOT AUDITED  django 5.2.20" in out
        assert "NOT AUDITED  sqlparse 0.5.3" in out
        assert "Audit INCOMPLETE: 2 of 2 packages were NOT AUDITED" in out


def test_pip_audit_failing_to_connect_at_all_is_no_audit(tmp_path, monkeypatch, capsys):
    """Through a proxy nobody listens on, pip-audit stops with a traceback and exit 1,
    its code for "vulnerabilities found", and writes no report: no audit was done."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.setenv(name, closed)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    pinned = tmp_path / "constraints.txt"
    pinned.write_text("Django==5.2.20\n")
    assert main([str(pinned)]) == NOT_RUN
    out = capsys.readouterr().out
    assert out.startswith("Audit NOT DONE: pip-audit failed (exit 1): ")
    assert "No package counts as audited." in out


def test_no_requirements_file_means_no_audit(tmp_path, capsys):
    assert main([str(tmp_path / "missing.txt")]) == NOT_RUN
    assert "Audit NOT DONE: the requirements could not be read" in capsys.readouterr().out
