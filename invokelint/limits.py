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
MAX_SOURCE_BYTES = 2 * 1024 * 1024  # a larger module (generated code) is not analysed
MAX_ZIP_ENTRIES = 100_000  # entries listed in a deployment package
MAX_SCANNED_ENTRIES = 5_000  # folder entries looked at when searching for any .py file

# -- hardening (issue 9): values and handler code no input may crash on
MAX_NUMBER_DIGITS = 64  # a longer number in a template stays the text it was written as
MAX_CODE_NESTING = 1000  # one Python expression: 3 per open bracket, 1 per chained operator
MAX_CODE_INDENT = 100  # Python blocks inside each other (CPython's own limit)
