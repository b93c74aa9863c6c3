"""Strict readers for settings from environment variables.

A bad value stops the process at start-up with the variable's name and what was
expected, rather than running with a setting nobody meant.
"""

import base64
import binascii
import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None or value.strip() == "" else value.strip()


def env_str(name: str, default: str | None = None) -> str:
    value = _raw(name)
    if value is not None:
        return value
    if default is None:
        raise ImproperlyConfigured(f"Set the environment variable {name}.")
    return default


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_keys(name: str, *, size: int = 32) -> list[str]:
    """Secret keys of `size` bytes in URL-safe base64 (Fernet keys), comma separated;
    none if unset. A bad one is named by its place in the list, never shown."""
    keys = env_list(name, default=[])
    for number, key in enumerate(keys, start=1):
        try:
            valid = len(base64.b64decode(key, altchars=b"-_", validate=True)) == size
        except (binascii.Error, ValueError):
            valid = False
        if not valid:
            raise ImproperlyConfigured(
                f"{name}: key {number} is not a key of {size} bytes in URL-safe base64. "
                'Make one with: python3 -c "import base64, os; '
                f'print(base64.urlsafe_b64encode(os.urandom({size})).decode())"'
            )
    return keys


def env_megabytes(name: str, default: float) -> int:
    """A size given in megabytes (1 MB = 1,048,576 bytes; "2.5" allowed), as bytes. It
    must be more than nothing: a limit of 0 would refuse every file."""
    value = _raw(name)
    if value is None:
        return round(default * 1024 * 1024)
    try:
        megabytes = float(value)
    except ValueError:
        megabytes = float("nan")
    if not 0 < megabytes < 1_000_000:  # NaN and infinity fail this too
        raise ImproperlyConfigured(
            f"{name} must be a number of megabytes greater than 0, such as 25, not {value!r}."
        )
    return round(megabytes * 1024 * 1024)
