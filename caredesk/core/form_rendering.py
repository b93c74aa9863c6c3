"""How form fields are drawn: Django's form renderer, with Jinja2 templates.

Every field on the desk is drawn the GOV.UK way (label or legend, hint, error, control)
by one template, core/jinja2/core/field.html: `{{ field.as_field_group }}` in a page, or
`{% include "core/field.html" %}`, which does the same; `{{ form }}` draws all of a
form's fields so (core/jinja2/core/form.html). The controls themselves are Django's own
widget templates, in their Jinja2 versions (django/forms/jinja2).

Why Jinja2 here and nowhere else: a field is drawn through two or three templates, and
a page such as the case page draws fifteen fields in its actions. Through the Django
template engine that took about 10 ms of the page; through Jinja2 (compiled to Python)
about 2 ms (benchmarks/case_page.py, BENCHMARKS.md). The pages themselves stay Django
templates.
"""

from __future__ import annotations

from django.forms.renderers import Jinja2


class DeskFormRenderer(Jinja2):
    form_template_name = "core/form.html"
    field_template_name = "core/field.html"
