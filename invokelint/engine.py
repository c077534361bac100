"""One lint run: discover files, load them, build models, run rules, filter results.

Parsed documents are cached by content hash. A linter that an editor keeps for a project
(``incremental=True``) also keeps each template's model and findings between runs, so a
re-lint after one keystroke rebuilds only what the edit can change (see
``invokelint.incremental``).
"""

from __future__ import annotations

import gc
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from invokelint import cache, parallel
from invokelint.code.budget import CodeBudget
from invokelint.config import Config
from invokelint.diagnostics import Diagnostic, Severity, in_terms
from invokelint.discovery import (
    CloudAssembly,
    TerraformModule,
    discover,
    may_be_template,
    named_as_template,
)
from invokelint.frontends.loader import Document, ParseError, load_json, load_yaml
from invokelint.incremental import CodeFacts, Memo, Template, code_inputs, signature
from invokelint.isolation import InternalError, isolated
from invokelint.limits import MAX_FILE_BYTES
from invokelint.model import InvocationModel, Location
from invokelint.rules import all_rules
from invokelint.rules.base import Rule
from invokelint.suppressions import inline_suppressions, is_suppressed

_CACHE_LIMIT = 512
_JSON_START = re.compile(r"\s*\{")
_documents: dict[tuple[bool, str], Document] = {}

if TYPE_CHECKING:
    from invokelint.frontends.terraform.configuration import Configuration


@dataclass
class LintResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)  # display paths of linted files
    failed: list[str] = field(default_factory=list)  # files that could not be read or parsed
    statistics: Counter[str] = field(default_factory=Counter)  # e.g. "templates", "functions"
    models: list[InvocationModel] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)  # ids of the rules that ran, IL001 included
    skipped: dict[str, str] = field(default_factory=dict)  # display path -> why it was not linted
    warnings: list[str] = field(default_factory=list)  # files skipped, budgets spent

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity is severity)

    def worst(self) -> Severity | None:
        return max((d.severity for d in self.diagnostics), key=lambda s: s.rank, default=None)


