"""Text encodings of inputs: UTF-8 (with or without BOM) or CP949/EUC-KR, detected or given.

Detection reads a prefix of the (decompressed) file and picks the encoding
that decodes it with fewer errors, UTF-8 on a tie: Korean CP949 text is
almost never valid UTF-8, and a UTF-8 file with a few bad bytes still decodes
far better as UTF-8 than as CP949. Real "EUC-KR" files are nearly always
CP949 (its superset), so that name is read as CP949.
"""

from __future__ import annotations

import codecs

from korpus.core.errors import ConfigError

PREFIX_BYTES = 64 * 1024
BOM = codecs.BOM_UTF8
AUTO = "auto"
# Names that mean "Korean Windows/Unix legacy encoding": read them all as CP949.
CP949_ALIASES = frozenset({"euc-kr", "euc_kr", "euckr", "ks_c_5601-1987", "ksc5601", "ks_c_5601", "uhc",
                           "cp949", "ms949", "windows-949"})


def check_encoding(name: str, kind: str = "") -> str:
    """The codec name to use for ``name``; ``auto`` stays ``auto``; unknown names are a ConfigError.

    >>> check_encoding("EUC-KR"), check_encoding("utf8"), check_encoding("auto")
    ('cp949', 'utf-8', 'auto')
    """
    lowered = str(name).strip().lower()
    if lowered == AUTO:
        return AUTO
    if lowered in CP949_ALIASES:
        return "cp949"
    try:
        codec = codecs.lookup(lowered)
    except LookupError:
        where = f"source kind '{kind}': " if kind else ""
        raise ConfigError(f"{where}unknown encoding {name!r} (use auto, utf-8 or cp949)") from None
    return "utf-8" if codec.name == "utf-8" else codec.name


def detect_encoding(prefix: bytes) -> str:
    """``utf-8`` or ``cp949``, whichever decodes ``prefix`` with fewer errors (UTF-8 on a tie).

    >>> detect_encoding("한국어 문장".encode("cp949")), detect_encoding("한국어 문장".encode("utf-8"))
    ('cp949', 'utf-8')
    >>> detect_encoding("한국어 문장이 길게 이어진다".encode("utf-8") + b"\\xff")
    'utf-8'
    """
    if prefix.startswith(BOM):
        return "utf-8"
    bad_utf8 = _errors(prefix, "utf-8")
    if bad_utf8 == 0:
        return "utf-8"
    return "cp949" if _errors(prefix, "cp949") < bad_utf8 else "utf-8"


def _errors(data: bytes, encoding: str) -> int:
    """Replacement characters decoding makes; a character cut at the end of ``data`` does not count."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    text = decoder.decode(data, final=False)
    genuine = data.count(b"\xef\xbf\xbd") if encoding == "utf-8" else 0
    return text.count("\ufffd") - genuine
