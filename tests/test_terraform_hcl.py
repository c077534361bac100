"""The HCL syntax tree: shapes, positions (characters, not bytes), syntax errors, bounds."""

from __future__ import annotations

import sys

import pytest

from invokelint.frontends.terraform import hcl
from invokelint.limits import MAX_FILE_BYTES, MAX_HCL_NESTING


def _body(text: str) -> hcl.Body:
    parsed = hcl.parse(text)
    assert parsed.problem is None, parsed.problem
    assert parsed.body is not None
    return parsed.body


def _value(text: str) -> hcl.Expression:
    return _body(f"x = {text}\n").attributes["x"].expression


def test_blocks_labels_and_positions():
    body = _body('resource "aws_sqs_queue" "q" {\n  name = "orders"\n}\n')
    (block,) = body.blocks
    assert (block.type, block.labels) == ("resource", ("aws_sqs_queue", "q"))
    assert block.label_pos == ((1, 10, 1, 25), (1, 26, 1, 29))
    assert block.header == (1, 1, 1, 31)  # up to and including "{"
    assert block.end == (3, 1, 3, 2)
    attribute = block.body.attributes["name"]
    assert attribute.pos == (2, 3, 2, 18)
    assert attribute.expression == hcl.Literal("orders", (2, 10, 2, 18))


def test_columns_count_characters_not_bytes():
    body = _body('locals {\n  name = "é€😀" # ünïcode\n  next = "x"\n}\n')
    attributes = body.blocks[0].body.attributes
    assert attributes["name"].pos == (2, 3, 2, 15)
    assert attributes["name"].expression.value == "é€😀"
    assert attributes["next"].pos == (3, 3, 3, 13)


def test_traversal_steps():
    expression = _value('aws_sqs_queue.q[0].arn["k"]')
    assert isinstance(expression, hcl.Traversal)
    assert expression.source == hcl.Variable("aws_sqs_queue", (1, 5, 1, 18))
    kinds = [type(step).__name__ for step in expression.steps]
    assert kinds == ["GetAttr", "Index", "GetAttr", "Index"]
    assert expression.steps[1].key.value == 0
    assert expression.steps[3].key.value == "k"
    assert isinstance(_value("x[*].y").steps[0], hcl.Splat)
    assert isinstance(_value("x.*.y").steps[0], hcl.Splat)
    assert _value("a.0.b").steps[0].key.value == 0  # legacy index


def test_templates_keep_whitespace_and_decode_escapes():
    assert _value('"a  b"') == hcl.Literal("a  b", (1, 5, 1, 11))
    template = _value('"a  ${x}  \\n\\"q\\" $${lit} %%{d} \\u00e9"')
    assert isinstance(template, hcl.Template)
    assert template.parts[0] == "a  "
    assert isinstance(template.parts[1], hcl.Variable)
    assert template.parts[2] == '  \n"q" ${lit} %{d} é'
    directive = _value('"%{ if true }y%{ endif }"')
    assert isinstance(directive.parts[0], hcl.Directive)
    stripped = _value('"a ${~ x ~} b"')
    assert stripped.parts[0] == "a" and stripped.parts[2] == "b"


def test_heredocs_plain_and_flush():
    body = _body("a = <<EOT\n  one\n two ${x}\nEOT\nb = <<-EOT\n    one\n\n      two\n    EOT\n")
    a = body.attributes["a"].expression
    assert a.parts[0] == "  one\n two " and a.parts[-1] == "\n"
    assert body.attributes["b"].expression == hcl.Literal("one\n\n  two\n", (5, 5, 9, 8))


def test_operators_conditionals_and_collections():
    expression = _value("1 + 2 * 3 > 4 || !false")
    assert expression.operator == "||"
    assert expression.left.operator == ">"
    assert expression.left.left.right.operator == "*"
    assert isinstance(expression.right, hcl.Unary)
    chained = _value("a ? b : c ? d : e")  # HCL nests to the right
    assert chained.condition.name == "a"
    assert chained.otherwise.condition.name == "c"
    grouped = _value("(a ? b : c) ? d : e")
    assert isinstance(grouped.condition, hcl.Conditional)
    obj = _value('{ a = 1, "b" = 2, (k) = 3 }')
    assert [item.key for item in obj.items][:2] == [
        hcl.Literal("a", (1, 7, 1, 8)),
        hcl.Literal("b", (1, 14, 1, 17)),
    ]
    assert isinstance(obj.items[2].key, hcl.Variable)
    assert obj.items[0].pos == (1, 7, 1, 12)
    assert len(_value("[1, [2, 3], {}]").items) == 3