class Linter:
    """Lints paths with one configuration; reusable across runs (the language server)."""

    def __init__(
        self,
        config: Config | None = None,
        *,
        cwd: Path | None = None,
        var_files: Sequence[Path] = (),
        variables: Mapping[str, str] | None = None,
        disk_cache: cache.DiskCache | None = None,
        jobs: int = 1,
        incremental: bool = False,
    ) -> None:
        self.config = config or Config()
        # what the previous run built, for an editor's re-lint
        self.memo = Memo() if incremental else None
        self.disk_cache = disk_cache  # parsed files kept between runs (the command line)
        self.jobs = jobs  # processes for the template files of a large run
        # ``result.models`` whole (the graph); False: only what the filter reads of them,
        # which is all a ``--jobs`` worker then sends back.
        self.keeps_models = True
        # Terraform input variables, as ``terraform plan -var-file``/``-var`` take them.
        self.var_files = [Path(path).resolve() for path in var_files]
        self.variables = dict(variables or {})
        self.cwd = (cwd or Path.cwd()).resolve()
        rules = all_rules()
        self.rules: list[Rule] = [
            rule(self.config.rule_options.get(rule.id))
            for rule in rules
            if self.config.enabled(rule.id) and rule.id not in INPUT_ERRORS
        ]
        self.names = {rule.name: rule.id for rule in rules}
        # A file that cannot be parsed is reported whatever ``select`` says (a narrow
        # selection must not turn a broken template green); only ignoring IL001 hides it.
        self.parse_error_enabled = not self.config.is_ignored(PARSE_ERROR)
        self.internal_error_enabled = not self.config.is_ignored(INTERNAL_ERROR)
        self.problems_enabled = self.config.enabled(PARSE_ERROR)
        # Handler code is read for the code rules, or to report handlers that do not parse.
        self.reads_code = self.config.analyse_code and (
            self.problems_enabled or any(rule.uses_code for rule in self.rules)
        )
        self.given: set[Path] = set()  # the folders given (a file: its folder), resolved

    def lint(self, paths: Iterable[Path], overlays: Mapping[Path, str] | None = None) -> LintResult:
        """Lint every template under ``paths``; ``overlays`` holds unsaved editor text."""
        # A lint builds one large graph of objects that all stay alive until it ends (the
        # model, and the syntax trees behind it): the cyclic collector would rescan it
        # again and again to free nothing (a tenth of a 3,000-resource lint). Pause it.
        paused = gc.isenabled()
        gc.disable()
        try:
            with cache.using(self.disk_cache):
                return self._lint(paths, overlays)
        finally:
            if paused:
                gc.enable()

    def _lint(self, paths: Iterable[Path], overlays: Mapping[Path, str] | None) -> LintResult:
        overlays = {p.resolve(): text for p, text in (overlays or {}).items()}
        result = LintResult(rules=self.rule_ids())
        comments: dict[str, dict[int, frozenset[str]]] = {}
        found: list[Diagnostic] = []
        paths = list(paths)
        self.given = {p.resolve() if p.is_dir() else p.resolve().parent for p in paths}
        self.budget = CodeBudget()  # handler code read by this run, all templates together
        if self.memo is not None:
            self.memo.begin()
        buffers = [p for p in paths if p.resolve() in overlays]  # stdin need not be on disk
        walks = self.memo.walks if self.memo is not None else None
        on_disk = discover(
            [p for p in paths if p not in buffers], self.config, result.warnings, walks
        )
        named = {p.resolve() for p in buffers}
        units = [_buffer_unit(p) for p in buffers]
        units += [
            u for u in on_disk if not named or not isinstance(u, Path) or u.resolve() not in named
        ]
        planned: set[Path] = set()  # folders whose plan JSON stands for their module
        modules: list[tuple[TerraformModule, LintResult, list[Diagnostic], list[str]]] = []
        files = [u for u in units if isinstance(u, Path)]  # templates: the pool's work
        pooled = iter(self._lint_in_pool(files, overlays))
        for unit in units:
            if isinstance(unit, TerraformModule):
                if unit.directory.resolve() not in planned:
                    # One module is one unit of work: a bug on it becomes its IL000.
                    own = LintResult()
                    outcome = isolated(
                        self.display_path(unit.directory),
                        lambda u=unit, o=own: self._lint_terraform(u, overlays, o, comments),
                    )
                    if isinstance(outcome, InternalError):
                        found.extend(self._reported(outcome, result))
                    else:
                        modules.append((unit, own, *outcome))
            elif isinstance(unit, CloudAssembly):
                outcome = isolated(
                    self.display_path(unit.directory / "manifest.json"),
                    lambda u=unit: self._lint_assembly(u, overlays, result, comments, planned),
                )
                found.extend(self._reported(outcome, result))
            elif (outcome := next(pooled, None)) is not None:
                parallel.merge(outcome, result, comments, planned, self.budget)
                found.extend(outcome.diagnostics)
            else:
                # One file is one unit of work: a bug on it becomes its IL000, not the run's.
                outcome = isolated(
                    self.display_path(unit),
                    lambda u=unit: self._lint_file(u, overlays, result, comments, planned),
                )
                found.extend(self._reported(outcome, result))
        found.extend(_root_modules(modules, result))
        if self.memo is not None:
            self.memo.end()
        result.warnings.extend(self.budget.warnings())
        unique = dict.fromkeys(found)  # a module shared by two templates reports once
        result.diagnostics = sorted(self._filter(unique, result, comments), key=Diagnostic.sort_key)
        # A failure fails the run only while its IL000/IL001 is still reported.
        reported = {d.path for d in result.diagnostics if d.code in INPUT_ERRORS}
        for path in result.failed:
            if path not in reported:
                result.skipped[path] = "cannot be parsed, and IL001 is ignored"
        result.failed = [path for path in result.failed if path in reported]
        return result

    def _lint_in_pool(
        self, files: list[Path], overlays: Mapping[Path, str]
    ) -> list[parallel.FileOutcome]:
        """The outcomes of ``files`` linted by ``--jobs`` workers; none for a small run."""
        return parallel.lint_files(self, files, overlays) or [] if self.jobs > 1 else []

    def rule_ids(self) -> list[str]:
        """The rules this linter runs, in id order (reporters list passing checks too)."""
        ids = [rule.id for rule in self.rules]
        if self.parse_error_enabled:
            ids.append(PARSE_ERROR)
        if self.internal_error_enabled:
            ids.append(INTERNAL_ERROR)
        return sorted(ids)

    def _reported(
        self, outcome: list[Diagnostic] | InternalError, result: LintResult
    ) -> list[Diagnostic]:
        """A unit's diagnostics, or the IL000 that replaces them when it failed."""
        if not isinstance(outcome, InternalError):
            return outcome
        if outcome.path not in result.failed:
            result.failed.append(outcome.path)
        result.statistics["internal errors"] += 1
        location = Location(outcome.path, 1, 1, 1, 2)
        return [
            Diagnostic(INTERNAL_ERROR, "internal-error", Severity.ERROR, outcome.message, location)
        ]

    # -- one file
    def _lint_file(
        self,
        path: Path,
        overlays: Mapping[Path, str],
        result: LintResult,
        comments: dict[str, dict[int, frozenset[str]]],
        planned: set[Path],
    ) -> list[Diagnostic]:
        known = self.memo.template(path, overlays) if self.memo is not None else None
        if known is not None:
            return self._judge(known, path, overlays, result, comments)
        resolved = path.resolve() if self.memo is not None else path
        # a buffer by its text; a file by its stat, taken before it is read (a write in
        # between leaves a stat that no longer matches: read again next time)
        disk = signature(path, {}) if self.memo is not None and resolved not in overlays else None
        display = self.display_path(path)
        text, error = _read(path, overlays)
        if error is not None:
            # Unreadable: report it if it is meant to be a template (by name, or by what
            # could be decoded of a file that is not UTF-8); anything else is not ours to judge.
            if not named_as_template(path) and not (text is not None and may_be_template(text)):
                result.skipped[display] = f"cannot be read ({error.message}) and is no template"
                return []
            result.failed.append(display)
            return [self._parse_error(display, error)]
        assert text is not None
        if path.suffix == ".json" and _looks_like_plan(text):
            return self._lint_plan(path, text, overlays, result, comments, planned)
        service = _may_be_service(path, text)
        if not service and not named_as_template(path) and not may_be_template(text):
            result.skipped[display] = NOT_A_TEMPLATE
            return []
        is_json = _is_json(path, text)
        previous = self.memo.previous(path) if self.memo and not is_json else None
        try:
            document = _load(text, is_json=is_json, previous=previous)
        except ParseError as error:
            result.failed.append(display)
            return [self._parse_error(display, error)]
        from invokelint.frontends.cloudformation import build_model, is_template

        if service:
            from invokelint.frontends.serverless import build_model as build_service
            from invokelint.frontends.serverless import is_service

            service = is_service(document.root)
        if not service and not is_template(document.root):
            result.skipped[display] = NOT_A_TEMPLATE
            return []
        # Problems in a file that loaded (duplicate keys) are findings like any other.
        problems = document.problems if self.problems_enabled else []
        build = build_service if service else build_model
        model = build(document.root, display, str(path.parent))
        if not service and path.suffix == ".json":
            from invokelint.frontends.serverless.packaged import is_packaged

            if is_packaged(path):  # generated output: a fix belongs in serverless.yml
                model.fixable_lines = (0, 0)
        template = Template(
            text=text,
            resolved=resolved,
            disk=disk,
            display=display,
            service=service,
            model=model,
            problems=[
                self._parse_error(display, ParseError(p.message, p.pos[0], p.pos[1]), p.pos[2:])
                for p in problems
            ],
            comments=inline_suppressions(text, self.names),
            document=document if self.memo is not None else None,
        )
        if self.memo is not None:
            self.memo.keep(path, template)
        return self._judge(template, path, overlays, result, comments)

    def _judge(
        self,
        template: Template,
        path: Path,
        overlays: Mapping[Path, str],
        result: LintResult,
        comments: dict[str, dict[int, frozenset[str]]],
    ) -> list[Diagnostic]:
        """A modelled template's findings: its code facts and every rule; the findings
        that cannot have changed since the last run are taken from it."""
        display, model = template.display, template.model
        result.checked.append(display)
        result.statistics["templates"] += 1
        comments[display] = template.comments
        result.models.append(model)
        result.statistics["functions"] += len(model.functions)
        diagnostics = list(template.problems)
        facts = None
        if self.reads_code and self.memo is None:
            diagnostics.extend(
                self._analyse_code(model, path, template.text, overlays, result, comments)
            )
        elif self.reads_code:
            facts = self._code_facts(template, path, overlays, result, comments)
            diagnostics.extend(facts.diagnostics)
        for rule in self.rules:
            kept = template.findings if not rule.uses_code else facts and facts.findings
            found = kept.get(rule.id) if kept is not None and self.memo is not None else None
            if found is None:
                found = [
                    _fix_within(replace(d, message=in_terms(d.message, model.terms)), model)
                    for d in rule.check(model)
                ]
                if kept is not None and self.memo is not None:
                    kept[rule.id] = found
            diagnostics.extend(found)
        if not template.service:
            diagnostics = self._to_service(path, display, diagnostics, overlays, comments)
        return diagnostics

    def _code_facts(
        self,
        template: Template,
        path: Path,
        overlays: Mapping[Path, str],
        result: LintResult,
        comments: dict[str, dict[int, frozenset[str]]],
    ) -> CodeFacts:
        """The template's handler code facts, read again only if something they read
        may have changed, and added to its model and the run."""
        assert self.memo is not None
        model = template.model
        facts = self.memo.code(template, overlays)
        if facts is None:
            own, own_comments = LintResult(), {}
            read, used = set(self.budget.read), self.budget.used_bytes
            notes = Counter(self.budget.notes)
            found = self._analyse_code(model, path, template.text, overlays, own, own_comments)
            modules = {(self.cwd / shown).resolve() for shown in own_comments}
            facts = CodeFacts(
                stamps={p: signature(p, overlays) for p in code_inputs(model, modules)},
                diagnostics=found,
                handlers=model.handlers,
                statistics=own.statistics,
                warnings=own.warnings,
                failed=own.failed,
                comments=own_comments,
                budget_read=self.budget.read - read,
                budget_bytes=self.budget.used_bytes - used,
            )
            # Which modules a spent budget admits depends on the order: never kept.
            template.code = None if self.budget.notes - notes else facts
        else:
            model.handlers = facts.handlers
            self.budget.read |= facts.budget_read
            self.budget.used_bytes += facts.budget_bytes
        result.statistics.update(facts.statistics)
        result.warnings.extend(facts.warnings)
        result.failed.extend(f for f in facts.failed if f not in result.failed)
        comments.update(facts.comments)
        return facts

    def _to_service(
        self,
        path: Path,
        display: str,
        diagnostics: list[Diagnostic],
        overlays: Mapping[Path, str],
        comments: dict[str, dict[int, frozenset[str]]],
    ) -> list[Diagnostic]:
        """Findings in a packaged ``.serverless`` template, moved to the ``serverless.yml``
        lines they come from (the generated line kept as related)."""
        from invokelint.frontends.serverless.packaged import SourceIndex, service_beside

        source = service_beside(path)
        text = _read(source, overlays)[0] if source is not None else None
        if source is None or text is None:
            return diagnostics
        try:
            root = _load(text, is_json=False).root
        except ParseError:
            return diagnostics  # linted on its own, where its parse error is reported
        shown = self.display_path(source)
        index = SourceIndex(root, shown)
        terms = index.terms(d.resource for d in diagnostics)
        comments[shown] = inline_suppressions(text, self.names)
        moved = []
        for d in diagnostics:
            where = index.find(d.resource) if d.location.path == display else None
            if where is None:
                moved.append(d)
            else:
                related = (d.location, *d.related)
                message = in_terms(d.message, terms)
                moved.append(
                    replace(
                        d,
                        message=message,
                        location=where,
                        resource_location=where,
                        related=related,
                    )
                )
        return moved

    def _lint_assembly(
        self,
        unit: CloudAssembly,
        overlays: Mapping[Path, str],
        result: LintResult,
        comments: dict[str, dict[int, frozenset[str]]],
        planned: set[Path],
    ) -> list[Diagnostic]:
        """Every stack template of a CDK cloud assembly, each through the CloudFormation
        path; findings are named by construct (and placed at its source line if traced)."""
        from invokelint.cdk_findings import name_constructs, template_constructs
        from invokelint.frontends.cdk.assembly import AssemblyError, read_assembly

        try:
            stacks = read_assembly(unit.directory)
        except AssemblyError as problem:
            display = self.display_path(problem.path)
            result.failed.append(display)
            return [self._parse_error(display, problem.error)]
        result.statistics["cdk stacks"] += len(stacks)
        found: list[Diagnostic] = []
        for stack in stacks:
            diagnostics = self._lint_file(stack.template, overlays, result, comments, planned)
            if not diagnostics:
                continue
            text, _ = _read(stack.template, overlays)
            try:
                from_template = template_constructs(_load(text, is_json=True).root) if text else {}
            except ParseError:  # reported as the template's IL001 just above
                from_template = {}
            constructs = {**from_template, **stack.constructs}
            display = self.display_path(stack.template)
            named = name_constructs(diagnostics, constructs, display, self.display_path, stack.app)
            found.extend(named)
        return found

    def _lint_terraform(
        self,
        unit: TerraformModule,
        overlays: Mapping[Path, str],
        result: LintResult,
        comments: dict[str, dict[int, frozenset[str]]],
    ) -> tuple[list[Diagnostic], list[str]]:
        """One Terraform module (with the local modules it calls) into one model; also
        the folders it read as called modules."""
        from invokelint.frontends.terraform import load_module

        configuration = load_module(
            unit.directory,
            files=unit.files,
            overlays=overlays,
            var_files=self.var_files,
            variables=self.variables,
            display_path=self.display_path,
            root=self.code_root(unit.directory / "main.tf"),
        )
        diagnostics = self._lint_configuration(
            configuration, unit.directory, overlays, result, comments
        )
        return diagnostics, configuration.module_folders

    def _lint_plan(
        self,
        path: Path,
        text: str,
        overlays: Mapping[Path, str],
        result: LintResult,
        comments: dict[str, dict[int, frozenset[str]]],
        planned: set[Path],
    ) -> list[Diagnostic]:
        """A ``terraform show -json`` plan; findings point at the ``.tf`` beside it, if any."""
        from invokelint.discovery import is_terraform
        from invokelint.frontends.terraform import attach_source_locations, load_module
        from invokelint.frontends.terraform.plan import load_plan

        folder = path.parent
        configuration = load_plan(text, self.display_path(path), str(folder.resolve()))
        if not configuration.problems and any(is_terraform(p) for p in _files_in(folder)):
            planned.add(folder.resolve())
            source = load_module(
                folder,
                overlays=overlays,
                display_path=self.display_path,
                root=self.code_root(path),
            )
            attach_source_locations(configuration, source)
            configuration.files.extend(f for f in source.files if f not in configuration.files)
            configuration.sources.update(source.sources)
        return self._lint_configuration(configuration, folder, overlays, result, comments)

    def _lint_configuration(
        self,
        configuration: Configuration,
        folder: Path,
        overlays: Mapping[Path, str],
        result: LintResult,
        comments: dict[str, dict[int, frozenset[str]]],
    ) -> list[Diagnostic]:
        from invokelint.frontends.terraform import build_model
        from invokelint.frontends.terraform.terms import TERRAFORM_TERMS

        diagnostics = []
        for problem in configuration.problems:
            where = problem.location
            if where.path not in result.failed:
                result.failed.append(where.path)
            error = ParseError(problem.message, where.line, where.column)
            diagnostics.append(self._parse_error(where.path, error))
        failed = set(result.failed)
        result.checked.extend(f for f in configuration.files if f not in failed)
        result.statistics["terraform modules"] += configuration.statistics.get("modules", 1)
        result.statistics["terraform files"] += len(configuration.files)
        for display, source in configuration.sources.items():
            comments[display] = inline_suppressions(source, self.names)
        model = build_model(configuration)
        model.terms = TERRAFORM_TERMS
        result.models.append(model)
        result.statistics["functions"] += len(model.functions)
        if self.reads_code:
            anchor = folder / "main.tf"  # code is read inside the module's project root
            diagnostics.extend(self._analyse_code(model, anchor, "", overlays, result, comments))
        for rule in self.rules:
            diagnostics.extend(
                replace(d, message=in_terms(d.message, model.terms)) for d in rule.check(model)
            )
        return diagnostics

    def _analyse_code(
        self,
        model: InvocationModel,
        path: Path,
        text: str,
        overlays: Mapping[Path, str],
        result: LintResult,
        comments: dict[str, dict[int, frozenset[str]]],
    ) -> list[Diagnostic]:
        """Read the handlers' Python code into ``model.handlers``; IL001 for broken files."""
        from invokelint.code.analyse import analyse_model
        from invokelint.code.resolve import Project

        root = self.code_root(path)
        project = Project(root, text, self.display_path(path), self.display_path, overlays)
        report = analyse_model(model, project, self.budget)
        model.handlers = report.handlers
        problems = [d for failure in report.failures for d in self._reported(failure, result)]
        result.statistics.update(report.statistics)
        result.warnings.extend(report.warnings)
        for display, source in report.sources.items():
            comments[display] = inline_suppressions(source, self.names)
        for location, message in report.problems:
            if location.path not in result.failed:
                result.failed.append(location.path)
            error = ParseError(message, location.line, location.column)
            problems.append(self._parse_error(location.path, error))
        return problems

    def code_root(self, template: Path) -> Path:
        """Handler code is read only inside this folder (``CodeUri: ../..`` is not followed).

        The config file's folder marks the project when it holds the template; without
        one, the folder given on the command line (or the given file's folder) does.
        """
        template = template.resolve()
        if self.config.path is not None:
            project = self.config.path.resolve().parent
            if template.is_relative_to(project):
                return project
        # The outermost given folder holding it: a walk down from the filesystem's root,
        # not a scan of every given path (a pre-commit file list gives thousands).
        for folder in reversed(template.parents):
            if folder in self.given:
                return folder
        return template.parent

    def _parse_error(
        self, display: str, error: ParseError, end: tuple[int, int] | None = None
    ) -> Diagnostic:
        """IL001 at the parser's position; ``end`` spans what is wrong when it is known
        (the whole of a duplicate key), else one character."""
        end_line, end_column = end or (error.line, error.column + 1)
        location = Location(display, error.line, error.column, end_line, end_column)
        return Diagnostic(
            code=PARSE_ERROR,
            name="parse-error",
            severity=Severity.ERROR,
            message=error.message,
            location=location,
        )

    # -- filtering
    def _filter(
        self,
        diagnostics: Iterable[Diagnostic],
        result: LintResult,
        comments: Mapping[str, Mapping[int, frozenset[str]]],
    ) -> Iterable[Diagnostic]:
        ignores = _resource_ignores(result.models)
        for diagnostic in diagnostics:
            if diagnostic.code == PARSE_ERROR and not self.parse_error_enabled:
                continue
            if diagnostic.code == INTERNAL_ERROR and not self.internal_error_enabled:
                continue
            # display paths are relative to ``self.cwd``, which need not be the process's
            if self.config.ignored_in(diagnostic.code, str(self.cwd / diagnostic.path)):
                continue
            # a finding in handler code is about a resource of the template that names it
            where = diagnostic.resource_location or diagnostic.location
            resource_ignores = ignores.get((where.path, diagnostic.resource), frozenset())
            if is_suppressed(diagnostic, comments, resource_ignores):
                result.statistics["suppressed"] += 1
                continue
            override = self.config.severity.get(diagnostic.code)
            yield diagnostic.with_severity(override) if override else diagnostic

    def display_path(self, path: Path) -> str:
        """Relative to the working folder when inside it, as users type paths."""
        absolute = Path(os.path.abspath(path))
        try:
            return absolute.relative_to(self.cwd).as_posix()
        except ValueError:
            return absolute.as_posix()


