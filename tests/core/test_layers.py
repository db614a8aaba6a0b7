"""The packages' layering (README, Layout): a package imports only those below it, also inside functions."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Each application package and the packages it may import.
BELOW = {
    "core": set(),
    "procurement": {"core"},
    "providers": {"core"},
    "contracts": {"core", "procurement", "providers"},
    "trajectories": {"core", "procurement", "providers", "contracts"},
    "kpis": {"core", "procurement", "providers", "contracts", "trajectories"},
    "payments": {"core", "procurement", "providers", "contracts", "trajectories"},
    "budget": {"core", "procurement", "providers", "contracts", "trajectories", "payments", "kpis"},
    "reports": {"core", "procurement", "providers", "contracts", "trajectories", "payments", "kpis", "budget"},
}


def imported_packages(path: Path) -> set[tuple[int, str]]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {(node.lineno, alias.name.split(".")[0]) for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add((node.lineno, node.module.split(".")[0]))
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "__import__" and node.args \
                and isinstance(node.args[0], ast.Constant):
            found.add((node.lineno, str(node.args[0].value).split(".")[0]))
    return found


def test_every_application_package_has_a_place_in_the_layering():
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests", "benchmarks", "migrations"}
    assert packages == set(BELOW)


def test_no_package_imports_one_above_it_or_beside_it():
    wrong = []
    for package, allowed in BELOW.items():
        for path in (ROOT / package).rglob("*.py"):
            for line, name in imported_packages(path):
                if name in BELOW and name != package and name not in allowed:
                    wrong.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert wrong == []
