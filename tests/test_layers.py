"""The layering of the code, read from its imports (module level and inside functions).

    kernel → organizations → members → activities → pairing → portal → bench

A package may import the ones left of it, never one right of it: the kernel imports no app, no
app imports portal (the project shell and the street's oversight pages), and no two apps import
each other. Tests and migrations are exempt (a migration may name any app's models).

KNOWN_UPWARD lists the imports that still go the wrong way, each with the reason it is still
there. The list may only shrink: a new wrong-way import fails, and so does an entry that no
longer exists (remove it).
"""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["kernel", "organizations", "members", "activities", "pairing", "portal", "bench"]
RANK = {name: rank for rank, name in enumerate(LAYERS)}

# (importing module, imported package): why it still points upward.
KNOWN_UPWARD = {}


def modules():
    for package in LAYERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or "tests" in relative.parts:
                continue
            name = ".".join(relative.with_suffix("").parts)
            yield name.removesuffix(".__init__"), path


def imported_packages(path):
    """Every top-level package `path` imports, at module level or inside a function."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


def upward_imports():
    found = set()
    for module, path in modules():
        own = module.split(".")[0]
        for package in imported_packages(path):
            if package in RANK and RANK[package] > RANK[own]:
                found.add((module, package))
    return found


def test_no_package_imports_a_higher_one():
    new = sorted(upward_imports() - KNOWN_UPWARD.keys())
    assert not new, "imports against the layering " + " → ".join(LAYERS) + ": " + ", ".join(
        f"{module} → {package}" for module, package in new)


def test_the_known_exceptions_only_shrink():
    gone = sorted(KNOWN_UPWARD.keys() - upward_imports())
    assert not gone, f"no longer imported, remove from KNOWN_UPWARD: {gone}"


def test_the_kernel_and_the_apps_never_import_portal():
    offenders = sorted(module for module, package in upward_imports() if package == "portal")
    assert not offenders


def test_the_reader_sees_imports_inside_functions(tmp_path):
    source = tmp_path / "sample.py"
    source.write_text("import os\n\ndef f():\n"
                      "    from portal.demo import X\n    import members.models\n")
    assert set(imported_packages(source)) == {"os", "portal", "members"}


def test_the_rules_cited_in_the_code_are_in_the_repository():
    cited = [f"{path.relative_to(ROOT)}" for _module, path in modules()
             if "RULES.md" in path.read_text(encoding="utf-8")]
    assert cited and (ROOT / "docs" / "RULES.md").exists()
    assert all("docs/RULES.md" in (ROOT / path).read_text(encoding="utf-8") for path in cited)
