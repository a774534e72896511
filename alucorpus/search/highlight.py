"""Snippets: where a hit's paragraphs show the query, and which of its terms matched."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ..analysis import has_cjk, latin_tokens, normalize, normalized_text
from .plan import QueryPlan
from .results import Snippet

MAX_SNIPPETS = 3
SNIPPET_CHARS = 160  # longer paragraphs are cut to a window around the first highlight
SNIPPET_LEAD = 30  # characters kept before the first highlight

# -- snippets -------------------------------------------------------------------------------------


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def highlight_spans(text: str, plan: QueryPlan) -> tuple[list[tuple[int, int]], float]:
    """Spans of ``text`` that match the query's terms, and how many distinct terms matched.

    The count ranks snippets: terms that only a translation brought count 1/100.

    Works on the original text (offsets come from the analyzer's offset map), so
    Traditional text is highlighted where its Simplified form matched. Chinese terms
    (query words, translations, their bigrams) are found as substrings of the
    normalised text, not by segmenting it: what the bigram field matched is
    contiguous anyway, and highlighting then never needs jieba.
    """
    cjk_needles = {t for t in plan.word_terms if has_cjk(t)} | plan.bigram_terms | plan.chars
    latin_terms = {t for t in plan.word_terms if not has_cjk(t)}
    text_only = normalized_text(text)
    if not any(needle in text_only for needle in cjk_needles) and not (
        latin_terms and re.search(r"[a-z0-9]", text_only.lower())
    ):
        return [], 0.0  # most paragraphs of a hit: no offset map needed
    norm = normalize(text)
    lowered = norm.text.lower()
    spans: list[tuple[int, int]] = []
    found: set[str] = set()
    if latin_terms and re.search(r"[a-z0-9]", lowered):
        for token in latin_tokens(norm):
            if token.text in latin_terms:
                spans.append((token.start, token.end))
                found.add(token.text)
    for needle in cjk_needles:
        start = norm.text.find(needle)
        while start >= 0:
            spans.append(norm.span(start, start + len(needle)))
            found.add(needle)
            start = norm.text.find(needle, start + 1)
    # Words as typed count fully; terms that only a translation brought break ties.
    translated = len(found & plan.translated_terms)
    return _merge(spans), len(found) - translated + translated / 100


def _window(text: str, spans: list[tuple[int, int]]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Cut a long paragraph to a window around its first highlight, shifting offsets."""
    if len(text) <= SNIPPET_CHARS:
        return text, tuple(spans)
    start = max(0, spans[0][0] - SNIPPET_LEAD) if spans else 0
    end = min(len(text), start + SNIPPET_CHARS)
    for span_start, span_end in spans:
        if span_start < end < span_end:
            end = span_end  # never cut a highlighted word in two ("【deve】…")
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix) - start
    inside = tuple(
        (max(s, start) + shift, min(e, end) + shift) for s, e in spans if s < end and e > start
    )
    return prefix + text[start:end] + suffix, inside


def make_snippets(data: dict[str, Any], plan: QueryPlan) -> tuple[Snippet, ...]:
    """The best few highlighted passages of a hit's stored text (title when nothing else)."""
    scored = []
    for order, (name, number, text) in enumerate(data.get("segments", ())):
        spans, distinct = highlight_spans(text, plan)
        if spans:
            scored.append((-distinct, order, name, number, text, spans))
    scored.sort(key=lambda item: item[:2])
    snippets = []
    for _, _, name, number, text, spans in scored[:MAX_SNIPPETS]:
        cut, highlights = _window(text, spans)
        snippets.append(Snippet(name, number, cut, highlights))
    if not snippets and data.get("title"):
        spans, _ = highlight_spans(data["title"], plan)
        if spans:
            snippets.append(Snippet("title", 0, data["title"], tuple(spans)))
    if not snippets and data.get("segments"):
        # Matched on metadata only (number, department, year): show where the text starts.
        name, number, text = data["segments"][0]
        cut, _ = _window(text, [])
        snippets.append(Snippet(name, number, cut, ()))
    return tuple(snippets)


# -- search ---------------------------------------------------------------------------------------


WORD_FIELD_NAMES = frozenset({"title", "title_en", "body", "body_sub"})
BIGRAM_FIELD_NAMES = frozenset({"title_bigram"})


def matched_terms(matched: Iterable[tuple[str, Any]], plan: QueryPlan) -> tuple[str, ...]:
    """The query words and translations (as written) whose index tokens matched a hit.

    ``matched``: the hit's matching (field, term) pairs (see :func:`_hits_matching_terms`).
    """
    words: set[str] = set()
    bigrams: set[str] = set()
    for fieldname, text in matched:
        if fieldname not in WORD_FIELD_NAMES and fieldname not in BIGRAM_FIELD_NAMES:
            continue  # numeric fields (year:) hold encoded numbers, not UTF-8 text
        value = text.decode("utf-8") if isinstance(text, bytes) else str(text)
        if fieldname in WORD_FIELD_NAMES:
            words.add(value)
        elif fieldname in BIGRAM_FIELD_NAMES:
            bigrams.add(value)
    terms: dict[str, None] = {}
    for needle in plan.needles:
        if needle.matched(words, bigrams):
            terms[needle.text] = None
    return tuple(terms)
