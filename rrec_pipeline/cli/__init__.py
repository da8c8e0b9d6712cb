"""The `rrec` command line: validate, rules, credits, fetch, plan, registry, run, audit, sql.

Arguments are declared here, and each command's module (`cli/<command>.py`) is
imported only when that command runs, so `rrec --help` and `rrec validate`
never load Dagster, web3 or HTTP clients they do not use.
Exit codes: 0 ok, 1 when a file or a day failed (named in the output), 2 for usage.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rrec_pipeline.basics.errors import OperatorError, SettingError
from rrec_pipeline.basics.frequencies import FREQUENCIES
from rrec_pipeline.cli.exits import EXIT_INVALID, EXIT_USAGE, UsageError


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date: expected YYYY-MM-DD, e.g. 2024-01-31"
        ) from None


def positive_decimal(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number")
    return value


def _validate(commands) -> None:
    parser = commands.add_parser("validate", help="validate verification CSV files or folders")
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    parser.add_argument("--json", action="store_true", help="print one JSON array")
    parser.add_argument(
        "--gap-explanations",
        type=Path,
        metavar="CSV",
        help="registered gap explanations: project,start,end,reason",
    )
    parser.add_argument(
        "--capacity-factor",
        type=positive_decimal,
        metavar="X",
        help="range.capacity bound in full-capacity hours per hour covered "
        "(default: the rule's, as `rrec rules` lists it)",
    )


def _rules(commands) -> None:
    parser = commands.add_parser("rules", help="list the validation rules")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true")
    output.add_argument("--markdown", action="store_true", help="the docs/validation-rules.md page")


def _credits(commands) -> None:
    parser = commands.add_parser("credits", help="carbon credits of valid verification CSVs")
    parser.add_argument("paths", nargs="+", type=Path, metavar="FILE.csv")
    parser.add_argument("--json", action="store_true", help="print one JSON array")
    parser.add_argument(
        "--ember-release",
        metavar="YYYY-MM-DD",
        help="use this Ember release only (default: the first release "
        "that published the generation year)",
    )
    parser.add_argument(
        "--allow-provisional-avert",
        action="store_true",
        help="also use AVERT rates not yet officially released",
    )


def _fetch(commands) -> None:
    parser = commands.add_parser("fetch", help="fetch and normalise one source's meter data")
    parser.add_argument(
        "source", metavar="SOURCE", help="steamaco, sparkmeter, enphase, victron or files"
    )
    parser.add_argument("--start", type=iso_date, required=True, metavar="YYYY-MM-DD")
    parser.add_argument("--end", type=iso_date, required=True, metavar="YYYY-MM-DD")
    parser.add_argument("--out", type=Path, required=True, metavar="PATH.parquet")
    parser.add_argument("--landing", type=Path, help="keep the raw pages here")


def _run(commands) -> None:
    parser = commands.add_parser(
        "run", help="run the pipeline in-process on RREC_HOME and print a summary"
    )
    _run_options(parser)


def _ledger(commands) -> None:
    parser = commands.add_parser("ledger", help="the issuance and mint ledger")
    actions = parser.add_subparsers(dest="action", required=True)
    rebuild = actions.add_parser(
        "rebuild",
        help="move the ledger aside and rebuild it from the meter data, the repository and "
        "the chain (nothing already on the chain is minted again)",
    )
    _run_options(rebuild)


def _run_options(parser) -> None:
    parser.add_argument("--start", type=iso_date, metavar="YYYY-MM-DD", help="first meter day")
    parser.add_argument("--end", type=iso_date, metavar="YYYY-MM-DD", help="last meter day")
    parser.add_argument(
        "--as-of", type=iso_date, metavar="YYYY-MM-DD", help="the issuance clock (default: now)"
    )


def _demo(commands) -> None:
    commands.add_parser(
        "demo",
        help="generate a year of sample inputs in RREC_HOME and run them through everything",
    )


def _plan(commands) -> None:
    parser = commands.add_parser(
        "plan", help="plan issuance lots from the registry and meter reads (no side effects)"
    )
    parser.add_argument("--registry", type=Path, required=True, metavar="DIR")
    parser.add_argument("--reservations", type=Path, metavar="FILE", help="default: DIR's")
    parser.add_argument(
        "--reads", type=Path, required=True, metavar="PATH", help="Parquet file or folder"
    )
    parser.add_argument(
        "--as-of", type=iso_date, metavar="YYYY-MM-DD", help="the clock (default: now)"
    )
    parser.add_argument(
        "--grace-days",
        type=int,
        default=2,
        metavar="N",
        help="days after a window ends (default 2)",
    )
    parser.add_argument(
        "--policy", choices=("carry-forward", "floor-per-window"), default="carry-forward"
    )
    parser.add_argument(
        "--owner-frequency",
        choices=FREQUENCIES,
        help="also issue energy outside every reservation to the project's owner, this often "
        "(default: RREC_OWNER_FREQUENCY; unset: not issued)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def _registry(commands) -> None:
    parser = commands.add_parser("registry", help="the registry's reviewed files")
    actions = parser.add_subparsers(dest="action", required=True)
    init = actions.add_parser("init", help="draft projects.csv from verification-file headers")
    init.add_argument("--from", dest="sources", nargs="+", type=Path, required=True, metavar="PATH")
    init.add_argument("--out", type=Path, metavar="FILE", help="default: print it")
    init.add_argument("--force", action="store_true", help="replace an existing --out file")
    adopt = actions.add_parser(
        "import",
        help="import a running registry's files and transaction record: projects, contracts "
        "and imported lots the guard holds new issuance against",
    )
    _history_options(adopt)
    adopt.add_argument(
        "--contracts", type=Path, metavar="FILE", help="default: RREC_CONTRACTS_FILE"
    )
    adopt.add_argument("--dry-run", action="store_true", help="print what would change")


def _history_options(parser) -> None:
    parser.add_argument(
        "--verification-data",
        required=True,
        metavar="DIR_OR_GIT_URL",
        help="the registry's verification CSVs: a folder or a git repository",
    )
    parser.add_argument(
        "--transactions",
        required=True,
        type=Path,
        metavar="FILE",
        help="the registry's record of contracts and transactions (JSON)",
    )


def _audit(commands) -> None:
    parser = commands.add_parser(
        "audit", help="audit a registry's whole record: every mint against its file, every holder"
    )
    parser.add_argument(
        "--verification-data",
        required=True,
        metavar="DIR_OR_GIT_URL",
        help="the registry's verification CSVs: a folder or a git repository",
    )
    record = parser.add_mutually_exclusive_group(required=True)
    record.add_argument(
        "--transactions", type=Path, metavar="FILE", help="the registry's record (JSON)"
    )
    record.add_argument("--rpc", metavar="URL", help="read the record from this chain instead")
    parser.add_argument(
        "--contracts", type=Path, metavar="FILE", help="with --rpc: token -> address (JSON)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--out", type=Path, metavar="DIR", help="write audit.md, its chart, JSON and DuckDB here"
    )


def _minting(commands) -> None:
    status = commands.add_parser("mint-status", help="each issued lot's publication and mint")
    status.add_argument("--json", action="store_true", help="print one JSON array")
    verify = commands.add_parser(
        "verify-mint", help="check a mint's amount against the file its link pins"
    )
    verify.add_argument("tx_hash", metavar="TX_HASH")
    verify.add_argument(
        "--rpc", metavar="URL", help="a JSON-RPC endpoint (default: the configured chain)"
    )
    verify.add_argument("--repo", metavar="PATH_OR_URL", help="read the file from this git repo")
    verify.add_argument(
        "--contracts",
        type=Path,
        metavar="FILE",
        help="the registry's contracts, token -> address (default: RREC_CONTRACTS_FILE)",
    )
    verify.add_argument("--json", action="store_true")
    deploy = commands.add_parser("deploy", help="deploy a token contract on the configured chain")
    deploy.add_argument("--token", required=True, metavar="SYMBOL", help="e.g. RREC-GA")
    deploy.add_argument("--name", help="display name (default: e.g. 'Georgia R-RECs')")


def _sql(commands) -> None:
    parser = commands.add_parser("sql", help="query the analysts' DuckDB database (read-only)")
    parser.add_argument("query", metavar="QUERY", help='e.g. "select * from mints"')
    parser.add_argument("--csv", action="store_true", help="print CSV instead of a table")


COMMANDS = {
    "validate": _validate,
    "rules": _rules,
    "credits": _credits,
    "fetch": _fetch,
    "plan": _plan,
    "registry": _registry,
    "run": _run,
    "ledger": _ledger,
    "demo": _demo,
    "minting": _minting,
    "audit": _audit,
    "sql": _sql,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rrec", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for declare in COMMANDS.values():
        declare(commands)
    return parser


# Polars' allocator (jemalloc) keeps freed pages for reuse and, by polars' own
# setting, never hands "muzzy" ones back: a command's peak memory is then what
# it ever held, not what it holds. Handing them back after 50 ms (polars reads
# this variable when it is imported, after the commands' arguments are parsed)
# brings a 10M-row file's validation from 2.1 to 1.7 GiB at no measured cost.
# Only for the commands it was measured on; a value the user set is kept.
ALLOCATOR = ("_RJEM_MALLOC_CONF", "dirty_decay_ms:50,muzzy_decay_ms:0")
RETURNS_MEMORY = ("validate", "credits")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command in RETURNS_MEMORY:
        os.environ.setdefault(*ALLOCATOR)
    command = importlib.import_module(f"rrec_pipeline.cli.{args.command.replace('-', '_')}")
    try:
        return command.run(args)
    except (UsageError, SettingError) as error:
        print(f"rrec {args.command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except OperatorError as error:
        print(f"rrec {args.command}: {error}", file=sys.stderr)
        return EXIT_INVALID
