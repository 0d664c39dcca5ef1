"""Page metadata a news article carries: title, date, canonical URL, article markers.

Read before any boilerplate is removed (JSON-LD lives in ``<script>``, dates in
``<header>``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from korpus.crawlers.news.dates import normalize_date

DATE_KEYS = ("article:published_time", "og:article:published_time", "datepublished",
             "pubdate", "publishdate", "publish-date", "article.published", "dc.date.issued",
             "dc.date", "date", "parsely-pub-date", "sailthru.date")
ARTICLE_TYPES = ("article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle",
                 "opinionnewsarticle", "blogposting")


@dataclass
class PageMeta:
    title: str | None
    date: str | None
    canonical: str | None
    site: str | None
    article_marked: bool  # og:type article, JSON-LD *Article, or an <article> element


def read_metadata(soup: BeautifulSoup, url: str) -> PageMeta:
    metas = _meta_tags(soup)
    ld = _json_ld_articles(soup)
    og_type = metas.get("og:type", "").lower()
    marked = og_type == "article" or bool(ld) or soup.find("article") is not None \
        or "article:published_time" in metas
    return PageMeta(
        title=_title(soup, metas, ld),
        date=_date(soup, metas, ld),
        canonical=_canonical(soup, metas, url),
        site=metas.get("og:site_name") or None,
        article_marked=marked,
    )


def _meta_tags(soup: BeautifulSoup) -> dict[str, str]:
    """``<meta property|name|itemprop=… content=…>``, first value per lower-cased key."""
    out: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = tag.get("property") or tag.get("name") or tag.get("itemprop")
        content = tag.get("content")
        if isinstance(key, str) and isinstance(content, str) and content.strip():
            out.setdefault(key.strip().lower(), content.strip())
    return out


def _json_ld_articles(soup: BeautifulSoup) -> list[dict]:
    found = []
    for script in soup.find_all("script", type="application/ld+json"):
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


def _title(soup: BeautifulSoup, metas: dict, ld: list[dict]) -> str | None:
    for value in (metas.get("og:title"), metas.get("twitter:title"),
                  *(n.get("headline") for n in ld)):
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    for tag in (soup.find("h1"), soup.title):
        if isinstance(tag, Tag) and (text := tag.get_text(" ", strip=True)):
            return text
    return None


def _date(soup: BeautifulSoup, metas: dict, ld: list[dict]) -> str | None:
    for values in _date_candidates(soup, metas, ld):  # cheapest sources first, lazily
        for value in values:
            if isinstance(value, str) and (iso := normalize_date(value)):
                return iso
    return None


def _date_candidates(soup: BeautifulSoup, metas: dict, ld: list[dict]):
    yield [metas.get(key) for key in DATE_KEYS]
    yield [n.get("datePublished") for n in ld]
    yield [t.get("datetime") or t.get_text(" ", strip=True) for t in soup.find_all("time", limit=3)]
    yield _dated_elements(soup)


def _dated_elements(soup: BeautifulSoup, limit: int = 5) -> list[str]:
    """Values of ``data-*date*`` attributes and texts of elements classed ``*date*``
    (portal layouts without meta tags: ``<span class="…datestamp…" data-date-time=…>``)."""
    found: list[str] = []
    for tag in soup.find_all(_looks_dated, limit=limit):
        found += [v for k, v in tag.attrs.items() if k.startswith("data-") and "date" in k
                  and isinstance(v, str)]
        found.append(tag.get_text(" ", strip=True)[:80])
    return found


def _looks_dated(tag: Tag) -> bool:
    if any(k.startswith("data-") and "date" in k for k in tag.attrs):
        return True
    names = " ".join([*(tag.get("class") or []), tag.get("id") or ""]).lower()
    return "date" in names


def _canonical(soup: BeautifulSoup, metas: dict, url: str) -> str | None:
    """``<link rel=canonical>`` or og:url, if it stays on the page's own host."""
    link = soup.find("link", rel=lambda v: v and "canonical" in (v if isinstance(v, list) else [v]))
    for href in (link.get("href") if link else None, metas.get("og:url")):
        if isinstance(href, str) and href.strip():
            absolute = urljoin(url, href.strip())
            if urlsplit(absolute).hostname == urlsplit(url).hostname:
                return absolute
    return None
