"""Every bound invokelint puts on its inputs, in one place.

A linter runs on files it did not choose (CI on a pull request, an editor on whatever is
open), so every reader is bounded in size, depth and work. Each bound here is named after
what it limits and has a test that feeds an input just past it. The README lists them.
"""

from __future__ import annotations

# -- files
MAX_FILE_BYTES = 10 * 1024 * 1024  # a template, Terraform file or plan larger than this is not read

# -- YAML and JSON templates
MAX_NESTING = 128  # mappings and sequences inside each other
MAX_EXPANDED_NODES = 1_000_000  # values after expanding YAML aliases

# -- Step Functions definitions read from a file
MAX_DEFINITION_BYTES = 1024 * 1024  # Step Functions' own limit on a definition

# -- handler code
MAX_SOURCE_BYTES = 512 * 1024  # a larger module (generated code) is not analysed: libcst takes
# about 1.5 KB of memory and 50 µs per byte of source, so 2 MiB cost 3 GB and minutes
MAX_ZIP_ENTRIES = 100_000  # entries listed in a deployment package
MAX_SCANNED_ENTRIES = 5_000  # folder entries looked at when searching for any .py file

# -- Terraform
MAX_HCL_NESTING = 64  # blocks, brackets and operators inside each other in one file
MAX_MODULE_DEPTH = 16  # local modules calling modules
MAX_MODULES = 256  # module instances read for one root module
MAX_EVALUATION_DEPTH = 128  # expressions, locals and module outputs evaluated inside each other
MAX_EVALUATION_STEPS = 500_000  # expressions evaluated per root module (1,000 consumers: 28,000)
MAX_STRING_LENGTH = 1024 * 1024  # characters in an evaluated string; longer is unknown
MAX_COLLECTION_SIZE = 100_000  # values inside an evaluated list or object; larger is unknown
MAX_EXPANDED_INSTANCES = 64  # count/for_each instances compared to find what they share

# ---------------------------------------------------------------------------------------
# Budgets of one run (hardening, part 2): past a budget, values become unknown and
# modules are not analysed; each overrun is a counted note (--statistics) and a warning.

# -- values the handler-code interpreter builds
MAX_TEXT_CHARS = 64 * 1024  # a string built from pieces (f-strings, +, %, format)
MAX_COLLECTION_ITEMS = 1_000  # items of a dict, list, tuple or set display
MAX_EXPRESSION_DEPTH = 100  # expressions evaluated inside one another (a['b']['c']...)
MAX_STEPS_PER_HANDLER = 200_000  # expressions evaluated while reading one handler

# -- handler code of one run (a CLI run, or one re-lint in the editor)
MAX_PROJECT_CODE_BYTES = 4 * 1024 * 1024  # Python source read, each file counted once
MAX_PROJECT_MODULES = 1_000  # Python modules followed
MAX_CODE_SECONDS = 30.0  # wall time spent reading handler code

# -- other inputs
MAX_CONFIG_BYTES = 1024 * 1024  # .invokelint.toml / pyproject.toml

# -- hardening (issue 9): values and handler code no input may crash on
MAX_NUMBER_DIGITS = 64  # a longer number in a template stays the text it was written as
MAX_CODE_NESTING = 1000  # one Python expression: 3 per open bracket, 1 per chained operator
MAX_CODE_INDENT = 100  # Python blocks inside each other (CPython's own limit)
