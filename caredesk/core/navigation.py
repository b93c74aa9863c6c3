"""The desk's main menu: which links a signed-in person sees, and which is the page open.

Every desk page draws this menu. Drawn by the template engine, a link apiece was a
`{% url %}` and three lookups to decide `aria-current`: about a fifth of a page with
nothing else on it. Here it is one pass in Python over a table, and each address is
reversed once per process (`address`).

A link shows when every flag in `needs` is true in the page's context (the flags come
from staff.context_processors) and none in `hidden_by` is; it is the page open
(`aria-current="page"`) when the request was resolved to one of its `url_names`, or to
any page of its `app_name`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.urls import get_script_prefix, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class MenuLink:
    view: str
    label: str
    needs: tuple[str, ...] = ()
    hidden_by: tuple[str, ...] = ()
    url_names: frozenset[str] = frozenset()
    app_name: str = ""


def _link(
    view: str,
    label: str,
    *needs: str,
    hidden_by: tuple[str, ...] = (),
    url_names: tuple[str, ...] | None = None,
    app_name: str = "",
) -> MenuLink:
    """A link, open when the page is `view` itself unless `url_names` or `app_name` say."""
    if url_names is None:
        url_names = () if app_name else (view.rsplit(":", 1)[-1],)
    return MenuLink(view, label, needs, hidden_by, frozenset(url_names), app_name)


MENU: tuple[MenuLink, ...] = (
    _link("cases:my_work", "My work", "can_read_cases"),
    _link("cases:team_queue", "Team", "can_read_cases"),
    _link("cases:office_queue", "Office", "can_read_cases"),
    _link("cases:overdue", "Overdue", "can_read_cases"),
    _link("cases:log_contact", "Log a contact", "can_work_cases"),
    _link("mail:letters", "Letters received", "can_work_cases"),
    _link("mail:review", "Emails to review", "can_work_cases"),
    _link(
        "visits:reception_choose",
        "Reception",
        "can_work_cases",
        url_names=("reception_choose", "reception", "seen"),
    ),
    _link("search:search", "Search", "can_read_cases", app_name="search"),
    _link("cases:manager", "Breaches and absences", "can_manage_teams"),
    _link("reporting:dashboard", "Performance", "can_see_performance", app_name="reporting"),
    _link(
        "reporting:scrutiny",
        "How we are doing",
        "can_see_scrutiny_figures",
        hidden_by=("can_see_performance",),
    ),
    _link(
        "reporting:equality",
        "Equality monitoring",
        "can_see_equality_monitoring",
        hidden_by=("can_see_performance",),
    ),
    _link("telephony:figures", "Call figures", "can_see_performance"),
    _link("telephony:import", "Import calls", "can_import_calls"),
    _link(
        "documents:templates",
        "Templates",
        "can_edit_templates",
        url_names=("templates", "template"),
    ),
    _link(
        "complaints:annual_reports",
        "Complaints report",
        "can_manage_complaints",
        url_names=(
            "annual_reports",
            "annual_report",
            "annual_provision",
            "annual_learning",
            "annual_response",
        ),
    ),
    _link("privacy:requests", "Data protection", "can_manage_privacy", app_name="privacy"),
    _link(
        "privacy:breaches",
        "Data breaches",
        "can_manage_privacy",
        url_names=("breaches", "breach", "breach_report"),
    ),
    _link("staff:absences", "Absences", "can_record_absences"),
    _link("visits:offices", "Offices", "can_manage_offices", url_names=("offices", "office")),
    _link("notifications:list", "Notifications", app_name="notifications"),
    _link("policies:standards", "Standards", url_names=()),
    _link(
        "staff:accounts", "Staff accounts", "can_manage_accounts", url_names=("accounts", "account")
    ),
)


def address(view: str) -> str:
    """The address of a page that takes no arguments, reversed once per process (and per
    script prefix: the site may be served under a path)."""
    return _address(view, get_script_prefix())


@lru_cache(maxsize=256)
def _address(view: str, prefix: str) -> str:
    return reverse(view)


def _is_open(link: MenuLink, resolved: Any) -> bool:
    if resolved is None:
        return False
    if link.app_name:
        return bool(resolved.app_name == link.app_name)
    return resolved.url_name in link.url_names


def menu_links(flags: Mapping[str, Any], resolved: Any) -> list[tuple[MenuLink, bool]]:
    """The links this person sees, each with whether it is the page open."""
    return [
        (link, _is_open(link, resolved))
        for link in MENU
        if all(flags.get(flag) for flag in link.needs)
        and not any(flags.get(flag) for flag in link.hidden_by)
    ]


def menu_html(flags: Mapping[str, Any], resolved: Any, unread: int) -> SafeString:
    """The menu's list items."""
    current = mark_safe(' aria-current="page"')
    items = []
    for link, is_open in menu_links(flags, resolved):
        label: Any = link.label
        if link.view == "notifications:list" and unread:
            label = format_html('{} <span class="count">({} unread)</span>', label, unread)
        items.append((address(link.view), current if is_open else "", label))
    return format_html_join("\n", '<li><a href="{}"{}>{}</a></li>', items)
