"""How long after a keystroke does the editor show invokelint's findings?

Drives the real server (``python -m invokelint lsp``) over stdio with a minimal JSON-RPC
client, as an editor would: opens a generated SAM template (``bench/large_template.py``'s
SQS consumers, three resources each), then makes ``--edits`` one-line edits and times
each ``didChange`` to the matching ``publishDiagnostics``. Each edit adds a
``VisibilityTimeout`` line to the next of the queues that lack one (every tenth), or,
once all have one, removes them in the same order: every edit changes the findings (so
it is answered by a ``publishDiagnostics``) and gives a text the server has not linted
before (until it returns to the opened text after twice as many edits as such queues:
the 20th edit of 300 resources). Reported: the first diagnostics after ``didOpen``, and
the median and p95 of the edits, wall clock and the server's CPU time (from /proc, in
clock ticks of 10 ms: what a loaded machine distorts least), with the debounce set to 0
(the server's own work) and to the default 0.3 s (what the user sees).

    python bench/lsp_latency.py                      # 100 and 1,000 consumers
    python bench/lsp_latency.py --functions 100 --edits 5
    python bench/lsp_latency.py --functions 1000 --files 100   # one of 100 templates edited

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


def edits(text: str, count: int) -> list[tuple[int, str]]:
    """``count`` one-line edits, each giving a text the server has not linted before: add
    a visibility timeout to every tenth queue in turn (each keeps the 30 s default, so
    each addition clears its finding), then remove them in the same order. Returned as
    (line, inserted text) for an insertion, (line, "") for a removal of that line."""
    lines = text.splitlines()
    queues = [f"  Queue{i}:" for i in range(0, len(lines), 10) if f"  Queue{i}:" in lines]
    index = {line: number for number, line in enumerate(lines)}
    planned: list[tuple[int, str]] = []
    added: list[str] = []
    for step in range(count):
        cycle = step % (2 * len(queues))
        if cycle < len(queues):
            queue = queues[cycle]
            added.append(queue)
            planned.append((_timeout_line(index, added, queue), EDITED))
        else:
            queue = queues[cycle - len(queues)]
            planned.append((_timeout_line(index, added, queue), ""))
            added.remove(queue)
    return planned


def _timeout_line(index: dict[str, int], added: list[str], queue: str) -> int:
    """The line after the queue's ``Properties:``, counting the lines added above it."""
    above = sum(1 for other in added if other != queue and index[other] < index[queue])
    return index[queue] + 3 + above


def cpu_seconds(pid: int) -> float:
    """The server's CPU time (user + sys) so far, from /proc: what a loaded machine
    distorts least; 0 where there is no /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def session(
    functions: int, count: int, debounce: float, files: int = 1
) -> tuple[float, list[float], list[float], int]:
    """First diagnostics (s), each edit's latency and server CPU (s), and the findings
    first published; with ``files`` > 1 the consumers are spread over that many templates
    of one project and the first one is edited."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        text = generate(functions // files)
        for number in range(1, files):
            (root / f"template{number}.yaml").write_text(text, encoding="utf-8")
        template = root / "template.yaml"
        template.write_text(text, encoding="utf-8")
        # A project's files were not written a second ago: the server reuses a folder's
        # walk only once its times are settled (invokelint/walks.py).
        then = time.time() - 60
        for path in (*root.iterdir(), root):
            os.utime(path, (then, then))
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
            latencies, cpu = [], []
            for version, (line, inserted) in enumerate(edits(text, count), start=2):
                start = {"line": line, "character": 0}
                end = start if inserted else {"line": line + 1, "character": 0}
                change = {"range": {"start": start, "end": end}, "text": inserted}
                used = cpu_seconds(client.process.pid)
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
                cpu.append(cpu_seconds(client.process.pid) - used)
            return first_time, latencies, cpu, len(first["params"]["diagnostics"])
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
    parser.add_argument(
        "--files", type=int, default=1, help="spread the consumers over this many templates"
    )
    args = parser.parse_args()
    print(
        f"{'resources':>9} {'debounce':>8} {'findings':>8} {'first':>8} {'median':>8} "
        f"{'p95':>8} {'CPU med':>8} {'CPU p95':>8}   (load average {os.getloadavg()[0]:.1f})"
    )
    for functions in args.functions:
        resources = 3 * functions
        for debounce in args.debounce:
            first, latencies, cpu, findings = session(functions, args.edits, debounce, args.files)
            median, high = statistics.median(latencies), p95(latencies)
            target = TARGETS.get(resources) if debounce == 0 and args.files == 1 else None
            note = f"  (p95 target {target * 1000:.0f} ms)" if target else ""
            if target and resources == 3000:
                note += f"  (first target {FIRST_TARGET:.0f} s)"
            if args.files > 1:
                note += f"  (in {args.files} templates, one edited)"
            print(
                f"{resources:>9} {debounce:>7.1f}s {findings:>8} {first:>7.3f}s "
                f"{median * 1000:>6.0f}ms {high * 1000:>6.0f}ms "
                f"{statistics.median(cpu) * 1000:>6.0f}ms {p95(cpu) * 1000:>6.0f}ms{note}",
                flush=True,
            )


if __name__ == "__main__":
    main()
