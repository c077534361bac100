"""invokelint next to cfn-lint on the same inputs: ``python bench/compare.py [options]``.

Each input is linted by whole processes, interleaved run by run so that a loaded machine
slows every tool alike: invokelint (``--no-cache``, then warm from its cache) and, when
installed, ``cfn-lint`` and ``cfn-lint`` with the cfn-lint-serverless rules (found in this
Python, or in the one ``CFN_LINT_SERVERLESS_PYTHON`` names: it is no dependency of
invokelint). Prints, per input and tool, the median wall and CPU seconds (user + sys of
the process and its children) and the tool's CPU over invokelint's (``--no-cache``).

Inputs (issue 11): one small template (``examples/``), 100/1,000/2,000/4,000 SQS
consumers (three resources each, ``bench/large_template.py``'s generator; ``--sizes``),
the shared corpus's templates (``INVOKELINT_CORPUS``, default ``../shared/corpus``
beside the checkout; both tools are given the same file list) and the whole corpus
folder (Terraform too, which cfn-lint does not read). Last, the language
server: ``bench/lsp_latency.py``'s session, edit to ``publishDiagnostics`` with the
debounce at 0, median and p95 (no other tool here has a server to compare).

cfn-lint takes minutes on the large inputs: ``--cfn-lint-max N`` runs it only up to N
consumers, ``--runs`` sets the runs per input (default 3).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from large_template import generate  # noqa: E402

INVOKELINT = "invokelint"
WARM = "invokelint warm"
CFN_LINT = "cfn-lint"
SERVERLESS = "cfn-lint+serverless"
SERVERLESS_RULES = "cfn_lint_serverless.rules"


def measure(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds (user + sys, children included) of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        command,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def tools(cache: Path) -> dict[str, list[str]]:
    """The command of each tool that is installed, without its input paths."""
    invokelint = [sys.executable, "-m", "invokelint", "check", "-q"]
    found = {
        INVOKELINT: [*invokelint, "--no-cache"],
        WARM: [*invokelint, "--cache-dir", str(cache)],
    }
    here = Path(sys.executable).parent
    cfn_lint = shutil.which("cfn-lint", path=str(here)) or shutil.which("cfn-lint")
    if cfn_lint:
        found[CFN_LINT] = [cfn_lint]
    other = os.environ.get("CFN_LINT_SERVERLESS_PYTHON")
    runner = "import sys; from cfnlint.runner import main; sys.exit(main())"
    if cfn_lint and importlib.util.find_spec("cfn_lint_serverless") is not None:
        found[SERVERLESS] = [cfn_lint, "--append-rules", SERVERLESS_RULES, "--"]
    elif other:
        found[SERVERLESS] = [other, "-c", runner, "--append-rules", SERVERLESS_RULES, "--"]
    return found


def inputs(folder: Path, sizes: list[int]) -> dict[str, tuple[list[str], list[str]]]:
    """Name -> (invokelint's paths, cfn-lint's paths, empty when it cannot read them)."""
    small = [str(REPO / "examples" / "template.yaml")]
    found = {"small template (examples/)": ([str(REPO / "examples")], small)}
    for functions in sizes:
        path = folder / f"sqs{functions}.yaml"
        path.write_text(generate(functions))
        found[f"{functions} SQS consumers ({3 * functions} res.)"] = ([str(path)], [str(path)])
    default = REPO.parent.parent / "shared" / "corpus"
    corpus = Path(os.environ.get("INVOKELINT_CORPUS", default))
    templates = corpus / "templates"
    if templates.is_dir():
        files = [str(p) for p in sorted(templates.iterdir()) if _cfn_lint_survives(p)]
        found[f"corpus templates ({len(files)})"] = (files, files)
        found["corpus folder (with Terraform)"] = ([str(corpus)], [])
    return found


def _cfn_lint_survives(path: Path) -> bool:
    """cfn-lint 1.58 stops the whole run with a traceback on a template with an empty
    top-level section (``Resources:`` or ``Parameters:`` and nothing under it, a few of
    the corpus's 420): both tools are given the others."""
    sys.path.insert(0, str(REPO))
    from invokelint.frontends.loader import ParseError, load_json, load_yaml

    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        root = (load_json if text.lstrip().startswith("{") else load_yaml)(text).root
    except ParseError:
        return True  # reported as a parse error by both
    return not isinstance(root, dict) or all(value is not None for value in root.values())


def functions_of(name: str) -> int:
    return int(name.split()[0]) if name.split()[0].isdigit() else 0


def compare(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        commands = tools(folder / "cache")
        print(
            f"median of {args.runs} interleaved runs: wall s / cpu s (cpu / invokelint's); "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        print(f"tools: {', '.join(commands)}")
        for name, (ours, theirs) in inputs(folder, args.sizes).items():
            if args.only and not any(word in name for word in args.only):
                continue
            chosen = {
                tool: [*command, *(ours if tool in (INVOKELINT, WARM) else theirs)]
                for tool, command in commands.items()
                if tool in (INVOKELINT, WARM)
                or (theirs and functions_of(name) <= args.cfn_lint_max)
            }
            measure(chosen[WARM], folder)  # fill the cache (and write bytecode) first
            samples: dict[str, list[tuple[float, float]]] = {tool: [] for tool in chosen}
            for _ in range(args.runs):
                for tool, command in chosen.items():
                    samples[tool].append(measure(command, folder))
            medians = {
                tool: (statistics.median(w for w, _ in s), statistics.median(c for _, c in s))
                for tool, s in samples.items()
            }
            base = medians[INVOKELINT][1]
            cells = [
                f"{tool} {wall:.2f}/{cpu:.2f}"
                + ("" if tool == INVOKELINT else f" ({cpu / base:.2f}x)")
                for tool, (wall, cpu) in medians.items()
            ]
            print(f"{name:<34} " + "; ".join(cells), flush=True)
        if args.lsp:
            lsp_row(args.lsp, args.edits)
        print(f"load average at the end {os.getloadavg()[0]:.1f}")


def lsp_row(functions: int, edits: int) -> None:
    """The language server's edit latency, measured by bench/lsp_latency.py's session."""
    from lsp_latency import p95, session

    first, latencies, findings = session(functions, edits, 0.0)
    print(
        f"{f'LSP, {3 * functions} resources':<34} first diagnostics {first:.2f} s, "
        f"edit to publish (debounce 0, {len(latencies)} edits) median "
        f"{statistics.median(latencies) * 1000:.0f} ms, p95 {p95(latencies) * 1000:.0f} ms; "
        f"{findings} findings",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per input and tool")
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(n) for n in text.split(",") if n],
        default=[100, 1000, 2000, 4000],
        help="SQS consumers per generated template, comma-separated",
    )
    parser.add_argument(
        "--cfn-lint-max",
        type=int,
        default=4000,
        metavar="N",
        help="run cfn-lint only on templates of at most N consumers",
    )
    parser.add_argument(
        "--lsp",
        type=int,
        default=100,
        metavar="N",
        help="consumers in the language server's template (0: no LSP row)",
    )
    parser.add_argument("--edits", type=int, default=20, help="edits in the LSP session")
    parser.add_argument(
        "--only", nargs="*", metavar="WORD", help="only the inputs whose name holds a WORD"
    )
    compare(parser.parse_args())


if __name__ == "__main__":
    main()
