"""The case page's panels (cases.panels): the apps above cases add theirs, in order."""

import pytest
from django.http import HttpRequest

from caredesk.cases import panels
from caredesk.cases.models import Case
from caredesk.cases.panels import CasePanel, case_panel_register, case_panels, case_panels_shown


def _says(word):
    def context(*, case, request):
        return {"word": word, "case": case}

    return context


@pytest.fixture
def no_panels(monkeypatch):
    monkeypatch.setattr(panels, "_panels", {})


def test_the_installed_apps_register_mail_then_documents():
    keys = [panel.key for panel in case_panels()]
    assert keys.index("mail.emails") < keys.index("documents.letters")


def test_panels_come_in_order_of_position_whatever_the_order_they_register(no_panels):
    case_panel_register(CasePanel("b.late", 30, "b.html", _says("late")))
    case_panel_register(CasePanel("a.early", 10, "a.html", _says("early")))
    case_panel_register(CasePanel("c.same", 10, "c.html", _says("same")))
    assert [panel.key for panel in case_panels()] == ["a.early", "c.same", "b.late"]


def test_registering_a_key_again_replaces_its_panel(no_panels):
    case_panel_register(CasePanel("a.one", 10, "old.html", _says("old")))
    case_panel_register(CasePanel("a.one", 10, "new.html", _says("new")))
    assert [panel.template for panel in case_panels()] == ["new.html"]


def test_each_shown_panel_has_its_template_and_what_it_says_of_the_case(no_panels):
    case_panel_register(CasePanel("a.one", 10, "one.html", _says("hello")))
    case = Case(reference="HHT-1")
    (shown,) = case_panels_shown(case=case, request=HttpRequest())
    assert (shown.template, dict(shown.context)) == ("one.html", {"word": "hello", "case": case})
