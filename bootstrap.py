#!/usr/bin/env python3
"""Set up caredesk in ./.venv and run it.

    python3 bootstrap.py demo [--policy halton|stonewall] [--port 8000] [--fresh]
                                              install, build the SQLite demo, serve it
    python3 bootstrap.py test [PYTEST ARGS]   install, run the whole test suite
    python3 bootstrap.py install              install only
    python3 bootstrap.py audit                install, audit the pinned dependencies
                                              (pip-audit; exit 0 only if every package
                                              was audited and none is vulnerable)
    python3 bootstrap.py lock                 re-resolve constraints.txt from pyproject.toml

Needs nothing but Python 3.11+ (standard library only). Every step is idempotent: the
install is skipped when pyproject.toml, constraints.txt and the Python version are
unchanged since the last one.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
PYTHON = BIN / "python"
STAMP = VENV / ".caredesk-install-stamp"
CONSTRAINTS = ROOT / "constraints.txt"
DEBIAN_PACKAGES = ROOT / "debian-packages.txt"
VAR = ROOT / "var"


def say(message: str) -> None:
    print(f"caredesk: {message}", flush=True)


def run(*command: str | Path, **kwargs: object) -> None:
    subprocess.run([str(part) for part in command], check=True, **kwargs)  # type: ignore[call-overload]


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def install_debian_packages(*, for_tests: bool) -> None:
    """Install the Debian packages listed in debian-packages.txt that are missing.

    A line is a package name, then optionally `test` when only the tests need it (so the
    demo does not pull in a browser).
    """
    if not DEBIAN_PACKAGES.exists() or not shutil.which("dpkg-query"):
        return
    wanted = []
    for line in DEBIAN_PACKAGES.read_text().splitlines():
        words = line.split("#", 1)[0].split()
        if words and (for_tests or "test" not in words[1:]):
            wanted.append(words[0])
    missing = [name for name in wanted if not _debian_package_installed(name)]
    if not missing:
        return
    if is_root():
        apt = ["apt-get"]
    elif shutil.which("sudo"):
        apt = ["sudo", "-n", "apt-get"]
    else:
        say(f"please install these Debian packages first: {' '.join(missing)}")
        sys.exit(1)
    say(f"installing Debian packages: {' '.join(missing)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run(*apt, "update", "-q", env=env)
    run(*apt, "install", "-y", "-q", "--no-install-recommends", *missing, env=env)


def _debian_package_installed(name: str) -> bool:
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", name], capture_output=True, text=True
    )
    return result.returncode == 0 and "install ok installed" in result.stdout


def create_venv() -> None:
    if PYTHON.exists():
        return
    say(f"creating {VENV.relative_to(ROOT)}")
    if subprocess.run([sys.executable, "-m", "venv", str(VENV)]).returncode == 0:
        return
    # Debian ships ensurepip separately (python3-venv). Install it as root; otherwise
    # make the venv without pip and bring pip in from its wheel on PyPI.
    shutil.rmtree(VENV, ignore_errors=True)
    if is_root() and shutil.which("apt-get"):
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        run("apt-get", "install", "-y", "-q", f"python{version}-venv")
        run(sys.executable, "-m", "venv", VENV)
        return
    run(sys.executable, "-m", "venv", "--without-pip", VENV)
    _bootstrap_pip_from_pypi()


def _bootstrap_pip_from_pypi() -> None:
    say("python3-venv is not installed: fetching pip from PyPI instead")
    with urllib.request.urlopen("https://pypi.org/pypi/pip/json", timeout=60) as response:
        release = json.load(response)
        address = response.geturl()
    wheel = next(f for f in release["urls"] if f["packagetype"] == "bdist_wheel")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / wheel["filename"]
        # Mirrors may give the wheel's address relative to the JSON's.
        wheel_address = urllib.parse.urljoin(address, wheel["url"])
        with urllib.request.urlopen(wheel_address, timeout=120) as response:
            path.write_bytes(response.read())
        if hashlib.sha256(path.read_bytes()).hexdigest() != wheel["digests"]["sha256"]:
            raise SystemExit("caredesk: the pip wheel from PyPI failed its checksum")
        zipfile.ZipFile(path)  # a corrupt download fails here, not inside pip
        run(PYTHON, f"{path}/pip", "install", "--quiet", "pip")


def install_fingerprint() -> str:
    digest = hashlib.sha256(sys.version.encode())
    for path in (ROOT / "pyproject.toml", CONSTRAINTS):
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()


def install(*, for_tests: bool = False) -> None:
    install_debian_packages(for_tests=for_tests)
    create_venv()
    fingerprint = install_fingerprint()
    if STAMP.exists() and STAMP.read_text() == fingerprint:
        return
    say("installing caredesk and its dependencies into .venv")
    pip: list[str | Path] = [PYTHON, "-m", "pip", "install", "--quiet"]
    run(*pip, "--upgrade", "pip")
    constraints: list[str | Path] = ["--constraint", CONSTRAINTS] if CONSTRAINTS.exists() else []
    run(*pip, *constraints, "--editable", f"{ROOT}[dev]")
    STAMP.write_text(fingerprint)


def lock() -> None:
    """Resolve pyproject.toml afresh in a scratch venv and record exact versions."""
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder) / "venv"
        run(sys.executable, "-m", "venv", scratch)
        run(scratch / "bin/python", "-m", "pip", "install", "--quiet", f"{ROOT}[dev]")
        frozen = subprocess.run(
            [scratch / "bin/python", "-m", "pip", "freeze", "--exclude", "caredesk"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    header = "# Exact versions for CI and the demo. Regenerate: python3 bootstrap.py lock\n"
    CONSTRAINTS.write_text(header + frozen)
    say(f"wrote {CONSTRAINTS.name}")


def demo(arguments: list[str]) -> None:
    """Migrate var/demo.sqlite3, then run `caredesk demo` with the arguments given
    (--policy halton|stonewall, --port N, --fresh, --seed N): it builds the demo landlord
    if the database does not have it yet, prints sign-in details, prints the line
    `caredesk: ready: http://127.0.0.1:PORT/` and serves."""
    VAR.mkdir(exist_ok=True)
    # The demo runs as production does (DEBUG off: the real error pages, static files
    # through WhiteNoise), with its own keys, made once and kept in var/.
    secret_key = _demo_secret("demo-secret-key", lambda: secrets.token_urlsafe(50))
    equality_key = _demo_secret(
        "demo-equality-key", lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    )
    env = {
        **os.environ,
        "CAREDESK_DEBUG": "false",
        "CAREDESK_SECRET_KEY": secret_key,
        "CAREDESK_EQUALITY_KEY": equality_key,
        # Served over plain HTTP on 127.0.0.1: cookies without the Secure flag, no HSTS.
        "CAREDESK_SECURE_COOKIES": "false",
        "CAREDESK_HSTS_SECONDS": "0",
        "CAREDESK_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CAREDESK_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "DATABASE_URL": f"sqlite:///{VAR / 'demo.sqlite3'}",
    }
    caredesk = str(BIN / "caredesk")
    run(caredesk, "migrate", "--no-input", "--verbosity", "0", env=env)
    os.execve(caredesk, [caredesk, "demo", *arguments], env)


def _demo_secret(name: str, make: Callable[[], str]) -> str:
    """A key kept in var/<name>, readable by its owner only; made the first time."""
    path = VAR / name
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def test(arguments: list[str]) -> None:
    """pytest, on two processes (pytest-xdist) unless the arguments say how many."""
    pytest = str(BIN / "pytest")
    chosen = any(a == "-n" or a.startswith(("-n", "--numprocesses")) for a in arguments)
    workers = [] if chosen else ["-n", "2"]
    os.execv(pytest, [pytest, *workers, *arguments])


def main() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 (this file runs under any python3)
        raise SystemExit("caredesk needs Python 3.11 or newer")
    command, arguments = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("", [])
    os.chdir(ROOT)
    if command == "lock":
        lock()
    elif command == "audit":
        install()
        audit = [str(PYTHON), "-m", "caredesk.core.dependency_audit", str(CONSTRAINTS)]
        os.execv(PYTHON, audit)
    elif command in {"install", "demo", "test"}:
        install(for_tests=command != "demo")
        if command == "demo":
            demo(arguments)
        elif command == "test":
            test(arguments)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