INTERNAL_ERROR = "IL000"
PARSE_ERROR = "IL001"


def _root_modules(
    modules: list[tuple[TerraformModule, LintResult, list[Diagnostic], list[str]]],
    result: LintResult,
) -> list[Diagnostic]:
    """The findings of root modules: a folder that another module of the run calls is
    linted through that call (with its arguments), not again on its own with its
    variables unknown; unless the user named its files."""
    called = {folder for *_, children in modules for folder in children}
    found: list[Diagnostic] = []
    checked: dict[str, None] = {}  # a module that several roots call is read by each of them
    failed: dict[str, None] = {}
    for unit, own, diagnostics, _ in modules:
        if unit.files is None and os.path.realpath(unit.directory) in called:
            continue
        checked.update(dict.fromkeys(own.checked))
        failed.update(dict.fromkeys(own.failed))
        result.skipped.update(own.skipped)
        result.warnings.extend(own.warnings)
        result.statistics.update(
            {name: count for name, count in own.statistics.items() if name not in _COUNTED_ONCE}
        )
        result.models.extend(own.models)
        found.extend(diagnostics)
    result.checked.extend(checked)
    result.failed.extend(failed)
    files = [*checked, *(f for f in failed if f not in checked)]
    if files:
        result.statistics["terraform files"] += len(files)
        result.statistics["terraform modules"] += len({os.path.dirname(f) for f in files})
    return found


