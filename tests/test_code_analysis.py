"""Handler code analysis: resolution, facts, caching, IL001 in code, suppressions, CLI."""

from __future__ import annotations

import json
import os
import sys
import textwrap
import zipfile
from pathlib import Path

from helpers import codes, lint, run_cli, write_project

from invokelint.code import parse
from invokelint.code.facts import FromEvent, HandlerFacts, HandlerMissing
from invokelint.model import Bucket, Queue

SAM = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: {handler}
      CodeUri: {code}
{extra}
"""


def sam(handler: str = "app.handler", code: str = "src/", extra: str = "") -> str:
    return SAM.format(handler=handler, code=code, extra=textwrap.indent(extra, " " * 6))


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    return write_project(tmp_path, {k: textwrap.dedent(v) for k, v in files.items()})


def facts_of(tmp_path: Path, files: dict[str, str], function: str = "Worker"):
    result = lint(project(tmp_path, files))
    model = result.models[0]
    return model.handler(model.resources[function])


# ------------------------------------------------------------------------- resolution


def test_local_zip_is_read_in_place(tmp_path):
    project(tmp_path, {"template.yaml": sam(code="dist/worker.zip")})
    (tmp_path / "dist").mkdir()
    with zipfile.ZipFile(tmp_path / "dist" / "worker.zip", "w") as archive:
        archive.writestr("app.py", "def lambda_handler(event, context):\n    return 1\n")
    result = lint(tmp_path)
    (missing,) = [d for d in result.diagnostics if d.code == "IL002"]
    assert "dist/worker.zip/app.py has no top-level function 'handler'" in missing.message
    assert not list(tmp_path.rglob("app.py")), "the archive must not be extracted"


def test_module_in_zip_is_analysed(tmp_path):
    project(tmp_path, {"template.yaml": sam(handler="pkg/app.handler", code="worker.zip")})
    with zipfile.ZipFile(tmp_path / "worker.zip", "w") as archive:
        archive.writestr("pkg/app.py", "def handler(event):\n    return 1\n")
    result = lint(tmp_path)
    (signature,) = [d for d in result.diagnostics if d.code == "IL003"]
    assert signature.location.path == "worker.zip/pkg/app.py"
    assert signature.location.line == 1


def test_code_outside_the_project_root_is_never_read(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "app.py").write_text("def not_the_handler(event, context):\n    pass\n")
    root = tmp_path / "repo" / "stacks"
    project(root, {"template.yaml": sam(code="../../elsewhere")})
    result = lint(root)
    assert result.diagnostics == []
    assert result.statistics["handlers without local code"] == 1


def test_a_symlink_out_of_the_project_root_is_not_followed(tmp_path):
    outside = tmp_path / "secret"
    outside.mkdir()
    (outside / "app.py").write_text("def other(event, context):\n    pass\n")
    root = tmp_path / "repo"
    project(root, {"template.yaml": sam()})
    (root / "src").symlink_to(outside, target_is_directory=True)
    assert codes(lint(root)) == []


def test_the_config_folder_is_the_project_root(tmp_path):
    """Linting one template in a sub-folder still reads code beside it in the project."""
    project(
        tmp_path,
        {
            ".invokelint.toml": "",
            "stacks/template.yaml": sam(code="../src/"),
            "src/app.py": "def handler(event):\n    pass\n",
        },
    )
    from invokelint.config import load_config
    from invokelint.engine import Linter

    config = load_config(tmp_path / ".invokelint.toml")
    template = tmp_path / "stacks" / "template.yaml"
    assert [d.code for d in Linter(config, cwd=tmp_path).lint([template]).diagnostics] == ["IL003"]
    # without a config file, the given file's folder is the root: ../src is not read
    assert codes(lint(template)) == []


def test_a_code_folder_without_python_files_is_not_checked(tmp_path):
    """``CodeUri: .`` beside a template whose code lives elsewhere (or is built later)."""
    project(tmp_path, {"template.yaml": sam(code="."), "README.md": "docs"})
    assert codes(lint(tmp_path)) == []
    project(tmp_path, {"tools/other.py": "x = 1\n"})
    assert codes(lint(tmp_path)) == ["IL002"]


def test_single_file_code_location(tmp_path):
    files = {"template.yaml": sam(handler="web.handler", code="src/web.py"), "src/web.py": ""}
    files["src/web.py"] = "def handle(event, context):\n    pass\n"
    result = lint(project(tmp_path, files))
    (missing,) = result.diagnostics
    assert missing.code == "IL002" and "src/web.py has no top-level function" in missing.message


def test_malformed_handler(tmp_path):
    result = lint(project(tmp_path, {"template.yaml": sam(handler="handler"), "src/x.py": ""}))
    (missing,) = result.diagnostics
    assert "not of the form module.function" in missing.message
    assert missing.location.line == 8  # the Handler line of the template


def test_other_runtimes_are_skipped_and_counted(tmp_path):
    template = sam().replace("python3.12", "nodejs20.x")
    result = lint(project(tmp_path, {"template.yaml": template, "src/app.js": ""}))
    assert result.diagnostics == []
    assert result.statistics["handlers skipped (not python3)"] == 1


def test_inline_code_positions_point_into_the_template(tmp_path):
    template = """
    Resources:
      Worker:
        Type: AWS::Lambda::Function
        Properties:
          Runtime: python3.12
          Handler: index.handler
          Role: arn:aws:iam::123456789012:role/worker
          Code:
            ZipFile: |
              import boto3


              def handler(event, context):
                  boto3.client("lambda").invoke(FunctionName="other")
    """
    result = lint(project(tmp_path, {"template.yaml": template}))
    (chained,) = result.diagnostics
    assert chained.code == "IL406"
    assert (chained.location.path, chained.location.line, chained.location.column) == (
        "template.yaml",
        15,  # the template starts with an empty line
        15,  # 10 columns of block indentation + 4 in the code + 1
    )


def test_inline_code_in_json_points_at_the_value(tmp_path):
    template = {
        "Resources": {
            "Worker": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Runtime": "python3.12",
                    "Handler": "index.handler",
                    "Role": "arn:aws:iam::123456789012:role/worker",
                    "Code": {"ZipFile": "def handler(event):\n    return 1\n"},
                },
            }
        }
    }
    (tmp_path / "template.json").write_text(json.dumps(template, indent=2))
    (signature,) = lint(tmp_path).diagnostics
    assert signature.code == "IL003"
    text = (tmp_path / "template.json").read_text().splitlines()
    assert '"ZipFile"' in text[signature.location.line - 1]


# ---------------------------------------------------------------------- IL001 in code


def test_syntax_error_in_a_handler_is_il001_at_the_parser_position(tmp_path):
    files = {"template.yaml": sam(), "src/app.py": "import os\n\ndef handler(event, context)\n"}
    result = lint(project(tmp_path, files))
    (error,) = result.diagnostics
    assert error.code == "IL001" and "expected ':'" in error.message
    assert (error.location.path, error.location.line, error.location.column) == (
        "src/app.py",
        3,
        28,
    )
    assert result.failed == ["src/app.py"]


def test_syntax_error_in_an_imported_module_is_reported_there(tmp_path):
    files = {
        "template.yaml": sam(),
        "src/app.py": "from util import save\n\ndef handler(event, context):\n    save(event)\n",
        "src/util.py": "def save(x):\n    return (x\n",
    }
    (error,) = lint(project(tmp_path, files)).diagnostics
    assert error.code == "IL001" and error.location.path == "src/util.py"


def test_a_handler_that_is_not_utf8_is_il001(tmp_path):
    project(tmp_path, {"template.yaml": sam()})
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_bytes(b"def handler(e, c):\n    return '\xff'\n")
    (error,) = lint(tmp_path).diagnostics
    assert error.code == "IL001" and error.location.line == 2


def test_a_module_too_large_to_analyse_is_skipped_silently(tmp_path, monkeypatch):
    from invokelint.code import roots

    monkeypatch.setattr(roots, "MAX_SOURCE_BYTES", 100)
    handler = "def handler(event):\n    pass\n" + "# padding\n" * 20
    result = lint(project(tmp_path, {"template.yaml": sam(), "src/app.py": handler}))
    assert result.diagnostics == [] and result.failed == []


def test_cli_exits_2_without_traceback_on_a_broken_handler(tmp_path):
    project(tmp_path, {"template.yaml": sam(), "src/app.py": "def handler(:\n"})
    completed = run_cli("check", ".", cwd=tmp_path)
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert completed.stdout.startswith("src/app.py:1:13: IL001")


# -------------------------------------------------------------------- cache, laziness


def test_each_file_is_parsed_once_across_templates_and_runs(tmp_path):
    handler = "import json\n\ndef handler(event, context):\n    return json.dumps(event)\n"
    project(
        tmp_path,
        {
            "a/template.yaml": sam(code="../src/"),
            "b/template.yaml": sam(code="../src/"),
            "src/app.py": handler + "# unique text for this test\n",
            ".invokelint.toml": "",
        },
    )
    from invokelint.config import load_config
    from invokelint.engine import Linter

    linter = Linter(load_config(tmp_path / ".invokelint.toml"), cwd=tmp_path)
    before = parse.parsed
    first = linter.lint([tmp_path])
    assert parse.parsed - before == 1
    assert first.statistics["handlers analysed"] == 2
    linter.lint([tmp_path])
    assert parse.parsed - before == 1


def _imports_libcst(folder: Path, *arguments: str) -> bool:
    code = (
        "import sys\nfrom invokelint.cli import main\n"
        f"status = main(['check', '.', '-q', *{list(arguments)!r}])\n"
        "print('libcst' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    import subprocess

    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=folder, env=env, capture_output=True, text=True
    )
    assert completed.stdout.strip().splitlines()[-1] in ("True", "False"), completed.stderr
    return completed.stdout.strip().endswith("True")


def test_libcst_is_imported_only_when_python_code_is_read(tmp_path):
    handler = "def handler(event, context):\n    pass\n"
    project(tmp_path, {"template.yaml": sam(), "src/app.py": handler})
    assert _imports_libcst(tmp_path)
    assert not _imports_libcst(tmp_path, "--no-code")
    assert not _imports_libcst(tmp_path, "--select", "IL103")
    project(tmp_path, {"template.yaml": sam().replace("python3.12", "nodejs20.x")})
    assert not _imports_libcst(tmp_path)


def test_unsaved_editor_text_of_a_handler_is_used(tmp_path):
    handler = "def handler(event, context):\n    pass\n"
    project(tmp_path, {"template.yaml": sam(), "src/app.py": handler})
    from invokelint.config import Config
    from invokelint.engine import Linter

    linter = Linter(Config(), cwd=tmp_path)
    assert linter.lint([tmp_path]).diagnostics == []
    overlay = {tmp_path / "src" / "app.py": "def handler(event):\n    pass\n"}
    assert [d.code for d in linter.lint([tmp_path], overlay).diagnostics] == ["IL003"]


def test_no_code_turns_analysis_off(tmp_path):
    project(tmp_path, {"template.yaml": sam(), "src/app.py": "def other(event, context):\n"})
    assert run_cli("check", ".", cwd=tmp_path).returncode == 2
    completed = run_cli("check", ".", "--no-code", cwd=tmp_path)
    assert completed.returncode == 0, completed.stdout


def test_statistics_show_handler_counts_but_no_time(tmp_path):
    project(tmp_path, {"template.yaml": sam(), "src/app.py": "def handler(event, context):\n"})
    (tmp_path / "src" / "app.py").write_text("def handler(event, context):\n    pass\n")
    completed = run_cli("check", ".", "--statistics", cwd=tmp_path)
    assert "1\t-\thandlers analysed" in completed.stdout
    assert "(ms)" not in completed.stdout  # a timing is no count, and varies run to run


# ------------------------------------------------------------------------ suppressions


SQS_WORKER = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 60
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Events:
        Orders:
          Type: SQS
          Properties:
            Queue: !GetAtt Orders.Arn
"""
COUNTER = """
import boto3

table = boto3.resource("dynamodb").Table("totals")


def handler(event, context):
    table.update_item(Key={"id": "all"}, UpdateExpression="ADD n :one")COMMENT
"""


