"""The build: config, the three phases (map, dedup, write), engines and writers, over the stages.

``from korpus.build.run import build``; ``korpus build`` is a thin layer over it.
"""
