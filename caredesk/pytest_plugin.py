"""The test run's environment, loaded by pytest (`-p caredesk.pytest_plugin` in pyproject).

It must run before pytest-django reads the settings, which a conftest.py is too late for.
"""

import os

from hypothesis import HealthCheck, settings

# Pages need a secret key; production takes it from the environment, and so do tests.
os.environ.setdefault("CAREDESK_SECRET_KEY", "test-only-secret-key-" + "x" * 40)
# And so does the equality data key (a fixed Fernet key, for tests only).
os.environ.setdefault("CAREDESK_EQUALITY_KEY", "dGVzdC1vbmx5LWVxdWFsaXR5LWtleS0wMTIzNDU2Nzg=")

# 'default' while developing; CI sets HYPOTHESIS_PROFILE=ci for more examples, and
# HYPOTHESIS_PROFILE=thorough hunts for edge cases for several minutes.
settings.register_profile("default", deadline=None)
settings.register_profile(
    "ci", deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", deadline=None, max_examples=3000, suppress_health_check=list(HealthCheck)
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