def test_inline_suppression_in_a_python_file(tmp_path):
    files = {"template.yaml": SQS_WORKER, "src/app.py": COUNTER.replace("COMMENT", "")}
    assert codes(lint(project(tmp_path, files), select=["IL4"])) == ["IL401"]
    files["src/app.py"] = COUNTER.replace("COMMENT", "  # invokelint: ignore[IL401]")
    result = lint(project(tmp_path, files), select=["IL4"])
    assert codes(result) == [] and result.statistics["suppressed"] == 1


def test_resource_metadata_ignore_covers_its_code(tmp_path):
    template = SQS_WORKER.replace(
        "    Type: AWS::Serverless::Function\n",
        "    Type: AWS::Serverless::Function\n    Metadata:\n      invokelint:\n"
        "        ignore: [IL401]\n",
    )
    files = {"template.yaml": template, "src/app.py": COUNTER.replace("COMMENT", "")}
    result = lint(project(tmp_path, files), select=["IL4"])
    assert codes(result) == [] and result.statistics["suppressed"] == 1


def test_suppression_on_the_function_resource_covers_its_code(tmp_path):
    template = SQS_WORKER.replace(
        "  Worker:\n", "  Worker: # invokelint: ignore[non-idempotent-handler]\n"
    )
    files = {"template.yaml": template, "src/app.py": COUNTER.replace("COMMENT", "")}
    result = lint(project(tmp_path, files), select=["IL4"])
    assert codes(result) == [] and result.statistics["suppressed"] == 1


