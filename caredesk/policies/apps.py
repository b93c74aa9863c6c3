from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    """The policy for people: the standards page and its due-time calculator, and the
    `caredesk due` and `caredesk policy` commands."""

    name = "caredesk.policies"
    label = "policies"
