"""The ``invokelint`` command.

Exit status: 0 when nothing reaches ``--fail-on``, 1 when something does, 2 for a usage
or configuration error or an input that could not be read or parsed. Errors are one line
on stderr, never a traceback (set ``INVOKELINT_DEBUG=1`` to see one).
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from invokelint import __version__

if TYPE_CHECKING:
    from invokelint.cache import DiskCache
    from invokelint.config import Config
    from invokelint.engine import Linter, LintResult
    from invokelint.reporters import ReportContext

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    from invokelint.graph import FORMATS as GRAPH_FORMATS
    from invokelint.reporters import FORMATS

    parser = argparse.ArgumentParser(
        prog="invokelint",
        description=(
            "Catch AWS Lambda invocation mistakes in SAM, CloudFormation and Terraform "
            "before they ship."
        ),
    )
    parser.add_argument("--version", action="version", version=f"invokelint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser("check", help="lint templates under the given paths")
    _add_project_arguments(check)
    check.add_argument(
        "--stdin-filename",
        type=Path,
        metavar="NAME",
        help="the path of the template read from standard input (-): names it in the "
        "findings, tells YAML from JSON, and finds its handler code and configuration",
    )
    check.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="output format (default: text: full, with source lines, on a terminal; "
        "concise, one line per finding, otherwise)",
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
        "--baseline",
        type=Path,
        metavar="FILE",
        help="report only findings that are not in FILE (made by --write-baseline)",
    )
    check.add_argument(
        "--write-baseline",
        type=Path,
        metavar="FILE",
        help="record today's findings in FILE and exit 0; then use --baseline FILE",
    )
    check.add_argument(
        "--sarif-full-help",
        action="store_true",
        help="SARIF: every rule's page as help, not only the pages of rules with results",
    )
    check.add_argument(
        "--quiet", "-q", action="store_true", help="print diagnostics only, no summary"
    )
    # autofix (invokelint/fixes/): ruff's --fix contract
    check.add_argument("--fix", action="store_true", help="apply safe fixes to the files")
    check.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="with --fix or --diff, unsafe fixes too; alone, mark them fixable in the report",
    )
    check.add_argument(
        "--diff", action="store_true", help="print the fixes as a unified diff; write nothing"
    )
    check.add_argument(
        "--fix-only", action="store_true", help="apply fixes and report nothing that remains"
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
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="files or folders (default: .); - reads a template from standard input",
    )
    parser.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="CODES",
        help="only these rules: ids, prefixes or names, comma-separated (IL103,IL2)",
    )
    parser.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="CODES",
        help="skip these rules: ids, prefixes or names, comma-separated",
    )
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="config file (default: nearest .invokelint.toml or pyproject.toml)",
    )
    parser.add_argument("--no-code", action="store_true", help="do not analyse handler code")
    parser.add_argument(
        "--var-file",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="Terraform variable values, as terraform plan -var-file (repeatable)",
    )
    parser.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="one Terraform variable, as terraform plan -var (repeatable)",
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        metavar="N",
        help="processes for a large run (500 template files or more, 1,000 with "
        "--no-code; default: the usable cores not already busy)",
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="neither read nor write the cache of parsed files"
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        metavar="DIR",
        help="cache folder (default: .invokelint_cache in the project's root)",
    )
    parser.add_argument(
        "--no-respect-gitignore",
        action="store_true",
        help="also lint files that .gitignore or .git/info/exclude name",
    )


def main(argv: Sequence[str] | None = None) -> int:
    import gc

    # A short-lived process: collect young objects less often (imports alone triggered
    # dozens of collections); the lint itself pauses the collector (``Linter.lint``).
    gc.set_threshold(10_000, 20, 20)
    parser = build_parser()
    args = _parse(parser, argv)
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "rules":
            return _list_rules(args.format)
        if args.command == "rule":
            return _explain_rule(args.code)
        if args.command == "graph":
            return _graph(args)
        if args.command == "lsp":
            return _serve_lsp()
    except UsageError as exc:
        _error(f"error: {exc}")
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: one line, not a traceback, unless asked
        if os.environ.get("INVOKELINT_DEBUG"):
            raise
        _error(
            f"internal error: {type(exc).__name__}: {_one_line(exc)} "
            "(please report it; INVOKELINT_DEBUG=1 shows the traceback)"
        )
        return EXIT_ERROR
    parser.print_help(sys.stderr)
    return EXIT_ERROR


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """Paths may follow options, as in ``check . --no-code -`` (argparse alone stops
    collecting positionals at the first option)."""
    args, extra = parser.parse_known_args(argv)
    later = [e for e in extra if e == "-" or not e.startswith("-")]
    unknown = [e for e in extra if e not in later]
    if args.command != "check" or unknown:
        if extra:
            parser.error(f"unrecognized arguments: {' '.join(unknown or extra)}")
    else:
        args.paths.extend(Path(path) for path in later)
    return args


def _check(args: argparse.Namespace) -> int:
    from invokelint.diagnostics import Severity
    from invokelint.reporters import ReportContext, get_reporter, repository_root, use_color

    paths, overlays, config = _project(args)
    if args.fail_on:
        config.fail_on = Severity(args.fail_on)
    linter, result = _lint(args, paths, overlays, config)
    if not args.quiet:
        for warning in [*result.warnings, *skipped_warnings(paths, result, linter.display_path)]:
            _error(f"warning: {warning}")
    if args.fix or args.diff or args.fix_only:  # autofix: invokelint/fixes/run.py
        from invokelint.fixes.run import from_command_line

        result, status = from_command_line(
            args,
            result,
            lambda texts: _lint(args, paths, {**overlays, **texts}, config)[1],
            read_only={path.resolve() for path in overlays},
            display=linter.display_path,
            say=_error,
        )
        if status is not None:
            return status
    cwd = Path.cwd()
    terminal = args.output is None and _is_terminal(sys.stdout)
    context = ReportContext(
        cwd=cwd,
        quiet=args.quiet,
        root=repository_root(cwd),
        sarif_full_help=args.sarif_full_help,
        source_context=args.format == "full" or (args.format == "text" and terminal),
        color=args.format in ("text", "concise", "full") and use_color(terminal, os.environ),
        sources={linter.display_path(path): text for path, text in overlays.items()},
        unsafe_fixes=args.unsafe_fixes,
    )
    if args.write_baseline is not None:
        return _write_baseline(args.write_baseline, result, context)
    if args.baseline is not None:
        _apply_baseline(args.baseline, result, context)
    if args.statistics:
        from invokelint.reporters import statistics

        report = statistics.render(result, as_json=args.format == "json")
    else:
        report = get_reporter(args.format)(result, context)
    _emit(_encode(report, args.format), args.output)

    if result.failed:
        return EXIT_ERROR
    worst = result.worst()
    if args.exit_zero or worst is None or worst.rank < config.fail_on.rank:
        return EXIT_OK
    return EXIT_FINDINGS


def _graph(args: argparse.Namespace) -> int:
    from invokelint.graph import render

    paths, overlays, config = _project(args)
    _, result = _lint(args, paths, overlays, config)
    for warning in result.warnings:
        _error(f"warning: {warning}")
    graph = render(result, args.format, findings_only=args.findings_only)
    _emit(_encode(graph, args.format), args.output)
    return EXIT_ERROR if result.failed else EXIT_OK


def _project(args: argparse.Namespace) -> tuple[list[Path], dict[Path, str], Config]:
    """The paths, standard input's text, and the configuration: the config file, then
    ``--select``, ``--ignore`` and the other options that say what to read."""
    from invokelint.config import ConfigError, find_config, load_config, resolve_selectors

    paths = args.paths or [Path(".")]
    overlays = {}
    stdin_filename = getattr(args, "stdin_filename", None)
    if Path("-") in paths:
        stdin_path = stdin_filename or Path("-")
        paths = [stdin_path if path == Path("-") else path for path in paths]
        overlays[stdin_path] = _read_stdin()
    elif stdin_filename is not None:
        raise UsageError("--stdin-filename needs - among the paths")
    try:
        if args.config is not None and not args.config.exists():
            raise UsageError(f"{args.config}: config file not found")
        config = load_config(args.config or find_config(paths[0]))
        select = resolve_selectors(_codes(args.select), "--select", "command line")
        ignore = resolve_selectors(_codes(args.ignore), "--ignore", "command line")
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    if select:
        config.select = select
    config.ignore = (*config.ignore, *ignore)
    config.analyse_code = not args.no_code
    config.respect_gitignore = not args.no_respect_gitignore

    return paths, overlays, config


def _lint(
    args: argparse.Namespace, paths: list[Path], overlays: dict[Path, str], config: Config
) -> tuple[Linter, LintResult]:
    """Lint ``paths`` with Terraform's ``--var-file``/``--var``; a missing path is a usage error."""
    from invokelint import parallel
    from invokelint.discovery import PathNotFound
    from invokelint.engine import Linter

    variables = {}
    for assignment in args.var:
        name, equals, value = assignment.partition("=")
        if not equals or not name.strip():
            raise UsageError(f"--var {assignment!r}: expected NAME=VALUE")
        variables[name.strip()] = value
    for var_file in args.var_file:
        if not var_file.is_file():
            raise UsageError(f"{var_file}: variable file not found")
    linter = Linter(
        config,
        var_files=args.var_file,
        variables=variables,
        disk_cache=_disk_cache(args, paths, overlays, config),
        jobs=args.jobs or parallel.default_jobs(),
    )
    linter.keeps_models = args.command == "graph"  # only the graph draws the models
    try:
        result = linter.lint(paths, overlays)
    except PathNotFound as exc:
        raise UsageError(str(exc)) from None
    _settle_memory()
    return linter, result


