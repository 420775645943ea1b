"""The ``optkit`` command line: one module per command group (``problems``: list/show/eval,
``classify``, ``run``: run/methods), the shared options and error handling in ``common``, the
Typer app that registers them in ``app``.  The CLI parses, calls the library and renders."""
