"""The house: the domain is plain Python, the Dagster layer sits on top, imports run one way.

Domain packages are ordered; a module may import its own package and lower
ones only. The Dagster layer (assets, resources, checks and the root modules
that assemble them) and the CLI may use the domain, never the reverse.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "rrec_pipeline"

# Lowest first: each may import only itself and what stands before it.
DOMAIN_LAYERS = (
    ("basics",),
    ("schemas",),
    ("verification_csv",),
    ("tables",),
    ("meter_reads",),
    ("credits",),
    ("validation",),
    ("registry",),
    ("issuance",),
    ("minting",),
    ("analysts", "run_summary", "demo"),
)
DAGSTER_LAYER = (
    "assets",
    "resources",
    "checks",
    "build",
    "definitions",
    "jobs",
    "partitions",
    "schedules",
    "sensors",
    "runs",
)
# CLI commands that must start without Dagster or network clients.
LIGHT_COMMANDS = ("cli", "cli.exits", "cli.validate", "cli.rules", "cli.credits")


def modules() -> dict[str, Path]:
    named = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        named[".".join(part for part in parts if part != "__init__")] = path
    return named


def top(module: str) -> str:
    return module.split(".")[0]


def imported(path: Path) -> set[str]:
    """`rrec_pipeline` modules a file imports, without the package prefix."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {n.removeprefix("rrec_pipeline.") for n in names if n.startswith("rrec_pipeline.")}


def layer_of(module: str) -> int | None:
    return next((i for i, layer in enumerate(DOMAIN_LAYERS) if top(module) in layer), None)


DOMAIN = sorted(m for m in modules() if m and layer_of(m) is not None)


@pytest.mark.parametrize("module", DOMAIN)
def test_domain_imports_only_its_own_and_lower_layers(module: str) -> None:
    level = layer_of(module)
    upward = [
        name
        for name in imported(modules()[module])
        if top(name) != top(module) and (layer_of(name) is None or layer_of(name) > level)
    ]
    assert upward == [], f"{module} imports up or into the Dagster layer: {upward}"


def test_every_module_is_placed_in_the_house() -> None:
    placed = {layer for layers in DOMAIN_LAYERS for layer in layers} | set(DAGSTER_LAYER)
    unplaced = sorted(m for m in modules() if m and top(m) not in placed | {"cli"})
    assert unplaced == []


def test_asset_checks_never_import_assets() -> None:
    offenders = {
        module: sorted(name for name in imported(path) if top(name) == "assets")
        for module, path in modules().items()
        if top(module) == "checks"
    }
    assert {m: names for m, names in offenders.items() if names} == {}


def test_domain_and_light_commands_import_without_dagster_or_network_clients() -> None:
    """In a fresh interpreter where `import dagster` (or requests, web3, git) fails."""
    targets = [f"rrec_pipeline.{m}" for m in (*DOMAIN, *LIGHT_COMMANDS)]
    script = (
        "import sys\n"
        "for blocked in ('dagster', 'requests', 'web3', 'urllib3', 'git', 'eth_account'):\n"
        "    sys.modules[blocked] = None\n"
        "import importlib\n"
        f"for name in {targets!r}:\n"
        "    importlib.import_module(name)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
