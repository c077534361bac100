"""The writer for YAML and JSON templates: span edits on the positioned loader's tree.

Only the characters of an edited value, or the lines of an inserted or removed entry,
change: comments, key order, quoting, flow style, indentation and short tags elsewhere
stay byte for byte. Every fix is checked by loading the result again: it must parse and
equal the original data with exactly the fix's edits applied, or it is dropped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from invokelint.fixes import Edit, Fix
from invokelint.frontends.loader import ParseError, load_json, load_yaml
from invokelint.frontends.positioned import Map, Seq

if TYPE_CHECKING:
    from invokelint.diagnostics import Diagnostic
    from invokelint.model import InvocationModel

HCL_SUFFIXES = (".tf", ".tofu")
TERRAFORM_JSON = (".tf.json", ".tofu.json")

# A line as YAML and JSON count them (libyaml's other breaks, U+0085 and U+2028/9, are
# rare enough that a misplaced edit is caught by the re-parse check instead).
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


class Unfixable(Exception):
    """This edit cannot be written exactly here (a JSON string policy, a short tag...)."""


@dataclass
class Outcome:
    text: str
    applied: list[Fix] = field(default_factory=list)
    dropped: list[tuple[Fix, str]] = field(default_factory=list)  # reported as warnings
    # no fix belongs there (a Terraform variable, plan JSON): the finding stays, unwarned
    skipped: list[tuple[Fix, str]] = field(default_factory=list)

    def take(self, fix: Fix, new: str) -> None:
        """``new`` is the text with ``fix`` applied; a fix already in place counts for nothing."""
        if new != self.text:
            self.text = new
            self.applied.append(fix)


def apply_fixes(text: str, path: str, fixes: Iterable[Fix]) -> Outcome:
    """``text`` with every fix that applies cleanly, one after the other.

    Anchors name places in ``text``; they are turned into key paths once, so a fix
    applied earlier (that moved lines) does not misplace a later one. Terraform HCL goes
    to its own writer, ``.tf.json`` through Terraform's names to this one; plan output
    is not fixed.
    """
    if path.endswith(HCL_SUFFIXES + TERRAFORM_JSON):
        from invokelint.fixes.hcl_writer import apply_hcl_fixes, apply_tf_json_fixes

        write = apply_tf_json_fixes if path.endswith(TERRAFORM_JSON) else apply_hcl_fixes
        return write(text, path, fixes)
    if _is_plan(text):
        outcome = Outcome(text)
        outcome.skipped.extend((fix, "plan JSON is not fixed") for fix in fixes)
        return outcome
    return apply_template_fixes(text, path, fixes)


def apply_template_fixes(text: str, path: str, fixes: Iterable[Fix]) -> Outcome:
    """The YAML and JSON writer (``apply_fixes`` without the dispatch)."""
    outcome = Outcome(text)
    load = load_json if _is_json(path, text) else load_yaml
    try:
        root = load(text).root
    except ParseError as exc:
        outcome.dropped.extend((fix, f"the file does not parse: {exc.message}") for fix in fixes)
        return outcome
    for fix in fixes:
        try:
            trails = [_trail_to(root, edit.anchor) for edit in fix.edits]
            if any(trail is None for trail in trails):
                raise Unfixable("a fix's anchor names no key of the file")
            new = _apply(outcome.text, path, fix, trails)  # type: ignore[arg-type]
        except Unfixable as exc:
            outcome.dropped.append((fix, str(exc)))
        else:
            outcome.take(fix, new)
    return outcome


def _apply(text: str, path: str, fix: Fix, trails: list[list]) -> str:
    """``text`` with ``fix`` applied; raises ``Unfixable`` rather than write a guess."""
    is_json = _is_json(path, text)
    load = load_json if is_json else load_yaml
    new = text
    expected = _plain(load(text).root)
    for edit, trail in zip(fix.edits, trails, strict=True):
        new = _Writer(new, load(new).root, is_json).apply(trail, edit)
        _apply_data(expected, [*trail, *edit.path], edit)
    try:
        result = _plain(load(new).root)
    except ParseError as exc:
        raise Unfixable(f"the result would not parse: {exc.message}") from None
    if result != expected:
        raise Unfixable("the result would change more than the fix's edits")
    return new


def _apply_data(expected: Any, full: list, edit: Edit) -> None:
    """Apply ``edit`` to the plain data ``expected`` (what the result must equal)."""
    node = expected
    for step in full[:-1]:
        node = node.setdefault(step, {}) if isinstance(node, dict) else node[step]
    if not isinstance(node, dict):
        raise Unfixable("the property sits in a value that is not a mapping")
    if edit.remove:
        node.pop(full[-1], None)
    else:
        node[full[-1]] = _plain(edit.value)


def _trail_to(node: Any, anchor: Any, trail: tuple = ()) -> list | None:
    """The keys (and indexes) from the root to the key written at ``anchor``."""
    if isinstance(node, Map):
        for key, value in node.items():
            pos = node.key_pos.get(key)
            if pos and (pos[0], pos[1]) == (anchor.line, anchor.column):
                return [*trail, key]
            found = _trail_to(value, anchor, (*trail, key))
            if found is not None:
                return found
    elif isinstance(node, Seq):
        for index, item in enumerate(node):
            found = _trail_to(item, anchor, (*trail, index))
            if found is not None:
                return found
    return None


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: _plain(value) for key, value in node.items()}
    if isinstance(node, (list, tuple)):
        return [_plain(item) for item in node]
    return node


def offered(diagnostic: Diagnostic, planned: Collection[str] = ()) -> bool:
    """Whether ``diagnostic``'s fix may be written. Not in Terraform for a resource of a
    called module (every caller shares its file) nor in a file that a plan beside it
    stands for (``planned``: the plan, not the file, is what the next lint reads)."""
    fix = diagnostic.fix
    if fix is None:
        return False
    if not fix.path.endswith(HCL_SUFFIXES + TERRAFORM_JSON):
        return True
    return not (diagnostic.resource or "").startswith("module.") and fix.path not in planned


def title(fix: Fix) -> str:
    """What the fix does, in the words of the file it edits (``visibility_timeout_seconds``
    in a ``.tf`` file, as the diagnostic's message says it)."""
    if not fix.path.endswith(HCL_SUFFIXES):
        return fix.title
    from invokelint.diagnostics import in_terms
    from invokelint.frontends.terraform.terms import TERRAFORM_TERMS

    return in_terms(fix.title, TERRAFORM_TERMS)


def planned_files(models: Iterable[InvocationModel]) -> set[str]:
    """The files of every model read from plan JSON (``offered``'s ``planned``)."""
    return {
        path
        for model in models
        if any(p.endswith(".json") and not p.endswith(TERRAFORM_JSON) for p in model.paths)
        and any(p.endswith(HCL_SUFFIXES) for p in model.paths)
        for path in model.paths
    }


def _is_plan(text: str) -> bool:
    """``terraform show -json`` output (its findings name Terraform attributes)."""
    if '"planned_values"' not in text:  # most files stop here, with no import
        return False
    from invokelint.frontends.terraform.plan import looks_like_plan

    return looks_like_plan(text)


def _is_json(path: str, text: str) -> bool:
    return path.endswith(".json") or text.lstrip().startswith("{")


class _Writer:
    def __init__(self, text: str, root: Any, is_json: bool) -> None:
        self.text = text
        self.lines = _LINE.findall(text)  # str.splitlines also splits at \f, \v, ...
        self.root = root
        self.json = is_json
        self.newline = "\r\n" if "\r\n" in text else "\n"

    def apply(self, trail: list, edit: Edit) -> str:
        holder, key = self._resolve(trail[:-1]), trail[-1]
        if edit.key is not None and key != edit.key:
            raise Unfixable(f"the anchor names '{key}', not '{edit.key}'")
        keys = list(edit.path)
        while keys and key in holder:  # descend through the mappings that exist
            value = holder[key]
            if not isinstance(value, Map) or _is_intrinsic(value):
                raise Unfixable(f"'{key}' is not a mapping the fix can edit")
            holder, key = value, keys.pop(0)
        if key in holder:
            return self._remove(holder, key) if edit.remove else self._set(holder, key, edit)
        if edit.remove:
            return self.text  # already absent
        return self._insert(holder, (key, *keys), edit.value)

    def _resolve(self, trail: list) -> Any:
        node = self.root
        for step in trail:
            node = node[step]
        return node

    # -- offsets
    def _offset(self, line: int, column: int) -> int:
        return sum(len(text) for text in self.lines[: line - 1]) + column - 1

    def _splice(self, start: int, end: int, new: str) -> str:
        return self.text[:start] + new + self.text[end:]

    # -- edits
    def _set(self, holder: Map, key: str, edit: Edit) -> str:
        value = holder[key]
        if isinstance(value, (Map, Seq)) and not isinstance(edit.value, (list, tuple)):
            raise Unfixable(f"'{key}' holds an intrinsic or a structure")
        pos = holder.val_pos[key]
        start, end = self._offset(pos[0], pos[1]), self._offset(pos[2], pos[3])
        written = self.text[start:end]
        if written.startswith("!"):
            raise Unfixable(f"'{key}' is a tagged value")
        return self._splice(start, end, self._render(edit.value))

    def _remove(self, holder: Map, key: str) -> str:
        if self.json:
            raise Unfixable("removing from JSON is not supported")
        key_pos, val_pos = holder.key_pos[key], holder.val_pos[key]
        if self.lines[key_pos[0] - 1][: key_pos[1] - 1].strip():
            raise Unfixable(f"'{key}' shares its line with another entry")
        last = val_pos[2] if val_pos[3] > 1 else val_pos[2] - 1
        indent = key_pos[1]
        # a block value's end mark may sit on the next entry's line: stop before it
        while last > key_pos[0]:
            line = self.lines[last - 1]
            stripped = line.lstrip(" ")
            if (
                stripped.strip()
                and len(line) - len(stripped) < indent
                and not stripped.startswith("#")
            ):
                last -= 1
                continue
            break
        start = self._offset(key_pos[0], 1)
        end = sum(len(text) for text in self.lines[:last])
        return self._splice(start, end, "")

    def _insert(self, holder: Map, keys: tuple[str, ...], value: Any) -> str:
        if not holder:
            raise Unfixable("inserting into an empty mapping is not supported")
        first = next(iter(holder))
        pos = holder.key_pos[first]
        line = self.lines[pos[0] - 1]
        before = line[: pos[1] - 1]
        if self.json:
            entry = self._json_entry(keys, value)
            gap = self.newline + before if not before.strip() else " "
            return self._splice(
                self._offset(pos[0], pos[1]), self._offset(pos[0], pos[1]), entry + "," + gap
            )
        if self._flow(holder):
            entry = self._flow_entry(keys, value)
            at = self._offset(pos[0], pos[1])
            return self._splice(at, at, entry + ", ")
        if before.strip():
            raise Unfixable("the mapping starts on a line shared with other text")
        step = self._step(holder)
        at = self._offset(pos[0], 1)
        last = next(reversed(holder))
        end = holder.val_pos.get(last)
        if not isinstance(holder[last], (Map, Seq)) and end and end[0] == holder.key_pos[last][0]:
            at = sum(len(text) for text in self.lines[: end[0]])  # after a one-line last entry
            if not self.text[:at].endswith("\n"):
                raise Unfixable("the mapping ends the file without a line break")
        block = "".join(
            f"{before}{' ' * (step * depth)}{name}:"
            + (f" {self._render(value)}" if depth == len(keys) - 1 else "")
            + self.newline
            for depth, name in enumerate(keys)
        )
        return self._splice(at, at, block)

    def _flow(self, holder: Map) -> bool:
        pos = holder.pos
        return self.text[self._offset(pos[0], pos[1]) : self._offset(pos[0], pos[1]) + 1] == "{"

    def _step(self, holder: Map) -> int:
        """The document's indentation step, from a nested mapping of ``holder``."""
        outer = holder.key_pos[next(iter(holder))][1]
        for value in holder.values():
            if isinstance(value, Map) and value and not self._flow(value):
                inner = value.key_pos[next(iter(value))][1]
                if inner > outer:
                    return inner - outer
        return 2

    def _render(self, value: Any) -> str:
        if self.json:
            return json.dumps(value)
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (list, tuple)):
            return "[" + ", ".join(self._render(item) for item in value) + "]"
        return str(value)

    def _json_entry(self, keys: tuple[str, ...], value: Any) -> str:
        text = json.dumps(value)
        for name in reversed(keys[1:]):
            text = "{" + json.dumps(name) + ": " + text + "}"
        return json.dumps(keys[0]) + ": " + text

    def _flow_entry(self, keys: tuple[str, ...], value: Any) -> str:
        text = self._render(value)
        for name in reversed(keys[1:]):
            text = "{" + name + ": " + text + "}"
        return keys[0] + ": " + text


def _is_intrinsic(value: Map) -> bool:
    return len(value) == 1 and next(iter(value)).startswith(("Fn::", "Ref", "Condition"))
