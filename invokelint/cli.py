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
from collections.abc import Sequence
from pathlib import Path

from invokelint import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    from invokelint.reporters import FORMATS

    parser = argparse.ArgumentParser(
        prog="invokelint",
        description="Catch AWS Lambda invocation mistakes in SAM/CloudFormation before they ship.",
    )
    parser.add_argument("--version", action="version", version=f"invokelint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser("check", help="lint templates under the given paths")
    check.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="files or folders (default: .)"
    )
    check.add_argument(
        "--format", choices=FORMATS, default="text", help="output format (default: text)"
    )
    check.add_argument("--output", type=Path, metavar="FILE", help="write the report to FILE")
    check.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="CODES",
        help="only these rules: ids or prefixes, comma-separated (IL103,IL2)",
    )
    check.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="CODES",
        help="skip these rules: ids or prefixes, comma-separated",
    )
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
        "--config",
        type=Path,
        metavar="FILE",
        help="config file (default: nearest .invokelint.toml or pyproject.toml)",
    )
    check.add_argument("--no-code", action="store_true", help="do not analyse handler code")
    check.add_argument(
        "--quiet", "-q", action="store_true", help="print diagnostics only, no summary"
    )

    rules = commands.add_parser("rules", help="list every rule")
    rules.add_argument("--format", choices=("text", "json"), default="text")

    rule = commands.add_parser("rule", help="explain one rule")
    rule.add_argument("code", metavar="CODE", help="a rule id or name, e.g. IL103")

    commands.add_parser("lsp", help="run the language server on stdin/stdout")
    return parser


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


def _check(args: argparse.Namespace) -> int:
    from invokelint.config import ConfigError, check_selectors, find_config, load_config
    from invokelint.diagnostics import Severity
    from invokelint.discovery import PathNotFound
    from invokelint.engine import Linter
    from invokelint.reporters import ReportContext, get_reporter

    paths = args.paths or [Path(".")]
    try:
        if args.config is not None and not args.config.exists():
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
    if args.fail_on:
        config.fail_on = Severity(args.fail_on)
    config.analyse_code = not args.no_code

    try:
        result = Linter(config).lint(paths)
    except PathNotFound as exc:
        raise UsageError(str(exc)) from None
    if not args.quiet:
        for warning in result.warnings:
            _error(f"warning: {warning}")
    context = ReportContext(cwd=Path.cwd(), statistics=args.statistics, quiet=args.quiet)
    report = _encode(get_reporter(args.format)(result, context), args.format)
    if args.output is not None:
        try:
            args.output.write_bytes(report)
        except OSError as exc:
            raise UsageError(f"{args.output}: cannot write report: {exc.strerror}") from None
    else:
        _write(report)

    if result.failed:
        return EXIT_ERROR
    worst = result.worst()
    if args.exit_zero or worst is None or worst.rank < config.fail_on.rank:
        return EXIT_OK
    return EXIT_FINDINGS


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


def _write(text: str | bytes) -> None:
    """Standard output; a reader that stops early (``| head``) is not an error, but a
    closed or full output is (one line on stderr, exit status 2)."""
    stream = sys.stdout
    if stream is None:  # started with standard output closed
        raise UsageError("cannot write the report: standard output is closed")
    try:
        if isinstance(text, bytes):
            stream.flush()
            stream.buffer.write(text)
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
