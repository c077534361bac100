"""How long after a keystroke does the editor show invokelint's findings?

Drives the real server (``python -m invokelint lsp``) over stdio with a minimal JSON-RPC
client, as an editor would: opens a generated SAM template (``bench/large_template.py``'s
SQS consumers, three resources each), then makes ``--edits`` one-line edits (adding and
removing Queue0's ``VisibilityTimeout``, which changes the findings, so every edit is
answered by a ``publishDiagnostics``) and times each ``didChange`` to the matching
``publishDiagnostics``. Reported: the first diagnostics after ``didOpen``, and the median
and p95 of the edits, with the debounce set to 0 (the server's own work) and to the
default 0.3 s (what the user sees).

    python bench/lsp_latency.py                      # 100 and 1,000 consumers
    python bench/lsp_latency.py --functions 100 --edits 5

This is a measurement, not a test: nothing here fails a build.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from large_template import generate  # noqa: E402

TARGETS = {300: 0.050, 3000: 0.300}  # resources -> p95 target (debounce excluded)
FIRST_TARGET = 1.0  # first diagnostics on 3,000 resources
EDITED = "      VisibilityTimeout: 180\n"


class Client:
    """Just enough of an LSP client: requests, notifications, and the server's pushes."""

    def __init__(self, root: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "invokelint", "lsp"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=root,
            env=env,
        )
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while (line := stream.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if not line:
                return
            self.messages.put(json.loads(stream.read(length)))

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        stdin = self.process.stdin
        assert stdin is not None
        stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        stdin.flush()

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        wanted = self.next_id
        self.send({"id": wanted, "method": method, "params": params})
        message = self.wait(lambda m: m.get("id") == wanted and "method" not in m)
        return message.get("result")

    def wait(self, matches: Any, timeout: float = 1800.0) -> dict[str, Any]:
        """The next message that ``matches``; requests from the server get a null answer."""
        deadline = time.monotonic() + timeout
        while True:
            message = self.messages.get(timeout=max(0.0, deadline - time.monotonic()))
            if "method" in message and "id" in message:  # e.g. workspace/configuration
                self.send({"id": message["id"], "result": None})
            if matches(message):
                return message

    def published(self, uri: str, version: int) -> dict[str, Any]:
        return self.wait(
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == uri
                and m["params"].get("version") == version
            )
        )

    def close(self) -> None:
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.process.wait(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()


def session(functions: int, edits: int, debounce: float) -> tuple[float, list[float], int]:
    """First diagnostics (s), each edit's latency (s), and the findings first published."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        text = generate(functions)
        template = root / "template.yaml"
        template.write_text(text, encoding="utf-8")
        uri = template.as_uri()
        client = Client(root)
        try:
            client.request(
                "initialize",
                {
                    "processId": os.getpid(),
                    "rootUri": root.as_uri(),
                    "workspaceFolders": [{"uri": root.as_uri(), "name": "bench"}],
                    "capabilities": {"textDocument": {"publishDiagnostics": {}}},
                    "initializationOptions": {"debounce": debounce},
                },
            )
            client.notify("initialized", {})
            started = time.perf_counter()
            item = {"uri": uri, "languageId": "yaml", "version": 1, "text": text}
            client.notify("textDocument/didOpen", {"textDocument": item})
            first = client.published(uri, 1)
            first_time = time.perf_counter() - started
            # the line after Queue0's "Properties:", where its missing timeout goes
            line = text.splitlines().index("  Queue0:") + 3
            latencies = []
            for version in range(2, edits + 2):
                adding = version % 2 == 0
                start = {"line": line, "character": 0}
                end = start if adding else {"line": line + 1, "character": 0}
                change = {"range": {"start": start, "end": end}, "text": EDITED if adding else ""}
                sent = time.perf_counter()
                client.notify(
                    "textDocument/didChange",
                    {
                        "textDocument": {"uri": uri, "version": version},
                        "contentChanges": [change],
                    },
                )
                client.published(uri, version)
                latencies.append(time.perf_counter() - sent)
            return first_time, latencies, len(first["params"]["diagnostics"])
        finally:
            client.close()


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--functions", type=int, nargs="*", default=[100, 1000])
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--debounce", type=float, nargs="*", default=[0.0, 0.3])
    args = parser.parse_args()
    print(f"{'resources':>9} {'debounce':>8} {'findings':>8} {'first':>8} {'median':>8} {'p95':>8}")
    for functions in args.functions:
        resources = 3 * functions
        for debounce in args.debounce:
            first, latencies, findings = session(functions, args.edits, debounce)
            median, high = statistics.median(latencies), p95(latencies)
            target = TARGETS.get(resources) if debounce == 0 else None
            note = f"  (p95 target {target * 1000:.0f} ms)" if target else ""
            if resources == 3000 and debounce == 0:
                note += f"  (first target {FIRST_TARGET:.0f} s)"
            print(
                f"{resources:>9} {debounce:>7.1f}s {findings:>8} {first:>7.3f}s "
                f"{median * 1000:>6.0f}ms {high * 1000:>6.0f}ms{note}",
                flush=True,
            )


if __name__ == "__main__":
    main()
