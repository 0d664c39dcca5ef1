"""The kernel: records and their schema, atomic IO, errors, stats and the step and engine protocols.

Every stage imports from here; nothing here imports a stage, the build or the CLI.
"""
