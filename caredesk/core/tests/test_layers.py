"""The layers of docs/architecture.md, as import-linter checks them in CI (`lint-imports`).

These tests show that the contracts in pyproject.toml bite: the real code keeps them,
and the same code with one forbidden import added breaks the contract it should.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from importlinter.adapters.building import GraphBuilder
from importlinter.application import use_cases
from importlinter.application.app_config import settings as linter_settings
from importlinter.configuration import configure

ROOT = Path(__file__).resolve().parents[3]
CAREDESK = ROOT / "caredesk"
LAYERS = "Each layer imports only the layers below it"
ENGINE = "The deadline engine is plain Python: no Django"
CYCLES = "No import cycle between the modules of a package"


class AddingImports(GraphBuilder):
    """The real import graph, plus the imports a test adds."""

    def __init__(self, extra: list[tuple[str, str]]) -> None:
        self.extra = extra

    def build(self, *args: Any, **kwargs: Any) -> Any:
        graph = super().build(*args, **kwargs)
        for importer, imported in self.extra:
            graph.add_import(
                importer=importer, imported=imported, line_number=1, line_contents="import x"
            )
        return graph


def broken_contracts(extra: list[tuple[str, str]]) -> set[str]:
    configure()
    linter_settings.configure(GRAPH_BUILDER=AddingImports(extra))
    use_cases._register_built_in_contract_types()  # as lint-imports does first
    options = use_cases.read_user_options(str(ROOT / "pyproject.toml"))
    report = use_cases.create_report(options, cache_dir=None)
    assert not report.could_not_run, report.invalid_contract_options
    return {
        contract.name for contract, check in report.get_contracts_and_checks() if not check.kept
    }


@pytest.fixture(scope="module")
def as_it_is() -> set[str]:
    return broken_contracts([])


def test_the_code_keeps_every_contract(as_it_is):
    assert as_it_is == set()


@pytest.mark.parametrize(
    ("importer", "imported", "contract"),
    [
        ("caredesk.cases.services", "caredesk.mail.services", LAYERS),  # a channel, from below
        ("caredesk.core.clock", "caredesk.staff.models", LAYERS),
        ("caredesk.notifications.services", "caredesk.api.problems", LAYERS),
        ("caredesk.standards.engine", "django.db", ENGINE),
        ("caredesk.cases.selectors", "caredesk.cases.views.case_page", CYCLES),
    ],
)
def test_a_forbidden_import_breaks_its_contract(importer, imported, contract):
    assert contract in broken_contracts([(importer, imported)])


def _imports_caredesk(node: ast.AST) -> bool:  # an import of one of our modules
    if isinstance(node, ast.ImportFrom):
        return (node.module or "").startswith("caredesk") or node.level > 0
    if isinstance(node, ast.Import):
        return any(alias.name.startswith("caredesk") for alias in node.names)
    return False


def _imports_by_name(node: ast.AST) -> bool:
    """A call of importlib's import_module that may import one of our modules (a name
    made at run time, or ours): an import a reader and import-linter both miss."""
    if not (isinstance(node, ast.Call) and ast.unparse(node.func).endswith("import_module")):
        return False
    name = node.args[0] if node.args else None
    library = isinstance(name, ast.Constant) and not str(name.value).startswith("caredesk")
    return not library


def test_no_function_level_import_of_our_own_modules_without_a_reason():
    """An import of one of our modules inside a function can hide a dependency, often a
    cycle: such imports go at the top of the module, where a reader sees them. The one
    exception is an import kept late on purpose (polars, only for the calls import's
    fast lane), which says so in a comment ("not at the top") just above it;
    import-linter sees it like any other, so it can hide no cycle."""
    found = []
    for path in CAREDESK.rglob("*.py"):
        if {"tests", "migrations"} & set(path.parts) or path.name in ("conftest.py",):
            continue
        source = path.read_text()
        lines = source.splitlines()
        tree = ast.parse(source, filename=str(path))
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                for node in ast.walk(function):
                    if not isinstance(node, ast.stmt | ast.expr):
                        continue
                    imports = isinstance(node, ast.Import | ast.ImportFrom) and _imports_caredesk(
                        node
                    )
                    if imports or _imports_by_name(node):
                        above = " ".join(lines[max(0, node.lineno - 4) : node.lineno - 1])
                        if "not at the top" not in above:
                            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []
