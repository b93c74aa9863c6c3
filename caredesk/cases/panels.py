"""Panels that other apps add to the case page: the case page's one extension point.

The case page (cases.views.case_page) shows what cases knows (the deadlines, the
contacts, the timeline) and, after the contacts, every panel registered here, in order
of `position`. An app above cases that has something to show about a case (mail its
emails, documents its letters; complaints, visits and privacy next) is never imported
by cases: it declares its panel in its own `panels.py` and registers it from its
AppConfig.ready(), like this:

    # caredesk/documents/panels.py
    LETTERS = CasePanel(
        key="documents.letters",
        position=20,
        template="documents/case_letters.html",
        context=case_letters_panel,  # documents.selectors: what the template shows
    )

    # caredesk/documents/apps.py
    class DocumentsConfig(AppConfig):
        def ready(self) -> None:
            # panels.py reads the models: imported once they are loaded (as Django
            # imports an app's signals), so at ready() rather than at the top.
            panels = import_module(f"{self.name}.panels")
            case_panel_register(panels.LETTERS)

`context(case=..., request=...)` returns what the panel's template shows. The template
reads it as `panel` ({{ panel.letters }}), beside the page's own context (`case`,
`policy`, `now`, the `can_*` permissions), so two panels never clash over a name.

The page's budget (DESIGN: a fixed, small number of queries whatever the case's
history) holds only if each panel's does too: return querysets with select_related and
prefetch_related, left lazy for the template, never a query per row
(cases/tests/test_case_page_queries.py counts them).

This module imports no models at run time, so an AppConfig module may import it.

Positions so far: 10 mail (emails, letters received), 20 documents (letters written).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from django.http import HttpRequest

    from caredesk.cases.models import Case


class PanelContext(Protocol):
    """What a panel shows of a case (querysets left lazy: the template reads them)."""

    def __call__(self, *, case: Case, request: HttpRequest) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class CasePanel:
    key: str  # "<app>.<what>", unique: registering the same key again replaces the panel
    position: int  # where it goes on the page, among the others: the lower, the higher up
    template: str  # its template, which sees `panel` (what `context` returned)
    context: PanelContext
    title: str = ""  # its heading, shown while it loads ("Emails"): see case_panels_shown


@dataclass(frozen=True)
class ShownPanel:
    template: str
    context: Mapping[str, Any]
    key: str = ""
    title: str = ""
    lazy: bool = False  # loaded after the page (htmx), or by a link without JavaScript

    @property
    def anchor(self) -> str:
        """Its id on the page: panel-mail-emails."""
        return panel_anchor(self.key)


def panel_anchor(key: str) -> str:
    return "panel-" + key.replace(".", "-").replace("_", "-")


_panels: dict[str, CasePanel] = {}


def case_panel_register(panel: CasePanel) -> None:
    """Show `panel` on every case page (call it from the app's AppConfig.ready())."""
    _panels[panel.key] = panel


def case_panels() -> list[CasePanel]:
    """The registered panels in the order the page shows them (position, then key)."""
    return sorted(_panels.values(), key=lambda panel: (panel.position, panel.key))


def case_panels_shown(*, case: Case, request: HttpRequest, lazy: bool = False) -> list[ShownPanel]:
    """Each panel's template and what it shows of `case`, in order, for the page.

    `lazy`: no panel is read; the page shows each panel's heading, loads the panel after
    it (htmx: cases:panel) and, without JavaScript, links to the page with the panels
    in it (?panels=all). The case page's query budget (DESIGN: at most 10, whatever
    the history) leaves no room for the panels' own queries."""
    return [
        ShownPanel(panel.template, {}, panel.key, panel.title, lazy=True)
        if lazy
        else ShownPanel(
            panel.template, panel.context(case=case, request=request), panel.key, panel.title
        )
        for panel in case_panels()
    ]


def case_panel_get(key: str) -> CasePanel | None:
    """The registered panel with this key, if there is one."""
    return _panels.get(key)
