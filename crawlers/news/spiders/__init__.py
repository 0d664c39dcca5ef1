"""Spiders of the news project."""
