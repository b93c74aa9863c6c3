import os
import subprocess
import sys

import pytest


def start_wsgi(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CAREDESK_")}
    return subprocess.run(
        [sys.executable, "-c", "import caredesk.wsgi"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_web_server_refuses_to_start_in_production_without_a_secret_key():
    result = start_wsgi(CAREDESK_DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_a_short_secret_key_is_refused_in_production():
    result = start_wsgi(CAREDESK_DEBUG="false", CAREDESK_SECRET_KEY="too-short")
    assert result.returncode != 0
    assert "at least 40 characters" in result.stderr


@pytest.mark.parametrize("debug", ["false", "true"])
def test_the_web_server_starts_with_a_proper_secret_key(debug):
    result = start_wsgi(CAREDESK_DEBUG=debug, CAREDESK_SECRET_KEY="k" * 50)
    assert result.returncode == 0, result.stderr
