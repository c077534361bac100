"""Rule pages (``rules/ILxxx.md``) rendered from the rule classes, and read back.

The class is the single source: ``invokelint rule IL103`` prints the page, SARIF carries
it as help text, and ``python -m invokelint.rules.docs rules/`` writes the Markdown files.
The test suite checks that the committed pages are current and lints the examples it
reads back from them, so a page can never show an example that does not behave.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from invokelint.rules.base import INPUTS, Example, Rule

FAMILIES = {
    "IL0": "inputs",
    "IL1": "poll-based invocation (event source mappings)",
    "IL2": "asynchronous invocation",
    "IL3": "synchronous invocation",
    "IL4": "handler code",
}
_LANGUAGES = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
    ".py": "python",
    ".tf": "hcl",
    ".toml": "toml",
}
_FENCE = re.compile(r'^```(\w*)(?:\s+title="([^"]+)")?\s*$')
REQUIRED_SECTIONS = ("## What it does", "## Why is this bad?")


def render_page(rule: type[Rule]) -> str:
    parts = [
        f"# {rule.id}: {rule.name}",
        f"**Severity:** {rule.severity.value} · **Family:** {FAMILIES.get(rule.id[:3], 'other')}",
        inputs_line(rule),
        rule.summary,
        rule.description(),
    ]
    bad = [e for e in rule.examples if e.bad]
    good = [e for e in rule.examples if not e.bad]
    if bad:
        parts.append("## Example\n\n" + "\n\n".join(_example(e) for e in bad))
    if good:
        parts.append("## Use instead\n\n" + "\n\n".join(_example(e) for e in good))
    if rule.options:
        lines = [
            f"Set in `[tool.invokelint.rules.{rule.id}]` (`pyproject.toml` or `.invokelint.toml`):",
            "",
        ]
        for name, option in rule.options.items():
            lines.append(f"- `{name}` (default `{option.default}`): {option.description}")
        parts.append("## Options\n\n" + "\n".join(lines))
    parts.append(
        "## Suppressing\n\n"
        f"Add `# invokelint: ignore[{rule.id}]` on the reported line or the resource's first line "
        f"(in Terraform also `// invokelint: ignore[{rule.id}]`, on the block's first line), "
        f"or `Metadata: {{invokelint: {{ignore: [{rule.id}]}}}}` on a CloudFormation resource."
    )
    if rule.fix_safety:
        safety, why = rule.fix_safety
        applies = {
            "safe": "`invokelint check --fix` applies it",
            "unsafe": "`invokelint check --fix --unsafe-fixes` applies it",
        }.get(safety, "`invokelint check --fix` applies it when safe, `--unsafe-fixes` also")
        parts.append(
            f"## Fix safety\n\nThis rule's fix is **{safety}**: {why} "
            f"{applies} to YAML and JSON templates and Terraform `.tf` and `.tf.json` "
            "files (`--diff` shows it first); none is offered where the value comes from a "
            "parameter, an intrinsic function, or a Terraform variable, local or expression, "
            "nor inside a called Terraform module or from plan JSON."
        )
    if rule.counterparts:
        parts.append(
            "## Counterparts in other linters\n\n"
            + "\n".join(
                f"- {c.tool} **{c.rule}** ({c.relation}): {c.note}" for c in rule.counterparts
            )
            + "\n\nSee [coming from cfn-lint, cfn-lint-serverless and checkov]"
            "(../docs/coming-from.md)."
        )
    if rule.references:
        parts.append("## References\n\n" + "\n".join(f"- <{url}>" for url in rule.references))
    return "\n\n".join(p.strip() for p in parts if p.strip()) + "\n"


def inputs_line(rule: type[Rule]) -> str:
    """``**Inputs:** CloudFormation, SAM, ...``: where the rule finds what it checks."""
    names = [label for key, label in INPUTS.items() if key in rule.inputs]
    return f"**Inputs:** {', '.join(names)}" if names else ""


def _example(example: Example) -> str:
    blocks = [example.note]
    for path, text in example.files.items():
        language = _LANGUAGES.get(Path(path).suffix, "")
        blocks.append(f'```{language} title="{path}"\n{text.rstrip()}\n```')
    return "\n\n".join(blocks)


@dataclass
class PageExample:
    note: str
    bad: bool
    files: dict[str, str] = field(default_factory=dict)


def read_examples(markdown: str) -> list[PageExample]:
    """The examples of a rule page: notes and titled code blocks under the two headings."""
    examples: list[PageExample] = []
    section: bool | None = None  # True: "Example", False: "Use instead", None: elsewhere
    lines = iter(markdown.splitlines())
    for line in lines:
        if line.startswith("## "):
            section = {"## Example": True, "## Use instead": False}.get(line.strip())
            continue
        if section is None:
            continue
        fence = _FENCE.match(line)
        if fence:
            body = []
            for inner in lines:
                if inner.startswith("```"):
                    break
                body.append(inner)
            if examples and fence.group(2):
                examples[-1].files[fence.group(2)] = "\n".join(body) + "\n"
        elif line.strip():
            if not examples or examples[-1].files or examples[-1].bad is not section:
                examples.append(PageExample(line.strip(), section))
            else:
                examples[-1].note += " " + line.strip()
    return [e for e in examples if e.files]


def write_pages(folder: Path) -> list[Path]:
    from invokelint.rules import all_rules

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for rule in all_rules():
        page = folder / f"{rule.id}.md"
        page.write_text(render_page(rule), encoding="utf-8")
        written.append(page)
    return written


TABLE_START = "<!-- rules-table:start (generated: python -m invokelint.rules.docs) -->"
TABLE_END = "<!-- rules-table:end -->"


def rules_table() -> str:
    """The README's table of every rule: id (linked to its page), name, severity, summary."""
    from invokelint.rules import all_rules

    rows = ["| ID | name | severity | what it reports |", "|---|---|---|---|"]
    for rule in all_rules():
        rows.append(
            f"| [{rule.id}](rules/{rule.id}.md) | `{rule.name}` | {rule.severity.value} "
            f"| {rule.summary} |"
        )
    return "\n".join(rows)


