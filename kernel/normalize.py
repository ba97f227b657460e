"""One normalization of what people type or paste, used by every entry point.

Excel files, phones and input methods bring full-width characters (６２０…Ｘ), non-breaking and
zero-width spaces and a lower-case x. Every form, the import and the uniqueness checks store and
compare values in one form only, so the same person typed two ways is still one member.
"""
import re
import unicodedata

# Characters NFKC keeps but nobody means to type: zero-width space/joiners, BOM, word joiner.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_SPACES = re.compile(r"\s+")


# Anything but single plain spaces between words: what the slow path below cleans up.
_UNTIDY = re.compile(r"[^\S ]|  |[\u200b\u200c\u200d\u2060\ufeff]")


def normalize_text(value):
    """NFKC, invisible characters removed, trimmed, inner runs of whitespace as one space."""
    if value is None:
        return ""
    text = str(value)
    # A 10,000-row import normalizes every cell: most are already tidy, so only check them.
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    if _UNTIDY.search(text):
        text = _SPACES.sub(" ", text.translate(_INVISIBLE))
    return text.strip()


def normalize_id_number(value):
    """An ID number as stored: half-width, no spaces at all, upper-case X."""
    return _SPACES.sub("", normalize_text(value)).upper()


def normalize_name(value):
    """A person's name as stored: half-width, trimmed, inner whitespace as one space."""
    return normalize_text(value)
