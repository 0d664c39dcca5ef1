"""Which block of a page is the article.

1. a known article container (``itemprop=articleBody``, Naver's ``#dic_area``,
   Daum's ``#harmonyContainer`` …; best first) holding some text;
2. else the largest ``<article>``, when it holds at least half the text of
3. the densest block: long text runs scored onto their container and its
   parent, discounted by link density.

Called on a page whose furniture is gone (:mod:`korpus.crawlers.article.boilerplate`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, NavigableString, Tag

from korpus.crawlers.article.text import BLOCK_TAGS

# Article containers of Korean news sites and portals, best first: (attribute, value).
BODY_MARKS = (("itemprop", "articleBody"), ("id", "dic_area"), ("id", "articleBodyContents"),
              ("id", "newsct_article"), ("id", "harmonyContainer"), ("id", "article-view-content-div"),
              ("id", "articleBody"), ("id", "articeBody"), ("id", "news_body_area"), ("class", "article_body"),
              ("class", "article-body"), ("class", "news_body"), ("class", "article_txt"))
BODY_RANK = {mark: rank for rank, mark in enumerate(BODY_MARKS)}
MIN_MARKED_CHARS = 40  # a known container with less is an empty shell (the story is elsewhere)
# a run inside one of these scores the container holding it, not the paragraph itself
PARAGRAPH_TAGS = frozenset(("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dd", "dt",
                            "blockquote", "pre", "address", "figure"))
MIN_RUN = 20  # a text run shorter than this adds no weight to its block


@dataclass
class _Candidates:
    """What one walk over the page finds: known containers by rank, ``<article>``s, long text runs."""

    marked: dict[int, Tag] = field(default_factory=dict)
    articles: list[Tag] = field(default_factory=list)
    runs: list[NavigableString] = field(default_factory=list)


def choose_body(soup: BeautifulSoup) -> Tag | None:
    found = _walk(soup)
    for _, tag in sorted(found.marked.items()):
        if len(tag.get_text(strip=True)) >= MIN_MARKED_CHARS:
            return tag
    densest = densest_block(soup, found.runs)
    if found.articles:
        best = max(found.articles, key=lambda a: len(a.get_text()))
        if densest is None or len(best.get_text()) >= 0.5 * len(densest.get_text()):
            return best
    return densest


def _walk(soup: BeautifulSoup) -> _Candidates:
    found = _Candidates()
    for node in soup.descendants:
        if type(node) is NavigableString:
            if len(node.strip()) >= MIN_RUN:
                found.runs.append(node)
        elif isinstance(node, Tag):
            if node.name == "article":
                found.articles.append(node)
            rank = _mark_rank(node)
            if rank is not None:
                found.marked.setdefault(rank, node)
    return found


def _mark_rank(tag: Tag) -> int | None:
    attrs = tag.attrs
    if not attrs:
        return None
    classes = attrs.get("class") or ()
    ranks = [BODY_RANK.get(("itemprop", attrs.get("itemprop"))), BODY_RANK.get(("id", attrs.get("id"))),
             *(BODY_RANK.get(("class", c)) for c in (classes if isinstance(classes, list) else [classes]))]
    found = [r for r in ranks if r is not None]
    return min(found) if found else None


def densest_block(soup: BeautifulSoup, runs: list[NavigableString]) -> Tag | None:
    """The container where long text runs concentrate.

    Each run scores its container fully and the container's parent by half; a
    run inside a paragraph tag counts for the element holding the paragraphs.
    """
    score: dict[int, float] = defaultdict(float)
    tags: dict[int, Tag] = {}
    for run in runs:
        block = _block_of(run)
        if block is not None and block.name in PARAGRAPH_TAGS:
            block = block.parent
        if not isinstance(block, Tag):
            continue
        weight = len(run.strip())
        for tag, share in ((block, 1.0), (block.parent, 0.5)):
            if isinstance(tag, Tag) and tag.name not in ("html", "[document]"):
                score[id(tag)] += weight * share
                tags[id(tag)] = tag
    if not score:
        return soup.body
    best = max(score, key=lambda k: score[k] * (1.0 - link_density(tags[k])))
    return tags[best]


def _block_of(node) -> Tag | None:
    parent = node.parent
    while isinstance(parent, Tag) and parent.name not in BLOCK_TAGS:
        parent = parent.parent
    return parent if isinstance(parent, Tag) else None


def link_density(tag: Tag) -> float:
    """Share of a block's text that sits in links (1.0 for a block without text)."""
    total = len(tag.get_text(strip=True))
    if not total:
        return 1.0
    linked = sum(len(a.get_text(strip=True)) for a in tag.descendants if isinstance(a, Tag) and a.name == "a")
    return linked / total
