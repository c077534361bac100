"""The ``invokelint`` command.

Exit status: 0 when nothing reaches ``--fail-on``, 1 when something does, 2 for a usage
or configuration error or an input that could not be read or parsed. Errors are one line
on stderr, never a traceback (set ``INVOKELINT_DEBUG=1`` to see one).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from invokelint import __version__

if TYPE_CHECKING:
    from invokelint.config import Config
    from invokelint.engine import LintResult

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    from invokelint.graph import FORMATS as GRAPH_FORMATS
    from invokelint.reporters import FORMATS

    parser = argparse.ArgumentParser(
        prog="invokelint",
        description="Catch AWS Lambda invocation mistakes in SAM/CloudFormation before they ship.",
    )
    parser.add_argument("--version", action="version", version=f"invokelint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser("check", help="lint templates under the given paths")
    _add_project_arguments(check)
    check.add_argument(
        "--format", choices=FORMATS, default="text", help="output format (default: text)"
    )
    check.add_argument("--output", type=Path, metavar="FILE", help="write the report to FILE")
    check.add_argument(
        "--fail-on",
        choices=("error", "warning", "info"),
        help="lowest severity that fails the run (default: warning)",
    )
    check.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when problems are found"
    )
    check.add_argument("--statistics", action="store_true", help="print counts per rule instead")
    check.add_argument(
        "--quiet", "-q", action="store_true", help="print diagnostics only, no summary"
    )

    rules = commands.add_parser("rules", help="list every rule")
    rules.add_argument("--format", choices=("text", "json"), default="text")

    rule = commands.add_parser("rule", help="explain one rule")
    rule.add_argument("code", metavar="CODE", help="a rule id or name, e.g. IL103")

    commands.add_parser("lsp", help="run the language server on stdin/stdout")

    # invokelint graph: the invocation topology with its findings (invokelint/graph/)
    graph = commands.add_parser("graph", help="draw functions, triggers and failure paths")
    _add_project_arguments(graph)
    graph.add_argument(
        "--format", choices=GRAPH_FORMATS, default="mermaid", help="graph format (default: mermaid)"
    )
    graph.add_argument("--output", type=Path, metavar="FILE", help="write the graph to FILE")
    graph.add_argument(
        "--findings-only",
        action="store_true",
        help="only the functions with findings and their neighbours",
    )
    return parser


def _add_project_arguments(parser: argparse.ArgumentParser) -> None:
    """What to read and which rules to run: shared by ``check`` and ``graph``."""
    parser.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="files or folders (default: .)"
    )
    parser.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="CODES",
        help="only these rules: ids or prefixes, comma-separated (IL103,IL2)",
    )
    parser.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="CODES",
        help="skip these rules: ids or prefixes, comma-separated",
    )
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="config file (default: nearest .invokelint.toml or pyproject.toml)",
    )
    parser.add_argument("--no-code", action="store_true", help="do not analyse handler code")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "rules":
            return _list_rules(args.format)
        if args.command == "rule":
            return _explain_rule(args.code)
        if args.command == "lsp":
            return _serve_lsp()
        if args.command == "graph":
            return _graph(args)
    except UsageError as exc:
        print(f"invokelint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: one line, not a traceback, unless asked
        if os.environ.get("INVOKELINT_DEBUG"):
            raise
        print(
            f"invokelint: internal error: {type(exc).__name__}: {exc} "
            "(please report it; INVOKELINT_DEBUG=1 shows the traceback)",
            file=sys.stderr,
        )
        return EXIT_ERROR
    parser.print_help(sys.stderr)
    return EXIT_ERROR


def _check(args: argparse.Namespace) -> int:
    from invokelint.diagnostics import Severity
    from invokelint.reporters import ReportContext, get_reporter

    paths, config = _project(args)
    if args.fail_on:
        config.fail_on = Severity(args.fail_on)
    result = _lint(paths, config)
    context = ReportContext(cwd=Path.cwd(), statistics=args.statistics, quiet=args.quiet)
    report = get_reporter(args.format)(result, context)
    _emit(report, args.output)

    if result.failed:
        return EXIT_ERROR
    worst = result.worst()
    if args.exit_zero or worst is None or worst.rank < config.fail_on.rank:
        return EXIT_OK
    return EXIT_FINDINGS


def _graph(args: argparse.Namespace) -> int:
    from invokelint.graph import render

    paths, config = _project(args)
    result = _lint(paths, config)
    _emit(render(result, args.format, findings_only=args.findings_only), args.output)
    return EXIT_ERROR if result.failed else EXIT_OK


def _project(args: argparse.Namespace) -> tuple[list[Path], Config]:
    """The paths and the configuration: config file, then ``--select``, ``--ignore``, ..."""
    from invokelint.config import ConfigError, check_selectors, find_config, load_config

    paths = args.paths or [Path(".")]
    try:
        if args.config is not None and not args.config.is_file():
            raise UsageError(f"{args.config}: config file not found")
        config = load_config(args.config or find_config(paths[0]))
        select = _codes(args.select)
        ignore = _codes(args.ignore)
        check_selectors(select, "--select", "command line")
        check_selectors(ignore, "--ignore", "command line")
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    if select:
        config.select = tuple(select)
    config.ignore = (*config.ignore, *ignore)
    config.analyse_code = not args.no_code
    return paths, config


def _lint(paths: list[Path], config: Config) -> LintResult:
    from invokelint.discovery import PathNotFound
    from invokelint.engine import Linter

    try:
        return Linter(config).lint(paths)
    except PathNotFound as exc:
        raise UsageError(str(exc)) from None


def _emit(text: str, output: Path | None) -> None:
    """``--output FILE``, else standard output."""
    if output is None:
        _write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{output}: cannot write report: {exc.strerror}") from None


def _serve_lsp() -> int:
    try:
        from invokelint.lsp import serve
    except ImportError as exc:
        if (exc.name or "").split(".")[0] not in ("pygls", "lsprotocol"):
            raise
        print(
            "invokelint: the language server needs pygls: pip install 'invokelint[lsp]'",
            file=sys.stderr,
        )
        return EXIT_ERROR
    serve()
    return EXIT_OK


def _codes(values: Sequence[str]) -> list[str]:
    return [code.strip().upper() for value in values for code in value.split(",") if code.strip()]


def _list_rules(output: str) -> int:
    from invokelint.rules import all_rules

    rules = all_rules()
    if output == "json":
        import json

        items = [
            {
                "code": r.id,
                "name": r.name,
                "severity": r.severity.value,
                "summary": r.summary,
                "url": r.docs_url(),
            }
            for r in rules
        ]
        _write(json.dumps(items, indent=2) + "\n")
        return EXIT_OK
    width = max(len(r.name) for r in rules)
    _write(
        "".join(f"{r.id}  {r.name:<{width}}  {r.severity.value:<7}  {r.summary}\n" for r in rules)
    )
    return EXIT_OK


def _explain_rule(code: str) -> int:
    from invokelint.rules import get_rule
    from invokelint.rules.docs import render_page

    rule = get_rule(code)
    if rule is None:
        raise UsageError(f"unknown rule {code!r} (see 'invokelint rules')")
    _write(render_page(rule))
    return EXIT_OK


def _write(text: str) -> None:
    """Standard output; a reader that stops early (``| head``) is not an error."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # Python flushes standard output again at exit: let that go nowhere, quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
