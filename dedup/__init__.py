"""Exact and MinHash near-duplicate removal, as global steps of a build."""
