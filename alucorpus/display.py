"""Terminal display widths of text: CJK characters take two columns, combining marks none.

Pure functions over the standard library, for every table alucorpus prints (kwic,
trends, the CLI's link lists), so that Chinese and Latin text line up.
"""

from __future__ import annotations

import unicodedata


def char_width(ch: str) -> int:
    """Terminal columns of one character: 2 for wide/full-width (CJK), 0 for combining marks."""
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Terminal columns of a string (CJK characters count double).

    >>> display_width("电解铝 ab")
    9
    """
    return sum(char_width(ch) for ch in text)


def pad(text: str, width: int, *, right: bool = False) -> str:
    """Pad with spaces to ``width`` display columns (on the left when ``right`` aligns right)."""
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap


__all__ = ["char_width", "display_width", "pad"]
