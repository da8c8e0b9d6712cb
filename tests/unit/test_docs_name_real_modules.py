"""The docs and the package maps name modules that exist, so they stay true as rooms move."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "rrec_pipeline"
DOCS = [ROOT / "ARCHITECTURE.md", ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# The registry's own scripts, which the README compares with: not ours (../shared).
NOT_OURS = {"verifyData.py", "s3-computeCredits.py"}
MODULE = re.compile(r"`([\w./-]+\.py)(?::[\w.]+)?`")
OUR_FILES = [p.relative_to(ROOT).as_posix() for p in ROOT.glob("**/*.py") if ".venv" not in p.parts]


def _exists(name: str) -> bool:
    return any(path == name or path.endswith("/" + name) for path in OUR_FILES)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_module_a_doc_names_exists(doc: Path) -> None:
    named = set(MODULE.findall(doc.read_text())) - NOT_OURS
    assert sorted(name for name in named if not _exists(name)) == []


@pytest.mark.parametrize(
    "package", sorted(p.parent for p in PACKAGE.glob("**/__init__.py")), ids=str
)
def test_every_module_a_package_map_names_is_in_that_package(package: Path) -> None:
    docstring = ast.get_docstring(ast.parse((package / "__init__.py").read_text())) or ""
    named = set(MODULE.findall(docstring))
    assert sorted(n for n in named if not (package / n).exists() and not _exists(n)) == []
