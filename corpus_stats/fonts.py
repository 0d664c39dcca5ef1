"""A Korean font for the plots: NanumGothic (SIL OFL), the file the koreanize-matplotlib package ships.

Only the font file is used: the package's module is not imported (importing it
changes matplotlib's global settings, and it needs ``distutils``). The plots
draw inside :func:`plot_settings`, so Korean source names and labels are
glyphs, not boxes, and nothing outside the report changes.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

from matplotlib import font_manager

FONT_PACKAGE = "koreanize_matplotlib"
FONT_FILE = "fonts/NanumGothic.ttf"
FALLBACK = ["DejaVu Sans"]  # matplotlib's own, for what NanumGothic lacks
# The HTML page's tables: the system's Korean fonts first, then any sans-serif.
CSS_FONT_STACK = ('system-ui, "Apple SD Gothic Neo", "Malgun Gothic", "Noto Sans KR", "Noto Sans CJK KR", '
                  '"NanumGothic", sans-serif')


@functools.cache
def korean_font_path() -> Path | None:
    """NanumGothic.ttf from the installed package, or None where it is missing."""
    spec = importlib.util.find_spec(FONT_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / FONT_FILE
    return path if path.is_file() else None


@functools.cache
def korean_font_family() -> str | None:
    """The font's family name, registered with matplotlib once."""
    path = korean_font_path()
    if path is None:
        return None
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def plot_settings() -> dict[str, object]:
    """matplotlib settings (for ``rc_context``) that draw Korean text in the Korean font."""
    family = korean_font_family()
    return {"font.family": "sans-serif", "font.sans-serif": [family, *FALLBACK] if family else FALLBACK,
            "axes.unicode_minus": False}
