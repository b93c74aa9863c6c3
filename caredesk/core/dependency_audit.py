"""The dependency audit: pip-audit over the pinned constraints, read so that a package it
could not audit is never taken for a clean one.

    python3 bootstrap.py audit                  (or: python -m caredesk.core.dependency_audit
                                                  [constraints.txt])

pip-audit looks each pinned package up in an advisory service (PyPI's). One it cannot
look up it skips, and if every package is skipped (no network, say) it still prints "No
known vulnerabilities found" and exits 0. Here each package is either audited (with its
known vulnerabilities, if any) or NOT AUDITED with pip-audit's reason, and the result
says so:

    exit 0  every package audited, no known vulnerabilities
    exit 1  known vulnerabilities (whether or not every package was audited)
    exit 2  INCOMPLETE: some packages were not audited, none of the audited vulnerable
    exit 3  the audit did not run at all (pip-audit failed or gave no report)

No Django here: it runs before the application is configured, on any machine.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

PASSED, VULNERABLE, INCOMPLETE, NOT_RUN = 0, 1, 2, 3
DEFAULT_REQUIREMENTS = Path(__file__).resolve().parents[2] / "constraints.txt"
TIMEOUT_SECONDS = 600
_PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s;#]+)")


class AuditNotRun(Exception):
    """pip-audit did not give a report: the audit was not done."""


@dataclass(frozen=True)
class Vulnerability:
    id: str
    fixed_in: tuple[str, ...]


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    vulnerabilities: tuple[Vulnerability, ...] = ()
    not_audited_because: str | None = None  # None: audited

    @property
    def audited(self) -> bool:
        return self.not_audited_because is None


@dataclass(frozen=True)
class AuditResult:
    packages: tuple[Package, ...]

    @property
    def not_audited(self) -> list[Package]:
        return [p for p in self.packages if not p.audited]

    @property
    def vulnerable(self) -> list[Package]:
        return [p for p in self.packages if p.vulnerabilities]

    @property
    def exit_code(self) -> int:
        if self.vulnerable:
            return VULNERABLE
        if self.not_audited or not self.packages:
            return INCOMPLETE
        return PASSED


def normalised(name: str) -> str:
    """A package name as PyPI compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins_read(text: str) -> dict[str, str]:
    """{normalised name: version} of each `name==version` line of a requirements file."""
    pins = {}
    for line in text.splitlines():
        found = _PIN.match(line)
        if found:
            pins[normalised(found[1])] = found[2]
    return pins


def audit_read(report: str, pins: dict[str, str]) -> AuditResult:
    """pip-audit's JSON report (`--format json`) of the `pins`. A pinned package the
    report does not mention is not audited either."""
    try:
        dependencies = json.loads(report)["dependencies"]
    except (ValueError, KeyError, TypeError) as error:
        raise AuditNotRun(f"pip-audit's report could not be read ({error}).") from None
    packages: dict[str, Package] = {}
    for entry in dependencies:
        name = normalised(str(entry.get("name", "")))
        version = str(entry.get("version") or pins.get(name, "?"))
        skipped = entry.get("skip_reason")
        if skipped is not None:
            packages[name] = Package(name, version, not_audited_because=str(skipped))
            continue
        found = tuple(
            Vulnerability(str(v.get("id", "?")), tuple(str(f) for f in v.get("fix_versions", [])))
            for v in entry.get("vulns", [])
        )
        packages[name] = Package(name, version, found)
    for name, version in pins.items():
        if name not in packages:
            packages[name] = Package(
                name, version, not_audited_because="pip-audit said nothing of it"
            )
    return AuditResult(tuple(sorted(packages.values(), key=lambda p: p.name)))


def audit_words(result: AuditResult, *, source: str) -> list[str]:
    """The report for a person: each vulnerable package, each not audited, and a last
    line that never reads as a pass unless every package was audited."""
    total = len(result.packages)
    lines = [f"Dependency audit of {source} with pip-audit: {total} packages."]
    for package in result.vulnerable:
        for vulnerability in package.vulnerabilities:
            fixed = ", ".join(vulnerability.fixed_in) or "no fixed version yet"
            lines.append(
                f"VULNERABLE   {package.name} {package.version}: {vulnerability.id} "
                f"(fixed in {fixed})"
            )
    for package in result.not_audited:
        lines.append(
            f"NOT AUDITED  {package.name} {package.version}: {package.not_audited_because}"
        )
    missing = len(result.not_audited)
    if result.vulnerable:
        lines.append(f"Audit FAILED: known vulnerabilities in {len(result.vulnerable)} packages.")
    if missing or not total:
        lines.append(
            f"Audit INCOMPLETE: {missing} of {total} packages were NOT AUDITED, so this is "
            "not a pass. pip-audit could not look them up: can this machine reach the "
            "advisory service?"
        )
    elif not result.vulnerable:
        lines.append(f"Audit complete: all {total} packages audited, no known vulnerabilities.")
    return lines


def audit_run(requirements: Path, *, timeout: float = TIMEOUT_SECONDS) -> AuditResult:
    """Run pip-audit over the pinned `requirements`, as they are (no resolving, no pip),
    with a cache of its own so that nothing old is taken for an answer."""
    try:
        pins = pins_read(requirements.read_text(encoding="utf-8"))
    except OSError as error:
        raise AuditNotRun(f"the requirements could not be read: {error}.") from None
    with tempfile.TemporaryDirectory(prefix="caredesk-audit-") as cache:
        command = [
            sys.executable,
            "-m",
            "pip_audit",
            "--requirement",
            str(requirements),
            "--no-deps",
            "--disable-pip",
            "--format",
            "json",
            "--progress-spinner",
            "off",
            "--cache-dir",
            cache,
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise AuditNotRun(f"pip-audit could not run: {error}") from None
    # Exit 1 is "vulnerabilities found", but also a crash (an advisory service that
    # cannot be reached through a proxy): only a report on standard output counts.
    if done.returncode not in (0, 1) or not done.stdout.strip():
        said = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise AuditNotRun(f"pip-audit failed (exit {done.returncode}): {said[:500]}")
    return audit_read(done.stdout, pins)


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    requirements = Path(arguments[0]) if arguments else DEFAULT_REQUIREMENTS
    try:
        result = audit_run(requirements)
    except AuditNotRun as error:
        print(f"Audit NOT DONE: {error} No package counts as audited.")
        return NOT_RUN
    print("\n".join(audit_words(result, source=requirements.name)))
    return result.exit_code


if __name__ == "__main__":
    sys.exit(main())