def with_rules_table(readme: str) -> str:
    """``readme`` with the text between the table markers replaced by ``rules_table()``."""
    return _between(readme, TABLE_START, TABLE_END, rules_table())


def _between(text: str, start_marker: str, end_marker: str, body: str) -> str:
    start, end = text.index(start_marker), text.index(end_marker)
    return text[: start + len(start_marker)] + "\n" + body + "\n" + text[end:]


COUNTERPARTS_START = (
    "<!-- counterparts-table:start (generated: python -m invokelint.rules.docs) -->"
)
COUNTERPARTS_END = "<!-- counterparts-table:end -->"
COMING_FROM = Path("docs") / "coming-from.md"


def counterparts_table() -> str:
    """Every rule of another linter that meets an invokelint rule, from the rules' metadata."""
    from invokelint.rules import all_rules

    rows = [
        "| other linter | its rule | invokelint | relation | together |",
        "|---|---|---|---|---|",
    ]
    pairs = sorted(
        ((c, rule) for rule in all_rules() for c in rule.counterparts),
        key=lambda pair: (pair[0].tool, pair[0].rule, pair[1].id),
    )
    rows += [
        f"| {c.tool} | {c.rule} | [{r.id}](../rules/{r.id}.md) `{r.name}` | {c.relation} "
        f"| {c.note} |"
        for c, r in pairs
    ]
    return "\n".join(rows)


def with_counterparts_table(page: str) -> str:
    return _between(page, COUNTERPARTS_START, COUNTERPARTS_END, counterparts_table())


if __name__ == "__main__":  # python -m invokelint.rules.docs [rules/ [README.md]]
    for page in write_pages(Path(sys.argv[1] if len(sys.argv) > 1 else "rules")):
        print(page)
    readme = Path(sys.argv[2] if len(sys.argv) > 2 else "README.md")
    if readme.is_file():
        readme.write_text(with_rules_table(readme.read_text(encoding="utf-8")), encoding="utf-8")
        print(readme)
    coming_from = readme.parent / COMING_FROM
    if coming_from.is_file():
        text = with_counterparts_table(coming_from.read_text(encoding="utf-8"))
        coming_from.write_text(text, encoding="utf-8")
        print(coming_from)
