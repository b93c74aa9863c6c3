"""The standards page: the policy's promises, and a calculator for when something is due."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
import time_machine

from caredesk.standards import load_policy

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    content: list["Element | str"] = field(default_factory=list)  # in document order

    @property
    def children(self) -> list["Element"]:
        return [item for item in self.content if isinstance(item, Element)]

    @property
    def text(self) -> str:
        """All text inside, in order, with whitespace collapsed."""
        parts = [item if isinstance(item, str) else item.text for item in self.content]
        return " ".join(" ".join(parts).split())

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def find_all(self, tag: str | None = None, **attrs: str) -> list["Element"]:
        def matches(element: Element) -> bool:
            if tag and element.tag != tag:
                return False
            for name, value in attrs.items():
                name = name.rstrip("_")
                if name == "class":
                    if value not in element.attrs.get("class", "").split():
                        return False
                elif element.attrs.get(name) != value:
                    return False
            return True

        return [element for element in self.walk() if matches(element)]

    def find(self, tag: str | None = None, **attrs: str) -> "Element":
        found = self.find_all(tag, **attrs)
        assert len(found) == 1, f"expected one <{tag} {attrs}>, found {len(found)}"
        return found[0]


class TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].content.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].content.append(data)


def parse(html: str) -> Element:
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def page(client, **query: str) -> tuple[int, Element, str]:
    response = client.get("/standards/", query)
    html = response.content.decode()
    return response.status_code, parse(html), html


def assert_error_shown(document: Element, field: str, message: str) -> None:
    """The message is in the error summary, linked to the field, and next to the field."""
    summary = document.find("div", class_="error-summary")
    links = summary.find_all("a", href=f"#id_{field}")
    assert [link.text for link in links] == [message]
    control = document.find(id=f"id_{field}")
    assert control.attrs.get("aria-invalid") == "true"
    wrapper = next(div for div in document.find_all("div", class_="field") if control in div.walk())
    assert "field--error" in wrapper.attrs["class"].split()
    # next to the field, and read out with it: an element the control is described by
    described_by = [
        element
        for reference in control.attrs.get("aria-describedby", "").split()
        for element in wrapper.find_all(id=reference)
    ]
    assert any(element.text.endswith(message) for element in described_by), [
        element.text for element in described_by
    ]


# -- the page itself -----------------------------------------------------------------------


def test_the_page_is_in_british_english_with_one_h1_and_a_skip_link(client):
    status, document, _ = page(client)
    assert status == 200
    assert document.find("html").attrs["lang"] == "en-GB"
    assert [h1.text for h1 in document.find_all("h1")] == ["Service standards"]
    first_link = document.find_all("a")[0]
    assert first_link.attrs["href"] == "#main"
    assert first_link.text == "Skip to main content"
    assert document.find(id="main").tag == "main"


def test_the_page_lists_every_halton_standard(client):
    status, document, _ = page(client)
    assert status == 200
    policy = load_policy("halton")
    for standard in policy.standards:
        row = document.find("tr", id=f"standard-{standard.key}")
        assert standard.name in row.text
        assert standard.clause.section in row.text
    assert len(document.find("tbody").find_all("tr")) == len(policy.standards)
    assert "Halton Housing Trust" in document.find("title").text


def test_the_page_shows_office_hours_and_their_assumption(client):
    _, document, _ = page(client)
    section = document.find("section", **{"aria-labelledby": "hours-heading"})
    assert "Monday to Friday: 09:00-17:00" in section.text
    assert "Closed on bank holidays (England and Wales)" in section.text
    assert "Assumption:" in section.text


def test_the_page_lists_stonewalls_standards_when_it_is_the_active_policy(client, settings):
    settings.CAREDESK_POLICY = "stonewall"
    status, document, _ = page(client)
    assert status == 200
    policy = load_policy("stonewall")
    for standard in policy.standards:
        assert standard.name in document.find("tr", id=f"standard-{standard.key}").text
    assert not document.find_all("tr", id="standard-letter_email_response")  # Halton's
    hours = document.find("section", **{"aria-labelledby": "hours-heading"}).text
    assert "Monday to Friday: 09:30-13:00 and 14:00-17:30" in hours


def test_the_standard_choices_are_the_deadline_standards(client):
    _, document, _ = page(client)
    options = [option.attrs["value"] for option in document.find("select").find_all("option")]
    keys = [s.key for s in load_policy("halton").deadline_standards()]
    assert options == ["", *keys]
    assert "out_of_office_email" not in options  # a threshold, not a deadline


def test_an_empty_form_shows_no_errors_and_no_answer(client):
    _, document, _ = page(client)
    assert not document.find_all(class_="error-summary")
    assert not document.find_all(class_="error-message")
    assert not document.find_all(class_="answer")


# -- the calculator -------------------------------------------------------------------------


def test_a_standard_and_a_received_time_give_the_due_time(client):
    status, document, _ = page(
        client, standard="letter_email_response", received="2025-12-19T16:59"
    )
    assert status == 200
    answer = document.find("div", class_="answer")
    assert "Received Friday 19 December 2025, 16:59" in answer.text
    assert "Due by Wednesday 7 January 2026, 17:00" in answer.text
    assert answer.find("time").attrs["datetime"] == "2026-01-07T17:00:00+00:00"
    assert not document.find_all(class_="error-summary")


def test_a_duration_and_a_received_time_give_the_due_time(client, settings):
    settings.CAREDESK_POLICY = "stonewall"
    status, document, _ = page(client, duration="2 working days", received="2025-05-23T15:00")
    assert status == 200
    answer = document.find("div", class_="answer")
    assert "Due by Wednesday 28 May 2025, 17:30" in answer.text
    assert answer.find("time").attrs["datetime"] == "2025-05-28T17:30:00+01:00"


def test_a_bad_duration_is_shown_next_to_the_field_and_in_the_summary(client):
    status, document, _ = page(client, duration="10 workdays", received="2025-12-19T16:59")
    assert status == 200
    assert_error_shown(
        document, "duration", "'10 workdays' is ambiguous: say 'working days' or 'calendar days'."
    )
    assert not document.find_all(class_="answer")
    assert document.find("input", id="id_duration").attrs["value"] == "10 workdays"


def test_a_standard_and_a_duration_together_are_an_error(client):
    status, document, _ = page(
        client,
        standard="letter_email_response",
        duration="10 working days",
        received="2025-12-19T16:59",
    )
    assert status == 200
    assert_error_shown(document, "standard", "Choose a standard or type a duration, not both.")
    assert not document.find_all(class_="answer")


def test_neither_a_standard_nor_a_duration_is_an_error(client):
    status, document, _ = page(client, received="2025-12-19T16:59")
    assert status == 200
    assert document.find_all("div", class_="error-summary")
    assert not document.find_all(class_="answer")


def test_a_missing_received_time_is_an_error(client):
    status, document, _ = page(client, standard="letter_email_response")
    assert status == 200
    assert_error_shown(document, "received", "Enter when it was received")


def test_a_threshold_standard_cannot_be_chosen(client):
    status, document, _ = page(client, standard="out_of_office_email", received="2025-12-19T16:59")
    assert status == 200
    assert document.find_all("div", class_="error-summary")
    assert not document.find_all(class_="answer")


@pytest.mark.parametrize(
    ("duration", "received"),
    [
        ("2 working days", "1850-01-01T10:00"),
        ("9999999 months", "2025-12-19T16:59"),
        ("1 hour", "9999-12-31T23:59"),
    ],
)
def test_a_time_beyond_the_calendar_is_an_error_on_the_page(client, duration, received):
    client.raise_request_exception = False
    status, document, _ = page(client, duration=duration, received=received)
    assert status == 200
    assert document.find_all("div", class_="error-summary")


def test_every_aria_describedby_points_at_an_element_on_the_page(client):
    # a screen reader reads the hint and the error with the field only if the ids match
    _, document, _ = page(client, duration="10 workdays", received="2025-12-19T16:59")
    ids = {element.attrs["id"] for element in document.walk() if "id" in element.attrs}
    dangling = [
        (element.attrs.get("id"), reference)
        for element in document.walk()
        for reference in element.attrs.get("aria-describedby", "").split()
        if reference not in ids
    ]
    assert dangling == []


def test_the_received_time_starts_as_now_in_office_time(client):
    # 14:05 UTC on 1 July is 15:05 in London
    with time_machine.travel(datetime(2025, 7, 1, 14, 5, 33, tzinfo=UTC), tick=False):
        response = client.get("/standards/")
    assert 'value="2025-07-01T15:05"' in response.content.decode()
