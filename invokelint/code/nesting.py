"""A cheap look at how deeply Python source nests, before libcst's native parser sees it.

libcst's parser (Rust) recurses on the machine stack: a few thousand nested brackets,
``not``/``-``/``lambda:``/``await`` prefixes, ``**`` or ``.attr`` chains end the whole
process with a segmentation fault, which no ``try`` can catch (measured in
``bench/parse_guard.py``). So every module is first tokenized with the standard
library's tokenizer, which keeps no stack, and is parsed only when its nesting stays
within ``limits.MAX_CODE_NESTING`` and ``limits.MAX_CODE_INDENT``.

Most handler modules have too few brackets and operators in all to nest past the bound:
counting them (at C speed) settles those without tokenizing. Otherwise, the measure
over-estimates, never under-estimates, what the parser nests: each open
bracket counts ``BRACKET`` (the parser crashes after about 1,100 brackets but 3,000 or
more chained operators), and every operator or keyword operator since the last comma
at each open bracket counts one (a chain ``a.b.c`` or ``not not x`` nests, a list
``[-1, -2]`` does not). Before Python 3.12 the tokenizer keeps an f-string whole: every
operator character between its braces counts then. Text the tokenizer cannot read to
the end is not judged here: the caller asks CPython's own parser (which has its own
limits) instead.
"""

from __future__ import annotations

import io
import re
import tokenize

from invokelint.limits import MAX_CODE_INDENT, MAX_CODE_NESTING

_OPEN, _CLOSE = frozenset("([{"), frozenset(")]}")
_SEPARATORS = frozenset({",", ";"})
_KEYWORD_OPERATORS = frozenset(
    {"not", "and", "or", "in", "is", "if", "else", "lambda", "await", "yield", "from"}
)
_OPERATOR_CHARACTERS = frozenset("([{.+-*/%~<>=!&|^@:")
BRACKET = 3  # what one open bracket weighs against one chained operator
_KEYWORD = re.compile(r"\b(?:" + "|".join(sorted(_KEYWORD_OPERATORS)) + r")\b")
_LEADING_SPACE = re.compile(r"^[ \t]+", re.MULTILINE)


class Unreadable(Exception):
    """The tokenizer stopped before the end: the text is not valid Python."""


def too_deep(text: str) -> str | None:
    """Why ``text`` nests too deeply to be parsed, or None. Raises ``Unreadable``."""
    if _weight(text) <= MAX_CODE_NESTING and _deepest_indent(text) <= MAX_CODE_INDENT:
        return None  # it has too few characters to nest any deeper (most handlers)
    chains = [0]  # operators since the last separator, one counter per open bracket
    nested = 0  # sum(chains) + open brackets, kept up to date
    indent = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            kind, value = token.type, token.string
            if kind == tokenize.OP:
                if value in _OPEN:
                    chains.append(0)
                    nested += BRACKET
                elif value in _CLOSE:
                    if len(chains) > 1:
                        nested -= chains.pop() + BRACKET
                    chains[-1] += 1  # a call or subscript chains on what it follows
                    nested += 1
                elif value in _SEPARATORS:
                    nested -= chains[-1]
                    chains[-1] = 0
                else:
                    chains[-1] += 1
                    nested += 1
            elif kind == tokenize.NAME:
                if value in _KEYWORD_OPERATORS:
                    chains[-1] += 1
                    nested += 1
            elif kind == tokenize.STRING and _is_fstring(value):
                if nested + _fstring_nesting(value) > MAX_CODE_NESTING:
                    return _deeper(token.start[0])
            elif kind == tokenize.NEWLINE:
                chains, nested = [0], 0
            elif kind == tokenize.INDENT:
                indent += 1
                if indent > MAX_CODE_INDENT:
                    return f"blocks nested deeper than {MAX_CODE_INDENT} levels"
            elif kind == tokenize.DEDENT:
                indent -= 1
            if nested > MAX_CODE_NESTING:
                return _deeper(token.start[0])
    except (tokenize.TokenError, SyntaxError) as error:
        raise Unreadable(str(error)) from None
    return None


def _weight(text: str) -> int:
    """What the whole text would measure if it were one expression: an upper bound of
    any expression in it, counted at C speed."""
    brackets = sum(text.count(char) for char in _OPEN)
    operators = sum(text.count(char) for char in (_OPERATOR_CHARACTERS - _OPEN) | _CLOSE)
    return BRACKET * brackets + operators + len(_KEYWORD.findall(text))


def _deepest_indent(text: str) -> int:
    """An upper bound of block depth: each level indents by at least one character."""
    return max((len(space) for space in _LEADING_SPACE.findall(text)), default=0)


def _deeper(line: int) -> str:
    return f"an expression on line {line} nests deeper than {MAX_CODE_NESTING} levels"


def _is_fstring(token: str) -> bool:
    prefix = token[: len(token) - len(token.lstrip("rRbBuUfF"))]
    return "f" in prefix or "F" in prefix


def _fstring_nesting(token: str) -> int:
    """Brackets and operator characters inside the replacement fields of an f-string
    (``{{`` outside a field is a literal brace); literal text is not parsed as code."""
    count, depth, index = 0, 0, 0
    while index < len(token):
        char = token[index]
        if depth == 0 and char == "{" and token.startswith("{{", index):
            index += 2
            continue
        if char == "{":
            depth += 1
            count += BRACKET
        elif char == "}" and depth:
            depth -= 1
        elif depth and char in _OPERATOR_CHARACTERS:
            count += BRACKET if char in _OPEN else 1
        index += 1
    return count