def _settle_memory() -> None:
    """After the lint, its models and syntax trees stay alive until the process exits:
    move them out of the cyclic collector's sight, or each collection the report triggers
    rescans all of them to free nothing (0.16 s of a 3,000-resource run, 0.9 s of 12,000)."""
    import gc

    gc.freeze()


def _jobs(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a number of processes, 1 or more: {value!r}")
    return int(value)


def _disk_cache(
    args: argparse.Namespace, paths: list[Path], overlays: dict[Path, str], config: Config
) -> DiskCache | None:
    """The cache folder: ``--cache-dir``, ``cache-dir``, else ``.invokelint_cache`` in the
    project's root (the config file's folder, else the first folder linted), so it is
    never made inside a folder the user did not lint."""
    from invokelint.cache import DEFAULT_FOLDER, DiskCache

    if args.no_cache:
        return None
    folder = args.cache_dir or config.cache_dir
    if folder is None:
        if config.path is not None:
            root = config.path.parent
        else:
            on_disk = [p for p in paths if p not in overlays]
            if not on_disk:
                return None  # standard input only: no project to keep a cache in
            root = on_disk[0] if on_disk[0].is_dir() else on_disk[0].parent
        folder = root / DEFAULT_FOLDER
    return DiskCache(folder)


def _emit(report: bytes, output: Path | None) -> None:
    """``--output FILE``, else standard output."""
    if output is None:
        _write(report)
        return
    try:
        output.write_bytes(report)
    except OSError as exc:
        raise UsageError(f"{output}: cannot write report: {exc.strerror}") from None


def skipped_warnings(
    paths: Sequence[Path], result: LintResult, display: Callable[[Path], str]
) -> list[str]:
    """What was not linted and why: a named file always, the rest when nothing was linted.

    A green run must mean "linted and clean", never "found nothing to lint" unnoticed.
    """
    from invokelint.discovery import TEMPLATE_SUFFIXES

    linted = {*result.checked, *result.failed}
    warnings = []
    for path in paths:
        name = display(path)
        if not path.is_dir() and name not in linted:
            reads = ", ".join(TEMPLATE_SUFFIXES)
            why = result.skipped.get(name, f"not a file invokelint reads ({reads})")
            warnings.append(f"{name}: skipped, {why}")
    if linted or warnings:
        return warnings
    where = " ".join(display(path) for path in paths)
    if not result.skipped:
        what = "no YAML, JSON or .template files outside excluded folders"
        return [f"no templates found in {where}: {what}"]
    shown = sorted(result.skipped)
    listed = ", ".join(shown[:3]) + (f" and {len(shown) - 3} more" if len(shown) > 3 else "")
    reasons = sorted(set(result.skipped.values()))
    return [f"no templates found in {where}: {len(shown)} skipped ({listed}): {'; '.join(reasons)}"]


def _write_baseline(path: Path, result: LintResult, context: ReportContext) -> int:
    from invokelint import baseline

    text = baseline.render(result.diagnostics, context.source_path)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot write baseline: {exc.strerror}") from None
    recorded = text.count('"fingerprint"')
    print(f"invokelint: recorded {recorded} findings in {path}", file=sys.stderr)
    return EXIT_ERROR if result.failed else EXIT_OK


def _apply_baseline(path: Path, result: LintResult, context: ReportContext) -> None:
    """Keep only the findings the baseline does not hold; count the rest."""
    from invokelint import baseline

    try:
        known = baseline.read(path)
    except baseline.BaselineError as exc:
        raise UsageError(str(exc)) from None
    new = baseline.new_findings(result.diagnostics, known, context.source_path)
    result.statistics["in baseline"] += len(result.diagnostics) - len(new)
    result.diagnostics = new


def _is_terminal(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # closed
        return False


def _read_stdin() -> str:
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"standard input is not UTF-8 text (byte {exc.start})") from None


def _serve_lsp() -> int:
    try:
        from invokelint.lsp import serve
    except ImportError as exc:
        if (exc.name or "").split(".")[0] not in ("pygls", "lsprotocol"):
            raise
        print(
            "invokelint: the language server needs pygls: pip install 'invokelint-aws[lsp]'",
            file=sys.stderr,
        )
        return EXIT_ERROR
    serve()
    return EXIT_OK


def _codes(values: Sequence[str]) -> list[str]:
    return [code.strip() for value in values for code in value.split(",") if code.strip()]


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
                "inputs": list(r.inputs),
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


def _write(text: str | bytes) -> None:
    """Standard output; a reader that stops early (``| head``) is not an error, but a
    closed or full output is (one line on stderr, exit status 2)."""
    stream = sys.stdout
    if stream is None:  # started with standard output closed
        raise UsageError("cannot write the report: standard output is closed")
    try:
        if isinstance(text, bytes) and hasattr(stream, "buffer"):
            stream.flush()
            stream.buffer.write(text)
        elif isinstance(text, bytes):  # a text-only stream (captured output, an embedder)
            stream.write(text.decode("utf-8", "surrogateescape"))
        else:
            stream.write(text)
        stream.flush()
    except BrokenPipeError:
        _silence(stream)
    except (OSError, ValueError) as exc:  # ENOSPC, EBADF; ValueError: a closed file
        _silence(stream)
        reason = getattr(exc, "strerror", None) or exc
        raise UsageError(f"cannot write the report to standard output: {reason}") from None


def _silence(stream: object) -> None:
    """Python flushes standard output again at exit: let that go nowhere, quietly."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())  # type: ignore[attr-defined]


# Formats read by programs must be valid UTF-8; text is for people and their tools
# (grep, an editor's "go to file"), which want a file name byte for byte.
_BYTE_EXACT_FORMATS = ("text",)


def _encode(report: str, output_format: str) -> bytes:
    """The report as bytes. A file name that is not UTF-8 comes back from the file system
    as lone surrogates, which no strict encoder accepts: text keeps its original bytes,
    other formats replace them with U+FFFD (their URIs already name them exactly)."""
    data = report.encode("utf-8", "invokelint-surrogates")
    if output_format in _BYTE_EXACT_FORMATS:
        return data
    return data.decode("utf-8", "replace").encode("utf-8")


def _surrogates(error: UnicodeError) -> tuple[bytes, int]:
    """``surrogateescape`` for file-name bytes, ``\\udXXX`` for any other lone surrogate."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    chunk = error.object[error.start : error.end]
    out = b"".join(
        bytes([ord(c) - 0xDC00]) if 0xDC80 <= ord(c) <= 0xDCFF else f"\\u{ord(c):04x}".encode()
        for c in chunk
    )
    return out, error.end


codecs.register_error("invokelint-surrogates", _surrogates)


def _error(message: str) -> None:
    """One line on stderr (which may itself be closed or full)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        print(f"invokelint: {message}", file=sys.stderr)


def _one_line(exc: BaseException) -> str:
    """An exception's message on one short line, even when ``str()`` fails (libcst nodes
    whose ``repr`` recurses without end)."""
    try:
        text = str(exc)
    except Exception:  # RecursionError included
        return "(no message)"
    line = " ".join(text.split())
    return line if len(line) <= 300 else line[:299] + "…"
