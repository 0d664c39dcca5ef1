"""Page metadata a news article carries: title, date, canonical URL, site name, article markers.

Read from the untouched page, before furniture is removed (JSON-LD lives in
``<script>``, dates in ``<header>``), in one walk: each bs4 search is a walk of
its own, and pages are large.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from korpus.crawlers.article.dates import normalize_date

DATE_KEYS = ("article:published_time", "og:article:published_time", "datepublished",
             "pubdate", "publishdate", "publish-date", "article.published", "dc.date.issued",
             "dc.date", "date", "parsely-pub-date", "sailthru.date")
ARTICLE_TYPES = ("article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle",
                 "opinionnewsarticle", "blogposting")
TIME_TAGS = 3  # <time> elements looked at for a date
DATED_TAGS = 5  # elements classed *date* (or with data-*date*) looked at, last resort


@dataclass
class PageMeta:
    title: str | None
    date: str | None
    canonical: str | None
    site: str | None
    marked: bool  # og:type article, JSON-LD *Article, article:published_time or an <article> element


@dataclass
class _Found:
    """What the walk saw: meta tags (first value per lower-cased key) and the first of each element."""

    metas: dict[str, str] = field(default_factory=dict)
    json_ld: list[Tag] = field(default_factory=list)
    has_article: bool = False
    h1: Tag | None = None
    title: Tag | None = None
    times: list[Tag] = field(default_factory=list)
    canonical_link: Tag | None = None


def read_metadata(soup: BeautifulSoup, url: str | None = None) -> PageMeta:
    """Title, date, canonical URL, site; ``url`` (the page's own) resolves and checks the canonical."""
    found = _walk(soup)
    ld = _json_ld_articles(found.json_ld)
    metas = found.metas
    marked = metas.get("og:type", "").lower() == "article" or bool(ld) or found.has_article \
        or "article:published_time" in metas
    return PageMeta(title=_title(found, ld), date=_date(soup, found, ld), canonical=_canonical(found, url),
                    site=metas.get("og:site_name") or None, marked=marked)


def _walk(soup: BeautifulSoup) -> _Found:
    found = _Found()
    for tag in soup.descendants:
        if not isinstance(tag, Tag):
            continue
        name = tag.name
        if name == "meta":
            key = tag.get("property") or tag.get("name") or tag.get("itemprop")
            content = tag.get("content")
            if isinstance(key, str) and isinstance(content, str) and content.strip():
                found.metas.setdefault(key.strip().lower(), content.strip())
        elif name == "script":
            if tag.get("type") == "application/ld+json":
                found.json_ld.append(tag)
        elif name == "article":
            found.has_article = True
        elif name == "h1" and found.h1 is None:
            found.h1 = tag
        elif name == "title" and found.title is None:
            found.title = tag
        elif name == "time":
            if len(found.times) < TIME_TAGS:
                found.times.append(tag)
        elif name == "link" and found.canonical_link is None and _is_canonical(tag.get("rel")):
            found.canonical_link = tag
    return found


def _is_canonical(rel) -> bool:
    return bool(rel) and "canonical" in (rel if isinstance(rel, list) else [rel])


def _json_ld_articles(scripts: list[Tag]) -> list[dict]:
    found = []
    for script in scripts:
        try:
            data = json.loads(script.string or "")
        except ValueError:
            continue
        for node in _ld_nodes(data):
            kinds = node.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if any(isinstance(k, str) and k.lower() in ARTICLE_TYPES for k in kinds):
                found.append(node)
    return found


def _ld_nodes(data) -> list[dict]:
    if isinstance(data, list):
        return [n for item in data for n in _ld_nodes(item)]
    if isinstance(data, dict):
        return [data, *_ld_nodes(data.get("@graph", []))]
    return []


def _title(found: _Found, ld: list[dict]) -> str | None:
    metas = found.metas
    for value in (metas.get("og:title"), metas.get("twitter:title"), *(n.get("headline") for n in ld)):
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    for tag in (found.h1, found.title):
        if tag is not None and (text := tag.get_text(" ", strip=True)):
            return text
    return None


def _date(soup: BeautifulSoup, found: _Found, ld: list[dict]) -> str | None:
    for values in _date_candidates(soup, found, ld):  # cheapest sources first, lazily
        for value in values:
            if isinstance(value, str) and (iso := normalize_date(value)):
                return iso
    return None


def _date_candidates(soup: BeautifulSoup, found: _Found, ld: list[dict]):
    yield [found.metas.get(key) for key in DATE_KEYS]
    yield [n.get("datePublished") for n in ld]
    yield [t.get("datetime") or t.get_text(" ", strip=True) for t in found.times]
    yield _dated_elements(soup)


def _dated_elements(soup: BeautifulSoup) -> list[str]:
    """Values of ``data-*date*`` attributes and texts of elements classed ``*date*``
    (portal layouts without meta tags: ``<span class="…datestamp…" data-date-time=…>``)."""
    found: list[str] = []
    tags = (t for t in soup.descendants if isinstance(t, Tag) and _looks_dated(t))
    for _, tag in zip(range(DATED_TAGS), tags, strict=False):
        found += [v for k, v in tag.attrs.items() if k.startswith("data-") and "date" in k
                  and isinstance(v, str)]
        found.append(tag.get_text(" ", strip=True)[:80])
    return found


def _looks_dated(tag: Tag) -> bool:
    if any(k.startswith("data-") and "date" in k for k in tag.attrs):
        return True
    names = " ".join([*(tag.get("class") or []), tag.get("id") or ""]).lower()
    return "date" in names


def _canonical(found: _Found, url: str | None) -> str | None:
    """``<link rel=canonical>`` or og:url, if it stays on the page's own host.

    Without the page's URL (a saved file), only an absolute http(s) URL is taken.
    """
    link = found.canonical_link
    for href in (link.get("href") if link is not None else None, found.metas.get("og:url")):
        if not (isinstance(href, str) and href.strip()):
            continue
        absolute = urljoin(url, href.strip()) if url else href.strip()
        where = urlsplit(absolute)
        if url and where.hostname == urlsplit(url).hostname:
            return absolute
        if not url and where.scheme in ("http", "https") and where.hostname:
            return absolute
    return None
