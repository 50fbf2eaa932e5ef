"""The layers of the code (docs/architecture.md), read from the imports (ast, nothing runs):
the base apps (`grids`: the tree, roles, scopes and sections; `accounts`: users and notices)
import no domain app; the apps import each other without a cycle; and no module outside
migrations and tests grows past one idea (450 lines)."""

import ast
import itertools
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
BASE = ["accounts", "grids"]
DOMAINS = ["residents", "petitions", "visits", "assessment", "funding"]
APPS = BASE + DOMAINS
# A resident's page shows their appeals and visits (residents/history.py): the one place a
# lower domain reads higher ones. Listed so the test names it; remove it when it moves.
KNOWN_CYCLES = {("petitions", "residents"), ("residents", "visits")}
MAX_LINES = 450


def _modules(folder: str):
    for path in sorted((ROOT / folder).rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "migrations" not in parts and "tests" not in parts:
            yield path


def _imports(path: pathlib.Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def _graph() -> dict[str, dict[str, set[str]]]:
    """app → imported app → the modules that import it (lazy imports inside functions count)."""
    graph: dict[str, dict[str, set[str]]] = {app: {} for app in APPS}
    for app in APPS:
        for path in _modules(app):
            for other in _imports(path) & set(APPS) - {app}:
                graph[app].setdefault(other, set()).add(str(path.relative_to(ROOT)))
    return graph


def test_the_base_apps_import_no_domain_app():
    graph = _graph()
    for app in BASE:
        assert not set(graph[app]) & set(DOMAINS), {d: graph[app][d] for d in set(graph[app]) & set(DOMAINS)}


def test_accounts_sits_on_grids_and_grids_imports_nothing_of_accounts():
    assert "accounts" not in _graph()["grids"], _graph()["grids"].get("accounts")


def test_no_two_apps_import_each_other_but_the_known_pair():
    graph = _graph()
    cycles = {tuple(sorted((a, b))) for a, b in itertools.combinations(APPS, 2) if b in graph[a] and a in graph[b]}
    assert cycles == KNOWN_CYCLES, {c: (graph[c[0]][c[1]], graph[c[1]][c[0]]) for c in cycles - KNOWN_CYCLES}


def test_the_project_packages_library_modules_import_only_the_base_apps():
    # gridgov's URL conf, its cross-domain pages and the seeding orchestration may reach every app.
    glue = {"urls.py", "api_urls.py", "views.py", "settings.py", "middleware.py"}
    for path in _modules("gridgov"):
        if path.name in glue or "management" in path.parts:
            continue
        assert not _imports(path) & set(DOMAINS), path


def test_no_module_outside_migrations_and_tests_is_longer_than_450_lines():
    long = {}
    for folder in [*APPS, "gridgov"]:
        for path in _modules(folder):
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MAX_LINES:
                long[str(path.relative_to(ROOT))] = lines
    assert long == {}
