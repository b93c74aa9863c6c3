from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo landlord (`caredesk demo`): offices, staff, customers and a year of cases."""

    name = "caredesk.demo"
    label = "demo"