def _looks_like_plan(text: str) -> bool:
    """``terraform show -json`` output, by the plan reader's own cheap test."""
    if '"planned_values"' not in text:  # most JSON files stop here, with no import
        return False
    from invokelint.frontends.terraform.plan import looks_like_plan

    return looks_like_plan(text)


def _buffer_unit(path: Path) -> Path | TerraformModule:
    """A buffer from standard input: a template, or a Terraform module of that file."""
    from invokelint.discovery import is_terraform

    return TerraformModule(path.parent, (path,)) if is_terraform(path) else path


_COUNTED_ONCE = frozenset({"terraform files", "terraform modules"})


def _files_in(folder: Path) -> list[Path]:
    try:
        return [entry for entry in folder.iterdir() if entry.is_file()]
    except OSError:
        return []


NOT_A_TEMPLATE = "not a template: no top-level Resources holding AWS:: types"


# Reported whatever ``select`` says (only ``ignore`` hides them); they fail the run.
INPUT_ERRORS = frozenset({INTERNAL_ERROR, PARSE_ERROR})


def _read(path: Path, overlays: Mapping[Path, str]) -> tuple[str | None, ParseError | None]:
    """The file's text, or why it cannot be read (with a lossy decoding when not UTF-8)."""
    overlay = overlays.get(path.resolve()) if overlays else None
    if overlay is not None:  # an editor's buffer is bounded like the file it stands for
        if len(overlay.encode("utf-8", "replace")) > MAX_FILE_BYTES:
            return None, _too_large()
        return overlay, None
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, _too_large()
        data = path.read_bytes()
    except OSError as exc:
        return None, ParseError(f"cannot read file: {exc.strerror or exc}")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        error = ParseError("file is not UTF-8 text", line, column)
        return data.decode("utf-8", "replace"), error


