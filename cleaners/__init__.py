"""Normalisation, quality filters and Korean sentence splitting, as record steps."""
