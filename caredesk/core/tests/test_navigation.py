"""The main menu (core.navigation): who sees which link, and which link is the page open."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse, set_script_prefix

from caredesk.conftest import People
from caredesk.core import navigation


def _menu(client: Client, path: str) -> list[tuple[str, str, bool]]:
    html = client.get(path).content.decode()
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', html, re.S)
    assert nav, "the page has no main menu"
    return [
        (href, re.sub(r"<[^>]+>", "", label), bool(current))
        for href, current, label in re.findall(
            r'<li><a href="([^"]+)"( aria-current="page")?>(.*?)</a></li>', nav.group(1), re.S
        )
    ]


def test_every_link_in_the_menu_goes_to_a_page_that_exists() -> None:
    for link in navigation.MENU:
        assert navigation.address(link.view) == reverse(link.view)


def test_an_officer_sees_the_work_links_and_not_the_managers_or_the_performance_teams(
    client: Client, people: People
) -> None:
    client.force_login(people.officer)
    labels = [label for _, label, _ in _menu(client, reverse("cases:overdue"))]
    assert labels[:7] == [
        "My work",
        "Team",
        "Office",
        "Overdue",
        "Log a contact",
        "Letters received",
        "Emails to review",
    ]
    assert "Search" in labels
    assert "Standards" in labels
    for hidden in ("Breaches and absences", "Performance", "Staff accounts", "Import calls"):
        assert hidden not in labels


def test_the_page_open_is_marked_current_and_only_that_one(client: Client, people: People) -> None:
    client.force_login(people.officer)
    menu = _menu(client, reverse("cases:overdue"))
    assert [label for _, label, current in menu if current] == ["Overdue"]
    menu = _menu(client, reverse("policies:standards"))
    assert [label for _, label, current in menu if current] == []  # Standards is never marked


def test_a_link_for_a_whole_app_is_current_on_any_of_its_pages(
    client: Client, people: People
) -> None:
    client.force_login(people.officer)
    menu = _menu(client, reverse("notifications:list"))
    assert [label for _, label, current in menu if current] == ["Notifications"]


def test_the_scrutiny_panel_sees_how_we_are_doing_and_not_the_full_performance_link(
    client: Client, people: People
) -> None:
    client.force_login(people.scrutiny_member)
    labels = [label for _, label, _ in _menu(client, reverse("reporting:scrutiny"))]
    assert "How we are doing" in labels
    assert "Performance" not in labels
    assert "My work" not in labels


def test_someone_who_sees_performance_is_not_shown_the_scrutiny_view_as_well() -> None:
    flags = {"can_see_performance": True, "can_see_scrutiny_figures": True}
    labels = [link.label for link, _ in navigation.menu_links(flags, None)]
    assert "Performance" in labels
    assert "How we are doing" not in labels


def test_the_unread_count_is_in_the_notifications_link_and_escaped() -> None:
    html = navigation.menu_html({}, None, unread=3)
    assert 'Notifications <span class="count">(3 unread)</span>' in html
    assert "(0 unread)" not in navigation.menu_html({}, None, unread=0)


@pytest.mark.parametrize("prefix", ["/", "/desk/"])
def test_addresses_follow_the_script_prefix_the_site_is_served_under(prefix: str) -> None:
    set_script_prefix(prefix)
    try:
        assert navigation.address("cases:overdue") == f"{prefix}overdue/"
    finally:
        set_script_prefix("/")
