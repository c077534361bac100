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
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from invokelint.fixes import Edit, Fix, Intrinsic, Reference
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
# A CloudFormation short tag written as a value: the file spells intrinsics that way.
_SHORT_TAG = re.compile(
    r"(?<![\w!])!(?:Ref|GetAtt|Sub|Join|Select|Split|If|FindInMap|ImportValue|Base64|GetAZs"
    r"|Equals|Not|And|Or|Cidr|Condition)(?=[\s\[{])"
)
_LONG_FORM = re.compile(
    r"(?m)^[ \t-]*(?:Fn::[A-Za-z]+|Ref)\s*:|[{,]\s*\"?(?:Fn::[A-Za-z]+|Ref)\"?\s*:"
)


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
    """The YAML and JSON writer (``apply_fixes`` without the dispatch).

    Fixes of one edit whose spans touch no other fix's are written together and checked
    with one parse (a project's worth of IL103 fixes in one pass); the others, or all of
    them when that check fails, go one at a time, each checked on its own.
    """
    outcome = Outcome(text)
    is_json = _is_json(path, text)
    load = load_json if is_json else load_yaml
    fixes = list(fixes)
    try:
        root = load(text).root
    except ParseError as exc:
        outcome.dropped.extend((fix, f"the file does not parse: {exc.message}") for fix in fixes)
        return outcome
    located: list[tuple[Fix, list[list]]] = []
    for fix in fixes:
        trails = [_trail_to(root, edit.anchor) for edit in fix.edits]
        if any(trail is None for trail in trails):
            outcome.dropped.append((fix, "a fix's anchor names no key of the file"))
        else:
            located.append((fix, trails))  # type: ignore[arg-type]
    state = _State(text, root, _plain(root))
    together = _write_together(state, located, is_json, load)
    if together is not None:
        state, written = together
        outcome.text = state.text
        outcome.applied.extend(fix for fix, _ in located if id(fix) in written)
        located = [(fix, trails) for fix, trails in located if id(fix) not in written]
    for fix, trails in located:
        try:
            new_state = _apply(state, fix, trails, is_json, load)
        except Unfixable as exc:
            outcome.dropped.append((fix, str(exc)))
        else:
            if new_state.text != state.text:
                state = new_state
            outcome.take(fix, new_state.text)
    return outcome


@dataclass(frozen=True, slots=True)
class _State:
    """A text with its positioned tree and its plain data: parsed once, used by the next fix."""

    text: str
    root: Any
    plain: Any


def _write_together(
    state: _State, located: list[tuple[Fix, list[list]]], is_json: bool, load: Any
) -> tuple[_State, set[int]] | None:
    """Every one-edit fix whose span is apart from all others', written in one pass.

    None when fewer than two fixes qualify, or when the result fails the check (then each
    fix is tried alone, so a bad one costs only itself).
    """
    writer = _Writer(state.text, state.root, is_json, record=True)
    planned: list[tuple[tuple[int, int, str], Fix, list]] = []
    for fix, trails in located:
        if len(fix.edits) != 1:
            continue
        try:
            span = writer.span_of(trails[0], fix.edits[0])
        except Unfixable:
            continue
        if span is not None:
            planned.append((span, fix, trails[0]))
    planned.sort(key=lambda item: (item[0][0], item[0][1]))
    apart: list[tuple[tuple[int, int, str], Fix, list]] = []
    for item in planned:  # spans that meet or nest are left to the one-at-a-time path
        if apart and item[0][0] <= apart[-1][0][1]:
            continue
        apart.append(item)
    if len(apart) < 2:
        return None
    expected = _plain(state.root)
    pieces, done = [], 0
    try:
        for (start, end, new), fix, trail in apart:
            _apply_data(expected, [*trail, *fix.edits[0].path], fix.edits[0])
            pieces += [state.text[done:start], new]
            done = end
    except Unfixable:
        return None
    text = "".join(pieces) + state.text[done:]
    try:
        root = load(text).root
    except ParseError:
        return None
    result = _plain(root)
    if result != expected:
        return None
    return _State(text, root, result), {id(fix) for _, fix, _ in apart}


def _apply(state: _State, fix: Fix, trails: list[list], is_json: bool, load: Any) -> _State:
    """``state`` with ``fix`` applied; raises ``Unfixable`` rather than write a guess."""
    expected = _plain(state.root)  # a fresh copy of the data, to apply the edits to
    text, root = state.text, state.root
    for index, (edit, trail) in enumerate(zip(fix.edits, trails, strict=True)):
        if index:
            root = _reparse(text, load)
        text = _Writer(text, root, is_json).apply(trail, edit)
        _apply_data(expected, [*trail, *edit.path], edit)
    if text == state.text:
        return state
    root = _reparse(text, load)
    result = _plain(root)
    if result != expected:
        raise Unfixable("the result would change more than the fix's edits")
    return _State(text, root, result)


