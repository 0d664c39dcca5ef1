"""Options of the cleaning, filtering and splitting steps (TOML ``[clean]``, ``[filter]``, ``[split]``).

Each class checks its values when built, so a bad value in the TOML is an error
naming the key, not a surprise in a worker. Each option is declared once: the
normalisation chain (:class:`korpus.cleaners.normalize.Normalizer`) is built on
:class:`ChainOptions`, the ``[clean]`` section adds the per-source profiles.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from korpus.core.errors import ConfigError, did_you_mean

PROFILES = ("formal", "informal")
PII_MODES = ("mask", "remove", "keep")
EMOJI_MODES = ("keep", "remove")


def _check_choice(section: str, key: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ConfigError(f"[{section}] {key}: expected one of {', '.join(allowed)}, got {value!r}"
                          f"{did_you_mean(value, allowed)}")


@dataclass(kw_only=True)
class ChainOptions:
    """What a normalisation chain does besides its profile (``[clean]`` keys)."""

    # Korean personal numbers (phone, 주민등록번호, card, account): "mask" with a tag, "remove", "keep".
    pii: str = "mask"
    remove_urls: bool = True
    remove_emails: bool = True
    # Informal profile only: keep or remove emoji, and shorten 4+ repeats to this many (0: off).
    emoji: str = "keep"
    repeats: int = 2

    def __post_init__(self) -> None:
        _check_choice("clean", "pii", self.pii, PII_MODES)
        _check_choice("clean", "emoji", self.emoji, EMOJI_MODES)
        if not isinstance(self.repeats, int) or self.repeats < 0:
            raise ConfigError(f"[clean] repeats: expected a whole number >= 0, got {self.repeats!r}")

    def chain_options(self) -> dict[str, object]:
        """These options alone (a subclass has more), as keyword arguments."""
        return {f.name: getattr(self, f.name) for f in fields(ChainOptions)}


@dataclass
class CleanConfig(ChainOptions):
    # Per-source profile: "formal" keeps text as written, "informal" adds the KcBERT treatment.
    profiles: dict[str, str] = field(default_factory=lambda: {"comments": "informal"})
    default_profile: str = "formal"

    def __post_init__(self) -> None:
        for source, profile in self.profiles.items():
            _check_choice("clean", f"profiles.{source}", profile, PROFILES)
        _check_choice("clean", "default_profile", self.default_profile, PROFILES)
        super().__post_init__()

    def profile_for(self, source: str) -> str:
        return self.profiles.get(source, self.default_profile)


@dataclass
class FilterConfig:
    # Characters after cleaning (KcBERT dropped comments under 10).
    min_chars: int = 10
    max_chars: int = 1_000_000
    # Share of Hangul among letters (Hangul, Latin, Hanja... not digits or marks).
    min_hangul_ratio: float = 0.3
    # Repeated-character spam: one character's share of the non-space characters
    # (checked on texts of at least 20 of them).
    max_char_share: float = 0.4
    # Repeated-line spam: share of lines that repeat an earlier line (texts of 3+ lines).
    max_dup_line_ratio: float = 0.3

    def __post_init__(self) -> None:
        for key in ("min_chars", "max_chars"):
            value = getattr(self, key)
            if not isinstance(value, int) or value < 0:
                raise ConfigError(f"[filter] {key}: expected a whole number >= 0, got {value!r}")
        for key in ("min_hangul_ratio", "max_char_share", "max_dup_line_ratio"):
            value = getattr(self, key)
            if not isinstance(value, int | float) or not 0 <= value <= 1:
                raise ConfigError(f"[filter] {key}: expected a number from 0 to 1, got {value!r}")


@dataclass
class SplitConfig:
    # See `korpus split --help` for the splitters; "fast" is the default.
    splitter: str = "fast"
    # Sources whose documents stay one unit (KcBERT counted one comment per line).
    keep_whole: list[str] = field(default_factory=lambda: ["comments"])

    def __post_init__(self) -> None:
        from korpus.cleaners.split import SPLITTERS

        _check_choice("split", "splitter", self.splitter, tuple(SPLITTERS))
