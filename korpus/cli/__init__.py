"""The ``korpus`` command line: a thin layer over the library.

Each command lives in its own module with a ``register(app)`` function and
imports its heavy dependencies inside the command, so ``korpus --help`` is fast.
"""
