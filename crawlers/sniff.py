"""What a fetched body is, told from its first bytes (shared by the dump downloader and the news spider)."""

from __future__ import annotations


def looks_like_html(head: bytes) -> bool:
    """True for the start of an HTML page (an error or login page served with 200).

    >>> looks_like_html(b"  <!DOCTYPE html><html>"), looks_like_html(b"BZh91AY&SY")
    (True, False)
    """
    start = head.lstrip()[:64].lower()
    return start.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))