# ------------------------------------------------------------------------------- facts


def test_boto3_idioms(tmp_path):
    app = """
    import os
    import boto3
    from boto3.session import Session

    session = Session()
    _client = None


    def sqs():
        global _client
        if _client is None:
            _client = session.client("sqs")
        return _client


    def handler(event, context):
        sqs().send_message(QueueUrl=os.getenv("QUEUE"), MessageBody="x")
        boto3.resource("s3").Bucket(os.environ.get("BUCKET")).put_object(Key="k", Body=b"")
        boto3.resource("s3").meta.client.upload_file("/tmp/f", "literal-bucket", "out/f.txt")
        with boto3.resource("dynamodb").Table("t").batch_writer() as batch:
            batch.put_item(Item={"pk": "x"})
        boto3.client("s3").get_object(Bucket="b", Key="k")
    """
    extra = "Environment:\n  Variables:\n    QUEUE: !Ref Out\n    BUCKET: !Ref Store\n"
    template = sam(extra=extra) + "  Out:\n    Type: AWS::SQS::Queue\n"
    template += "  Store:\n    Type: AWS::S3::Bucket\n"
    facts = facts_of(tmp_path, {"template.yaml": template, "src/app.py": app})
    found = [(e.service, e.operation) for e in facts.effects]
    assert found == [
        ("sqs", "send_message"),
        ("s3", "put_object"),
        ("s3", "upload_file"),
        ("dynamodb", "put_item"),
    ]
    queue, bucket, literal, _ = (e.target for e in facts.effects)
    assert isinstance(queue, Queue) and queue.id == "Out"
    assert isinstance(bucket, Bucket) and bucket.id == "Store"
    assert literal == "literal-bucket"
    assert facts.effects[2].key.prefix == "out/f.txt" and facts.effects[2].key.exact