def _reparse(text: str, load: Any) -> Any:
    """The tree of a fix's (partial) result; one that does not parse drops the fix."""
    try:
        return load(text).root
    except ParseError as exc:
        raise Unfixable(f"the result would not parse: {exc.message}") from None


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
    if isinstance(node, Reference):
        node = node.intrinsic
    if isinstance(node, Intrinsic):
        return {node.function: _plain(node.argument)}
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
    def __init__(self, text: str, root: Any, is_json: bool, *, record: bool = False) -> None:
        self.text = text
        self.lines = _LINE.findall(text)  # str.splitlines also splits at \f, \v, ...
        self._starts: list[int] | None = None  # each line's offset, counted on first use
        # recording: an edit's span is kept in ``span`` and no new text is built
        self.record = record
        self.span: tuple[int, int, str] | None = None
        self.root = root
        self.json = is_json
        self.newline = "\r\n" if "\r\n" in text else "\n"
        # short tags unless the file writes intrinsics only in their long form
        self.short_tags = bool(_SHORT_TAG.search(text)) or not _LONG_FORM.search(text)

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
    def span_of(self, trail: list, edit: Edit) -> tuple[int, int, str] | None:
        """The one span ``edit`` would replace, and with what; None when it changes nothing."""
        self.span = None
        self.apply(trail, edit)
        span, self.span = self.span, None
        if span is None or self.text[span[0] : span[1]] == span[2]:
            return None
        return span

    def _offset(self, line: int, column: int) -> int:
        if self._starts is None:
            self._starts = [0, *accumulate(len(text) for text in self.lines)]
        return self._starts[min(line - 1, len(self.lines))] + column - 1

    def _splice(self, start: int, end: int, new: str) -> str:
        if self.record:
            self.span = (start, end, new)
            return self.text
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
        if self.json or self._flow(holder):
            return self._remove_between_commas(holder, key)
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
        end = self._offset(last + 1, 1)
        return self._splice(start, end, "")

    def _remove_between_commas(self, holder: Map, key: str) -> str:
        """A JSON or flow entry with one of its commas: up to the next key (which takes
        its place), else from the end of the value before it."""
        keys = list(holder)
        index = keys.index(key)
        key_pos, val_pos = holder.key_pos[key], holder.val_pos[key]
        start, end = self._offset(key_pos[0], key_pos[1]), self._offset(val_pos[2], val_pos[3])
        if index + 1 < len(keys):
            following = holder.key_pos[keys[index + 1]]
            end = self._offset(following[0], following[1])
        elif index:
            before = holder.val_pos[keys[index - 1]]
            start = self._offset(before[2], before[3])
        if not self.json and "#" in self.text[start:end]:
            raise Unfixable(f"removing '{key}' would remove a comment")
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
        if end and end[0] == holder.key_pos[last][0]:  # a scalar, a tag or a flow value
            at = self._offset(end[0] + 1, 1)  # after a one-line last entry
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
        for key, value in holder.items():
            if isinstance(value, Map) and value and not self._flow(value):
                inner = value.key_pos[next(iter(value))]
                # a block mapping starts below its key (a short tag, ``!Ref X``, does not)
                if inner[1] > outer and inner[0] > holder.key_pos[key][0]:
                    return inner[1] - outer
        return 2

    def _render(self, value: Any) -> str:
        if self.json:
            return json.dumps(_plain(value))
        if isinstance(value, Reference):
            value = value.intrinsic
        if isinstance(value, Intrinsic):
            return self._intrinsic(value)
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (list, tuple)):
            return "[" + ", ".join(self._render(item) for item in value) + "]"
        return str(value)

    def _intrinsic(self, value: Intrinsic) -> str:
        """``!GetAtt Q.Arn`` / ``!Ref T`` in a file of short tags, else the long form as a
        flow mapping (``{Fn::GetAtt: [Q, Arn]}``)."""
        argument = value.argument
        if not self.short_tags:
            return "{" + value.function + ": " + self._render(argument) + "}"
        tag = "!" + value.function.removeprefix("Fn::")
        if value.function == "Fn::GetAtt" and isinstance(argument, tuple) and len(argument) == 2:
            return f"{tag} {argument[0]}.{argument[1]}"
        return f"{tag} {self._render(argument)}"

    def _json_entry(self, keys: tuple[str, ...], value: Any) -> str:
        text = json.dumps(_plain(value))
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
