"""korpus: a Korean corpus collection and cleaning toolkit.

The shared core lives here: the record schema (:mod:`korpus.schema`), build
configuration (:mod:`korpus.config`), the shard runner (:mod:`korpus.runner`),
the build orchestration (:mod:`korpus.build`) and the CLI (:mod:`korpus.cli`).
"""

__version__ = "0.1.0"
