"""The README's editor snippets: each parses, and Neovim runs both of its snippets headless
against the real server (open the example, read ``vim.diagnostic.get()``, fix a line, see
the diagnostic clear)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

README = (REPO / "README.md").read_text(encoding="utf-8")
EDITORS = README[README.index("### Editors") : README.index("## Rules")]
BIN = Path(sys.executable).parent
NVIM = shutil.which("nvim", path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")


def snippets(language: str) -> list[str]:
    """Code blocks of ``language`` in the Editors section (indented under list items)."""
    blocks = re.findall(rf"^(\s*)```{language}\n(.*?)^\1```", EDITORS, re.M | re.S)
    return [re.sub(rf"^{indent}", "", body, flags=re.M) for indent, body in blocks]


def test_vs_code_settings_run_the_server():
    (settings,) = [json.loads(s) for s in snippets("json")]
    assert settings["glspc.server.command"] == "invokelint"
    assert settings["glspc.server.commandArguments"] == ["lsp"]
    assert {"yaml", "json", "python"} <= set(settings["glspc.server.languageId"])


def test_helix_languages_toml_adds_the_server_beside_others():
    (config,) = [tomllib.loads(s) for s in snippets("toml")]
    assert config["language-server"]["invokelint"] == {"command": "invokelint", "args": ["lsp"]}
    for language in config["language"]:
        servers = language["language-servers"]
        assert "invokelint" in servers and len(servers) > 1, language["name"]


def sexp_balanced(text: str) -> bool:
    depth = 0
    for char in re.sub(r'"(\\.|[^"\\])*"', '""', text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def test_emacs_snippets_for_28_and_29_hook_their_modes():
    emacs = snippets("elisp")
    assert len(emacs) == 2 and all(sexp_balanced(s) for s in emacs)
    for snippet, mode in zip(emacs, ("yaml-ts-mode", "yaml-mode"), strict=True):
        assert f"(add-hook '{mode}-hook #'eglot-ensure)" in snippet
        assert '("invokelint" "lsp")' in snippet


NEOVIM = {"vim.lsp.config": "0.11+", "vim.lsp.start": "0.8-0.10"}

# Opens the example, waits for invokelint's IL103, gives the queue the visibility
# timeout the finding asks for, and waits for IL103 to go; writes what it saw as JSON.
HARNESS = """
local out, path = vim.env.RESULT, vim.env.TEMPLATE
local seen = {}
local function codes()
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do
    if d.source == 'invokelint' then table.insert(found, d.code .. '@' .. (d.lnum + 1)) end
  end
  table.sort(found)
  return found
end
local function has(code)
  for _, c in ipairs(codes()) do if c:find(code, 1, true) == 1 then return true end end
  return false
end
vim.cmd.edit(path)
seen.attached = vim.wait(30000, function() return has('IL103') end, 50)
seen.before = codes()
local lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
for i, line in ipairs(lines) do
  if line:match('^%s+MessageRetentionPeriod: 345600$') then
    vim.api.nvim_buf_set_lines(0, i, i, false, { '      VisibilityTimeout: 720' })
    break
  end
end
seen.cleared = vim.wait(30000, function() return not has('IL103') end, 50)
seen.after = codes()
local file = io.open(out, 'w')
file:write(vim.json.encode(seen))
file:close()
vim.cmd('qall!')
"""


@pytest.mark.skipif(NVIM is None, reason="no nvim (the test extra installs one on Linux x86-64)")
@pytest.mark.parametrize("api", list(NEOVIM), ids=list(NEOVIM.values()))
def test_neovim_shows_and_clears_diagnostics(tmp_path: Path, api: str):
    (snippet,) = [s for s in snippets("lua") if api in s]
    project = tmp_path / "project"
    shutil.copytree(REPO / "examples", project)
    (tmp_path / "init.lua").write_text(snippet, encoding="utf-8")
    (tmp_path / "harness.lua").write_text(HARNESS, encoding="utf-8")
    result = tmp_path / "result.json"
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": str(REPO),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "RESULT": str(result),
        "TEMPLATE": str(project / "template.yaml"),
    }
    completed = subprocess.run(
        [NVIM, "--headless", "--clean", "-c", "luafile init.lua", "-c", "luafile harness.lua"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert result.is_file(), completed.stdout + completed.stderr
    seen = json.loads(result.read_text(encoding="utf-8"))
    assert seen["attached"], seen
    assert "IL103@64" in seen["before"] and "IL102@64" in seen["before"]
    assert seen["cleared"], seen
    assert "IL102@64" in seen["after"] and not any(c.startswith("IL103") for c in seen["after"])
