"""Article extraction speed on a portal-sized page (slow; ``-m slow -s`` prints it)."""

from __future__ import annotations

import random
import time

import pytest
from mirrors import article_html, korean_text

from korpus.crawlers.news.items import NewsArticle
from korpus.crawlers.news.pages import page_article


def heavy_page(rng: random.Random) -> str:
    """An article with portal furniture: 300 menu/sidebar links, 12 paragraphs."""
    paragraphs = [korean_text(rng, 60) + "." for _ in range(12)]
    page = article_html("제목", "2024-01-05T10:30:00+09:00", paragraphs)
    menu = "".join(f'<li><a href="/s/{i}">{korean_text(rng, 3)}</a></li>' for i in range(300))
    return page.replace("</nav>", f"<ul>{menu}</ul></nav>").replace("</aside>", f"<ul>{menu}</ul></aside>")


@pytest.mark.slow
def test_extraction_pages_per_second():
    rng = random.Random(5)
    pages = [heavy_page(rng) for _ in range(50)]
    started, cpu = time.perf_counter(), time.process_time()
    results = [page_article(p, f"http://n.kr/{i}") for i, p in enumerate(pages)]
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert all(isinstance(r, NewsArticle) and len(r.text.split("\n")) == 12 for r in results)
    size = sum(len(p.encode()) for p in pages) / len(pages) / 1024
    print(f"\npage_article on {size:.0f} KiB pages: {len(pages) / seconds:.1f} pages/s wall, "
          f"{1000 * cpu / len(pages):.1f} ms CPU per page ({len(pages) / cpu:.1f} pages per CPU-second)")