def test_http_clients_and_guards(tmp_path):
    app = """
    import urllib.request

    import httpx
    import requests
    import urllib3

    http = urllib3.PoolManager()


    def handler(event, context):
        with httpx.Client() as client:
            client.post("https://a", json=event)
        requests.request("PATCH", "https://b", headers={"Idempotency-Key": event["id"]})
        requests.get("https://c")
        http.request("POST", "https://d")
        urllib.request.urlopen(urllib.request.Request("https://e", data=b"x"))
        urllib.request.urlopen("https://f")
    """
    facts = facts_of(tmp_path, {"template.yaml": sam(), "src/app.py": app})
    found = [(e.library, e.operation, e.guard) for e in facts.effects]
    assert found == [
        ("httpx", "post", None),
        ("requests", "patch", "an Idempotency-Key header"),
        ("urllib3", "post", None),
        ("urllib", "post", None),
    ]


def test_idempotent_function_guards_in_every_form(tmp_path):
    app = """
    from aws_lambda_powertools.utilities.idempotency import idempotent_function
    import boto3

    sns = boto3.client("sns")


    @idempotent_function(data_keyword_argument="x", persistence_store=None)
    def decorated(x):
        sns.publish(TopicArn="arn:aws:sns:us-east-1:123456789012:t", Message="a")


    def plain(x):
        sns.publish(TopicArn="arn:aws:sns:us-east-1:123456789012:t", Message="b")


    wrapped = idempotent_function(data_keyword_argument="x", persistence_store=None)(plain)


    def unguarded(x):
        sns.publish(TopicArn="arn:aws:sns:us-east-1:123456789012:t", Message="c")


    def handler(event, context):
        decorated(x=event)
        wrapped(x=event)
        unguarded(event)
    """
    facts = facts_of(tmp_path, {"template.yaml": sam(), "src/app.py": app})
    guards = {e.function: e.guard for e in facts.effects}
    assert guards == {
        "decorated": "Powertools @idempotent_function",
        "plain": "Powertools idempotent_function",
        "unguarded": None,
    }


