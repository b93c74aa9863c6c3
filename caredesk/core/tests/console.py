"""Running the installed `caredesk` console script as a person would, several at once."""

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

CAREDESK = Path(sys.executable).parent / "caredesk"


@dataclass(frozen=True)
class Run:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str


def user_environment(**extra: str) -> dict[str, str]:
    """A shell's environment with no caredesk or Django settings in it."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("CAREDESK_") and name != "DJANGO_SETTINGS_MODULE"
    }
    environment.update(extra)
    return environment


def run_all(invocations: dict[str, list[str]], cwd: Path, **extra_env: str) -> dict[str, Run]:
    """Run `caredesk ARGS` for each invocation in parallel; the results by name."""
    environment = user_environment(**extra_env)
    started = {
        name: subprocess.Popen(
            [str(CAREDESK), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment,
            cwd=cwd,
        )
        for name, args in invocations.items()
    }
    results = {}
    for name, process in started.items():
        stdout, stderr = process.communicate(timeout=120)
        results[name] = Run(tuple(invocations[name]), process.returncode, stdout, stderr)
    return results
