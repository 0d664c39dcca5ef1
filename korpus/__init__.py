"""korpus: a Korean corpus collection and cleaning toolkit.

Layers, each importing only the ones below it (``tests/test_layers.py`` checks):

- :mod:`korpus.core`, the kernel: records and schema, atomic IO, errors, stats,
  the step and engine protocols;
- the stages: :mod:`korpus.crawlers`, :mod:`korpus.cleaners`, :mod:`korpus.dedup`,
  :mod:`korpus.corpus_stats`, :mod:`korpus.vocab`, :mod:`korpus.pretrain` (their
  folders sit at the top of the repository; ``korpus/<stage>`` links to them);
- :mod:`korpus.build`: config, phases, engines, writers;
- :mod:`korpus.cli`: the ``korpus`` command.
"""

__version__ = "0.1.0"