def test_calls_and_for_expressions():
    call = _value("f(a, b...)")
    assert call.name == "f" and len(call.args) == 2 and call.expand_final
    listed = _value("[for k, v in m : v if k != 1]")
    assert (listed.key_var, listed.value_var, listed.key) == ("k", "v", None)
    assert listed.condition is not None
    grouped = _value("{for s in l : s => upper(s)...}")
    assert grouped.grouping and grouped.key is not None


def test_comments_anywhere_are_ignored():
    body = _body(
        "# top\nx = [\n  1, # one\n  // two\n  2,\n  /* three */\n]\n"
        'resource "a" "b" { # here\n  y = f(1, # arg\n  2)\n}\n'
    )
    assert len(body.attributes["x"].expression.items) == 2
    assert len(body.blocks[0].body.attributes["y"].expression.args) == 2


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ('resource "a" "b" {\n  x = 1\n', 1, 18, "Unclosed configuration block"),
        ("a = 1\n  2 = 3\nb = 2\n", 2, 3, "Argument or block definition required"),
        ('resource "a" "b" {\n  x = 1 2\n}\n', 2, 9, "unexpected '2'"),
        ('x = "abc\n', 1, 5, "Unterminated template string"),
        ("x = [1, 2\ny = 3\n", 2, 1, "expected ']'"),
        ("x = f(1,\n", 1, 1, "Unexpected end of file"),
        ("x = 1 +\n", 2, 1, "expected the start of an expression"),
    ],
)
def test_syntax_errors_point_at_the_mistake(text, line, column, message):
    parsed = hcl.parse(text)
    assert parsed.body is None
    assert parsed.problem is not None
    assert parsed.problem.pos[:2] == (line, column), parsed.problem
    assert message in parsed.problem.message


def test_syntax_error_column_counts_characters():
    parsed = hcl.parse('x = "é€"\ny = "ü" 7\n')
    assert parsed.problem.pos[:2] == (2, 9)


def test_hostile_nesting_is_a_problem_not_a_crash():
    deep = 5_000
    for text in (
        "x = " + "[" * deep + "]" * deep + "\n",
        "x = " + "[" * deep + "\n",
        "x = " + "(" * deep + "1" + ")" * deep + "\n",
        "x = 1" + " + 1" * deep + "\n",
        "x = " + "a ? b : " * deep + "c\n",
        "x = " + "-" * deep + "1\n",
        "a {" * deep + "}" * deep + "\n",
    ):
        parsed = hcl.parse(text)
        assert parsed.body is None
        assert parsed.problem is not None
    assert sys.getrecursionlimit() >= 1000


def test_nesting_just_inside_the_bound_parses():
    levels = MAX_HCL_NESTING - 2
    assert hcl.parse("x = " + "[" * levels + "]" * levels + "\n").problem is None
    assert hcl.parse("x = " + "[" * (levels + 4) + "]" * (levels + 4) + "\n").problem is not None


def test_file_size_bound():
    parsed = hcl.parse("#" * (MAX_FILE_BYTES + 1))
    assert parsed.body is None and "larger than" in parsed.problem.message


def test_json_string_templates_share_the_parser():
    pos = (3, 7, 3, 30)
    assert hcl.parse_template("plain text", pos) == hcl.Literal("plain text", pos)
    template = hcl.parse_template('{"a": "${aws_sqs_queue.q.arn}"}\n', pos)
    assert isinstance(template, hcl.Template)
    assert template.parts[0] == '{"a": "' and template.parts[-1] == '"}\n'
    assert template.parts[1].pos == pos
    assert isinstance(hcl.parse_template("${", pos), hcl.SyntaxProblem)


def test_parse_results_are_cached_by_content():
    text = "a = 1\n"
    assert hcl.parse(text) is hcl.parse(text)


def test_tree_sitter_is_imported_only_when_hcl_is_parsed():
    import subprocess

    code = (
        "import sys\n"
        "import invokelint.engine\n"
        "from invokelint.frontends.terraform import module_loader, tfjson, expressions\n"
        "assert 'tree_sitter' not in sys.modules\n"
        "from invokelint.frontends.terraform import hcl\n"
        "hcl.parse('a = 1')\n"
        "assert 'tree_sitter' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_comments_inside_parentheses_and_traversals():
    expression = _value("( # why\n  local.a # which\n).b")
    assert isinstance(expression, hcl.Traversal)
    assert expression.source.steps[0].name == "a"
    assert expression.steps[0].name == "b"
