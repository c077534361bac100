"""Handler code analysis: resolve each Python function's handler, read it, summarise it.

``analyse.analyse_model`` is the entry point the engine calls. The pieces, in the order
data flows through them:

- ``resolve`` / ``roots``: from ``Handler`` and the code location to a module file
  (folder, single file, local ``.zip`` read in place, or ``Code.ZipFile`` inline code);
- ``parse``: libcst turns the source into an ``ir`` summary, cached by content hash
  (the only module that imports libcst, and only on a cache miss);
- ``interpret`` / ``library`` / ``values``: follow the handler's calls and values to
  the ``facts`` that rules read (``invokelint.code.facts``; no libcst there).
"""
