"""Function words of a query: neither required nor translated.

A question typed as one would ask it (如何征收矿产资源补偿费, "what are the rules for
rare earth mining") carries words that say nothing about which document is wanted:
question words, particles, prepositions, conjunctions, pronouns. In a query they are
not terms: a document need not contain them, and they are not translated (的 is no
taxi, ``are`` no 公亩, ``No.`` no 不儿). Inside a quoted phrase they still count,
because the phrase is matched as written.

The lists (``data/function_words.tsv``) come from maintained stop-word lists,
adapted by ``scripts/function_words.py``: stopwords-iso's Chinese list kept where
jieba tags a function word, spaCy's English list less its numbers, both less the
words that are content in policy text (关于 opens most titles; 通过 is "adopted").
The index is not touched: documents keep every word.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from .analysis import normalize_text


@lru_cache(maxsize=1)
def _lists() -> dict[str, frozenset[str]]:
    text = resources.files("alucorpus").joinpath("data/function_words.tsv").read_text("utf-8")
    words: dict[str, set[str]] = {"zh": set(), "en": set()}
    for line in text.splitlines():
        if not line or line.startswith("#") or line == "lang\tword":
            continue
        lang, word = line.split("\t")
        words[lang].add(word)
    return {lang: frozenset(ws) for lang, ws in words.items()}


def function_words(lang: str) -> frozenset[str]:
    """The function words of ``lang`` ("zh" or "en"): Simplified Chinese, lowercase English."""
    return _lists()[lang]


def is_function_word(word: str) -> bool:
    """Whether a query word (one token: a Chinese word or an English word) is a function word.

    Chinese in either script (如何, 爲何), English in any case.

    >>> [is_function_word(w) for w in ("如何", "的", "What", "No", "关于", "稀土", "rare")]
    [True, True, True, True, False, False, False]
    """
    text = word.strip()
    if not text:
        return False
    lists = _lists()
    if text.isascii():
        return text.lower() in lists["en"]
    return normalize_text(text) in lists["zh"]


__all__ = ["function_words", "is_function_word"]
