"""The engine editable templates run on: the tags and filters they may use, and limits on
their size and on the time and text that filling one in may take.

An administrator's wording is a Django template, but only a small part of the language:
the tags and filters listed here. Anything else (`debug`, `lorem`, `load`, `include`,
`now`, `url`, a filter that pads text to any width) is refused when the template is
saved, naming the tag or filter and its line, and again if an older saved template uses
one. Filling a template in stops with a clear reason once it passes
MAX_RENDER_SECONDS or writes more than MAX_OUTPUT_CHARS (a `{% for %}` nested inside
another over the same text can take for ever or fill the memory), and a template longer
than MAX_SOURCE_CHARS is not read at all.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.template import Context, Engine, Library, Node, NodeList, defaultfilters, defaulttags
from django.template.base import Lexer, Parser, Token, TokenType, filter_re
from django.template.defaulttags import ForNode
from django.utils.safestring import SafeString

from caredesk.errors import CaredeskError

MAX_SOURCE_CHARS = 20_000  # a long letter is about 5,000
MAX_OUTPUT_CHARS = 200_000  # about 50 pages of text
MAX_RENDER_SECONDS = 2.0

# Each allowed tag, and the words that close or divide it.
ALLOWED_TAGS: dict[str, tuple[str, ...]] = {
    "if": ("elif", "else", "endif"),
    "for": ("empty", "endfor"),
    "with": ("endwith",),
    "firstof": (),
    "comment": ("endcomment",),
}
# None of these makes text longer than its input and arguments (no padding to a width).
ALLOWED_FILTERS = frozenset(
    {
        "capfirst",
        "cut",
        "default",
        "default_if_none",
        "first",
        "last",
        "length",
        "lower",
        "pluralize",
        "title",
        "truncatechars",
        "truncatewords",
        "upper",
        "wordcount",
        "yesno",
    }
)
_WORDS = frozenset(word for tag, words in ALLOWED_TAGS.items() for word in (tag, *words))


class TemplateProblem(CaredeskError):
    """A template cannot be used: it does not parse, names a value that is not there,
    uses a tag or filter templates may not use, or is too long or too slow to fill in."""

    code = "template_invalid"


def source_check(source: str, *, name: str) -> None:
    """Refuse a template that is too long or uses a tag or filter not allowed, naming the
    first such tag or filter and its line."""
    if len(source) > MAX_SOURCE_CHARS:
        raise TemplateProblem(
            f"{name} is {len(source):,} characters long. A template can be at most "
            f"{MAX_SOURCE_CHARS:,} characters."
        )
    for token, words in _tags_and_filters(source):
        for kind, word in words:
            if kind == "tag" and word not in _WORDS:
                raise TemplateProblem(
                    f"{name} uses the tag {{% {word} %}} on line {token.lineno}. Templates "
                    f"can use only these tags: {', '.join(ALLOWED_TAGS)}."
                )
            if kind == "filter" and word not in ALLOWED_FILTERS:
                raise TemplateProblem(
                    f"{name} uses the filter |{word} on line {token.lineno}. Templates can "
                    f"use only these filters: {', '.join(sorted(ALLOWED_FILTERS))}."
                )


def _tags_and_filters(source: str) -> Iterator[tuple[Token, list[tuple[str, str]]]]:
    """Each tag and variable of the template with the tag and filter names in it, as
    Django reads them (what is inside {% comment %} is never run, so not looked at)."""
    in_comment = False
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            bits = token.split_contents()
            if not bits:
                continue
            if in_comment:
                in_comment = bits[0] != "endcomment"
                continue
            in_comment = bits[0] == "comment"
            words = [("tag", bits[0])]
            words += [("filter", f) for bit in bits[1:] for f in _filters(bit)]
            yield token, words
        elif token.token_type == TokenType.VAR and not in_comment:
            yield token, [("filter", f) for f in _filters(token.contents)]


def _filters(expression: str) -> list[str]:
    return [m["filter_name"] for m in filter_re.finditer(expression) if m["filter_name"]]


# -- rendering within limits ----------------------------------------------------------------


@dataclass
class _Budget:
    name: str
    deadline: float
    written: int = field(default=0)

    def charge(self, text: str) -> None:
        self.written += len(text)
        if self.written > MAX_OUTPUT_CHARS:
            raise TemplateProblem(
                f"{self.name} writes more than {MAX_OUTPUT_CHARS:,} characters when it is "
                "filled in: take out the loop that repeats it."
            )
        if time.monotonic() > self.deadline:
            raise TemplateProblem(
                f"{self.name} took more than {MAX_RENDER_SECONDS:g} seconds to fill in: take "
                "out the loops inside loops."
            )


class LimitedContext(Context):
    """A Context that carries the render's budget (what each loop turn charges)."""

    def __init__(self, values: dict[str, Any], *, name: str) -> None:
        super().__init__(values, autoescape=False)
        self.budget = _Budget(name, time.monotonic() + MAX_RENDER_SECONDS)


class _Metered(Node):
    """One node of a loop's body: charges what it writes, each time round, to the budget,
    so that a loop is stopped while it runs, not after it has filled the memory."""

    def __init__(self, inner: Node) -> None:
        self.inner = inner
        self.token = inner.token
        self.origin = getattr(inner, "origin", None)  # type: ignore[assignment]

    def render(self, context: Context) -> SafeString | str:
        text = str(self.inner.render_annotated(context))
        budget = getattr(context, "budget", None)
        if budget is not None:
            budget.charge(text)
        return text

    def render_annotated(self, context: Context) -> SafeString | str:
        return self.render(context)


def _metered_for(parser: Parser, token: Token) -> Node:
    node = defaulttags.do_for(parser, token)
    assert isinstance(node, ForNode)
    # Charged even when the body writes nothing: a loop of empty loops still takes time.
    empty_turn = _Metered(_Nothing())
    loop = NodeList([empty_turn])
    loop.extend(_Metered(n) for n in node.nodelist_loop if isinstance(n, Node))  # all are
    node.nodelist_loop = loop
    return node


class _Nothing(Node):
    def render(self, context: Context) -> str:
        return ""


@cache
def _library() -> Library:
    library = Library()
    for tag in ALLOWED_TAGS:
        library.tags[tag] = defaulttags.register.tags[tag]
    library.tags["for"] = _metered_for
    for name in ALLOWED_FILTERS:
        library.filters[name] = defaultfilters.register.filters[name]
    return library


@cache
def limited_engine(string_if_invalid: str) -> Engine:
    """An engine with no files, no libraries to load and only the allowed tags and
    filters: whatever the source says, nothing else exists for it."""
    engine = Engine(
        dirs=[],
        app_dirs=False,
        loaders=[],
        libraries={},
        autoescape=False,
        string_if_invalid=string_if_invalid,
    )
    engine.template_builtins = [_library()]
    return engine