def _too_large() -> ParseError:
    return ParseError(f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")


def _may_be_service(path: Path, text: str) -> bool:
    """A Serverless Framework service file (``serverless.yml``), by name or top-level keys."""
    if path.suffix not in (".yml", ".yaml"):
        return False
    from invokelint.frontends.serverless import may_be_service

    return may_be_service(path.name, text)


def _is_json(path: Path, text: str) -> bool:
    """``.json``, or a ``.template`` that starts with ``{``: CloudFormation reads it as JSON."""
    if path.suffix == ".json":
        return True
    return path.suffix == ".template" and _JSON_START.match(text) is not None


def clear_cache() -> None:
    """Forget every parsed document (benchmarks; a server that wants its memory back)."""
    _documents.clear()


def _fix_within(d: Diagnostic, model: InvocationModel) -> Diagnostic:
    """``d`` without its fix when an edit falls outside the lines fixes may edit (the
    ``functions`` of a serverless.yml, which CloudFormation's property names would garble)."""
    lines = model.fixable_lines
    if lines is None or d.fix is None:
        return d
    first, last = lines
    if all(first <= edit.anchor.line <= last for edit in d.fix.edits):
        return d
    return replace(d, fix=None)


def _load(text: str, *, is_json: bool, previous: Template | None = None) -> Document:
    """The parsed text; after an edit of ``previous``'s, YAML is re-parsed only in the
    resource the edit touched, when that can be done safely."""
    key = (is_json, cache.content_key(text))
    document = _documents.get(key)
    if document is None and previous is not None and previous.document is not None:
        from invokelint.frontends.reparse import reparse

        document = reparse(previous.text, previous.document, text)
    if document is None:
        if len(_documents) >= _CACHE_LIMIT:
            _documents.clear()
        disk = cache.active()
        kind = "json" if is_json else "yaml"
        document = disk.get(kind, text) if disk is not None else None
        if not isinstance(document, Document):
            document = load_json(text) if is_json else load_yaml(text)
            if disk is not None:
                disk.put(kind, text, document)
        _documents[key] = document
    return document


def _resource_ignores(
    models: list[InvocationModel],
) -> dict[tuple[str, str | None], frozenset[str]]:
    ignores: dict[tuple[str, str | None], frozenset[str]] = {}
    for model in models:
        for path in model.paths:
            for resource in model.resources.values():
                if resource.ignores:
                    ignores[(path, resource.id)] = resource.ignores
    return ignores
