"""The policy this installation runs."""

from django.conf import settings

from caredesk.standards import Policy, load_policy


def active_policy() -> Policy:
    """The CAREDESK_POLICY setting's policy: a shipped name or a policy file."""
    return load_policy(settings.CAREDESK_POLICY)