def test_returns_are_followed_into_helpers_and_key_writes(tmp_path):
    app = """
    import json
    from .responses import ok


    def handler(event, context):
        if event.get("raw"):
            return json.dumps(event)
        if event.get("empty"):
            return
        response = {"body": "x"}
        response["statusCode"] = 200
        if event.get("built"):
            return response
        return ok(event)
    """
    responses = "def ok(body):\n    return dict(statusCode=200, body=body)\n"
    files = {
        "template.yaml": sam(handler="api/app.handler"),
        "src/api/__init__.py": "",
        "src/api/app.py": app,
        "src/api/responses.py": responses,
    }
    facts = facts_of(tmp_path, files)
    shapes = [(s.kind, sorted(s.keys), s.location.path) for s in facts.returns]
    assert shapes == [
        ("other", [], "src/api/app.py"),
        ("none", [], "src/api/app.py"),
        ("mapping", ["body", "statusCode"], "src/api/app.py"),
        ("mapping", ["body", "statusCode"], "src/api/responses.py"),
    ]


def test_nested_functions_are_followed_with_their_closure(tmp_path):
    app = """
    import os
    import boto3


    def handler(event, context):
        queue = os.environ["QUEUE"]
        sqs = boto3.client("sqs")

        def forward(record):
            sqs.send_message(QueueUrl=queue, MessageBody=record["body"])

        for record in event["Records"]:
            forward(record)
    """
    extra = "Environment:\n  Variables:\n    QUEUE: !Ref Out\n"
    template = sam(extra=extra) + "  Out:\n    Type: AWS::SQS::Queue\n"
    facts = facts_of(tmp_path, {"template.yaml": template, "src/app.py": app})
    (effect,) = facts.effects
    assert (effect.function, effect.operation, effect.location.line) == (
        "forward",
        "send_message",
        11,
    )
    assert isinstance(effect.target, Queue) and effect.target.id == "Out"


def test_recursion_and_cycles_terminate(tmp_path):
    app = """
    import boto3
    from app import ping


    def pong(n):
        return ping(n - 1)


    def ping(n):
        boto3.client("sqs").send_message(QueueUrl="https://sqs/q", MessageBody="x")
        return pong(n)


    def handler(event, context):
        x = x + 1
        return ping(3)
    """
    facts = facts_of(tmp_path, {"template.yaml": sam(), "src/app.py": app})
    assert [e.function for e in facts.effects] == ["ping"]
    assert {s.kind for s in facts.returns} == {"unknown"}


def test_event_fields_are_tracked(tmp_path):
    app = """
    import boto3

    s3 = boto3.client("s3")


    def copy(record):
        bucket = record["s3"]["bucket"]["name"]
        s3.copy_object(Bucket=bucket, Key="copy/" + record["s3"]["object"]["key"], CopySource={})


    def handler(event, context):
        for record in event.get("Records", []):
            copy(record)
    """
    facts = facts_of(tmp_path, {"template.yaml": sam(), "src/app.py": app})
    (effect,) = facts.effects
    assert effect.target == FromEvent(("Records", "[]", "s3", "bucket", "name"))
    assert effect.key.prefix == "copy/" and not effect.key.exact
    assert not effect.fresh_key


def test_handler_bound_by_assignment_is_found_but_opaque(tmp_path):
    files = {
        "template.yaml": sam(),
        "src/app.py": "from mangum import Mangum\nhandler = Mangum(1)\n",
    }
    facts = facts_of(tmp_path, files)
    assert isinstance(facts, HandlerFacts) and facts.signature is None and not facts.effects


def test_missing_handler_is_a_fact(tmp_path):
    facts = facts_of(tmp_path, {"template.yaml": sam(), "src/app.py": "x = 1\n"})
    assert isinstance(facts, HandlerMissing)
