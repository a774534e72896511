"""How one word or phrase of a query becomes a whoosh query, and what it highlights.

How a word (a run of text between spaces) matches, for recall on Chinese text that
jieba may segment differently in a query and in a document: the word is analysed
into tokens; the document must contain every token (in the title, English title or
body — each token may come from any of them; a token also matches inside a longer
body word, through the body's sub-words), *or* must have the word's characters
contiguously in its title (a phrase over the title's character-bigram field), *or*
have it as (part of) its document number; a lone character matches inside title
bigrams and the most frequent body words that contain it. So each source word keeps
AND semantics while its segmentations are OR-grouped. Title matches weigh most, the
safety nets least.

:class:`QueryPlan` carries the query with what to highlight and explain; both the
monolingual builder (:mod:`.build`) and the translator (:mod:`.translate`) use
:func:`text_query`.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as Q

from ..analysis import (
    bigram_tokens,
    cjk_runs,
    doc_number_query_tokens,
    has_cjk,
    sub_words,
    word_tokens,
)
from ..errors import ParseError
from ..function_words import is_function_word
from ..ingest.fields import canonical_doc_number
from .queries import ConstantScore, Coordinated, bigram_run_query, lone_char_query
from .results import TermTranslation

# Field weights: a title match is worth more than a body match; the safety nets
# (title bigrams, body sub-words, characters inside body words) only lift what the
# words missed.
# Measured with best match on the 63 dev topics (nDCG@20, Chinese structured /
# English structured): title 3.0 → 0.849 / 0.762, 1.5 → 0.859 / 0.766, 1.0 → 0.859 /
# 0.770: with every term counting, a heavy title lets one common title word (防治,
# 管理) outrank a body that has all of them.
WORD_FIELDS = {"title": 1.0, "title_en": 2.0, "body": 1.0}
TITLE_WORD_FIELDS = {"title": 1.0, "title_en": 1.0}
BIGRAM_FIELDS = {"title_bigram": 1.0}
# A query word found only inside a longer body word (电解铝 in 电解铝厂), relative to
# the body's weight; and a lone character found only inside body words.
_SUB_WORD_WEIGHT = 0.4
# A best-match query word's own sub-words (再生能源 inside 可再生能源), relative to
# the word's field weights: found, but well below the word itself.
# Only sub-words of three characters or more: 再生能源, 保税区 (0.870 on the dev topics;
# with two-character ones too, 0.876, but 出口 and 配额 would make 出口配额 match every
# document about exports, and "contain every term" would count them).
_QUERY_SUB_WORD_MIN = 3
_QUERY_SUB_WORD_WEIGHT = 0.5  # 0.15 → 0.865, 0.3 → 0.871, 0.5 → 0.876 (dev topics)
_BODY_CHAR_WEIGHT = 0.4
# The two-character dictionary words inside a longer query word (废物 in 固体废物, 保税
# in 综合保税区), what jieba's search mode matches: they only rank, as a bonus on the
# documents the query finds anyway, and never count as the word, so that 出口配额 does
# not match every document about exports, nor "contain every term" count them.
# Measured on the dev topics, nDCG@20 of the default Chinese run, keywords / questions:
# 0.891 / 0.876 without; 0.896 / 0.878 at 0.2; 0.899 / 0.878 at 0.5; 0.893 / 0.872 at 0.8.
_SHORT_SUB_WORD_WEIGHT = 0.5
_SHORT_SUB_WORD_FIELDS = {"title": 1.0, "body": 1.0}
TITLE_BIGRAM_FIELDS = {"title_bigram": 1.0}
_DOC_NUMBER_BOOST = 4.0
# Chinese translations of an English query: a title match counts as much through
# bigrams as through words, because jieba often keeps a title's compound whole
# (商标法, 关税法) so that the translation 商标 matches the title only as bigrams.
TRANSLATED_WORD_FIELDS = WORD_FIELDS
TRANSLATED_BIGRAM_FIELDS = {"title_bigram": 3.0}

# -- building whoosh queries ----------------------------------------------------------------------


@dataclass(frozen=True)
class Needle:
    """A query word or translation, and the index tokens that show it matched a document.

    It matched when all its ``words`` matched in a word field, or every bigram of one
    of its ``bigram_groups`` matched in a bigram field (a one-character group matches
    any bigram that contains the character).
    """

    text: str
    words: tuple[str, ...]
    bigram_groups: tuple[tuple[str, ...], ...]

    def matched(self, words: set[str], bigrams: set[str]) -> bool:
        """Whether the matched index tokens of a hit show this needle."""
        if self.words and all(w in words for w in self.words):
            return True
        if not self.bigram_groups:
            return False
        for group in self.bigram_groups:
            if len(group) == 1 and len(group[0]) == 1:
                # A lone character: inside a title bigram or inside a matched word.
                char = group[0]
                if not any(char in b for b in bigrams) and not any(char in w for w in words):
                    return False
            elif not all(g in bigrams for g in group):
                return False
        return True


@dataclass
class QueryPlan:
    """A whoosh query, the terms to highlight (those not under NOT), and the translations."""

    query: Any
    word_terms: set[str] = field(default_factory=set)
    bigram_terms: set[str] = field(default_factory=set)
    chars: set[str] = field(default_factory=set)  # lone CJK characters (prefix/suffix matches)
    needles: list[Needle] = field(default_factory=list)
    explanation: list[TermTranslation] = field(default_factory=list)
    # Highlight terms that only translations brought: they rank snippets after the
    # words as typed (a Chinese query shows its Chinese paragraph first).
    translated_terms: set[str] = field(default_factory=set)
    # Function words left out of the query (如何, the, of …), for --explain.
    function_words: list[str] = field(default_factory=list)
    # The best-match (coordinated) groups of plain words; build_query keeps one only
    # when the query is that one group (and required or fielded parts): the total of
    # documents that have every term is counted on it.
    best_match: list[Any] = field(default_factory=list)

    def highlight_terms(self) -> set[str]:
        """Every term highlighted so far (words, bigram runs, lone characters)."""
        return self.word_terms | self.bigram_terms | self.chars


def or_(items: list[Any]) -> Any:
    items = [q for q in items if q is not None]
    if not items:
        return None
    return items[0] if len(items) == 1 else Q.Or(items)


def and_(items: list[Any]) -> Any:
    if any(q is None for q in items) or not items:
        return None
    return items[0] if len(items) == 1 else Q.And(items)


def number_query_tokens(text: str) -> list[str]:
    """Query tokens for a document number: the index's own token when ``text`` is one.

    A number written as a document states it is read as ingest read it
    (:func:`~alucorpus.ingest.fields.canonical_doc_number`), so the query carries the
    form the record stores: 工信部令第12号 → 工业和信息化部令第12号, （65）林经政字第13号
    → 林经政字〔1965〕13号. Anything else (工信部联原 2025 62, 62号) is read by
    :func:`~alucorpus.analysis.doc_number_query_tokens` alone.
    """
    with contextlib.suppress(ParseError):
        text = canonical_doc_number(text)
    return doc_number_query_tokens(text)


def _words_query(
    words: list[str], word_fields: dict[str, float], plan: QueryPlan, highlight: bool, best: bool
) -> Any:
    """An unquoted word's tokens: all required, or coordinated for a best match."""
    body_boost = word_fields.get("body")

    def word_query(w: str) -> Any:
        terms = [Q.Term(f, w, boost=b) for f, b in word_fields.items()]
        if body_boost and len(w) > 1 and has_cjk(w):
            # Inside a longer body word: the body's safety net (index.body_sub).
            terms.append(Q.Term("body_sub", w, boost=body_boost * _SUB_WORD_WEIGHT))
            if best:
                for piece in sub_words(w):
                    if len(piece) < _QUERY_SUB_WORD_MIN:
                        continue
                    terms += [
                        Q.Term(f, piece, boost=b * _QUERY_SUB_WORD_WEIGHT)
                        for f, b in word_fields.items()
                    ]
                    if highlight:
                        plan.word_terms.add(piece)
        return or_(terms)

    queries = [word_query(w) for w in words]
    if best and len(queries) > 1:
        return Coordinated(queries, 1.0)
    return and_(queries)


def sub_word_bonus(words: list[str]) -> Any:
    """A ranking bonus for the short sub-words of long query words (see above), or None.

    >>> sub_word_bonus(["固体废物"])  # doctest: +SKIP
    Or([Term('title', '固体', boost=0.5), Term('body', '固体', boost=0.5), ...废物...])
    """
    terms: list[Any] = []
    seen: set[str] = set()
    for word in words:
        for piece in sub_words(word):  # none for short or non-CJK words
            if len(piece) >= _QUERY_SUB_WORD_MIN or piece in seen or is_function_word(piece):
                continue
            seen.add(piece)
            terms += [
                Q.Term(f, piece, boost=b * _SHORT_SUB_WORD_WEIGHT)
                for f, b in _SHORT_SUB_WORD_FIELDS.items()
            ]
    return or_(terms)


def text_query(
    text: str,
    quoted: bool,
    word_fields: dict[str, float],
    bigram_fields: dict[str, float],
    plan: QueryPlan,
    highlight: bool,
    *,
    words: list[str] | None = None,
    doc_number: bool = True,
    best: bool = False,
) -> Any:
    """Query for one word or phrase of the user's: words OR contiguous characters OR doc number.

    ``words`` are the text's word tokens when the caller has them already (translations
    segmented once and cached, so that English queries need not load jieba).
    ``best``: a best-match word: its tokens are coordinated, not all required, and a
    token also matches the dictionary words inside it (再生能源 for 可再生能源, 保税区
    for 综合保税区), a little.
    """
    if words is None:
        words = [t.text for t in word_tokens(text)]
    needle_groups: list[tuple[str, ...]] = []
    alternatives = []
    body_boost = word_fields.get("body")
    if words:
        if quoted and len(words) > 1:
            alternatives.append(or_([Q.Phrase(f, words, boost=b) for f, b in word_fields.items()]))
        else:
            alternatives.append(_words_query(words, word_fields, plan, highlight, best))
    # The safety net: CJK characters as contiguous bigrams, Latin words as words. A
    # quoted phrase is one bigram phrase across its runs (punctuation between runs
    # yields no bigram, so the runs of a document are adjacent in this field too).
    runs = cjk_runs(text)
    if runs:
        groups = [[t.text for t in bigram_tokens(" ".join(runs))]] if quoted else []
        if not quoted:
            groups = [
                [run] if len(run) == 1 else [t.text for t in bigram_tokens(run)] for run in runs
            ]
        parts = []
        if len(groups) > 1:
            # A lone character next to other text (the 号 of "5号") is left to the word
            # alternative: expanding "?号" scans the whole bigram lexicon (0.7 s on 14k records).
            groups = [g for g in groups if len(g[0]) > 1] or groups[:1]
        for grams in groups:
            if len(grams) == 1 and len(grams[0]) == 1:
                # Every character of a text starts a bigram-field token (the last one of
                # a run is indexed as a unigram): a bounded prefix, never "?字".
                char = grams[0]
                char_queries = [
                    ConstantScore(lone_char_query(f, char), b) for f, b in bigram_fields.items()
                ]
                if body_boost:
                    # The words of the body that contain it (铝 in 电解铝, 铝材 …), bounded.
                    char_queries.append(
                        ConstantScore(lone_char_query("body", char), body_boost * _BODY_CHAR_WEIGHT)
                    )
                parts.append(or_(char_queries))
                if highlight:
                    plan.chars.add(char)
                needle_groups.append((char,))
                continue
            if highlight:
                # The bigram phrase matched the run's characters contiguously: highlight
                # the run, not each bigram wherever it occurs (产能 of 新增产能).
                plan.bigram_terms.add(grams[0] + "".join(g[1:] for g in grams[1:]))
            needle_groups.append(tuple(grams))
            parts.append(or_([bigram_run_query(f, grams, b) for f, b in bigram_fields.items()]))
        latin = [t.text for t in word_tokens(text, cjk=False)]
        parts += [or_([Q.Term(f, w, boost=b) for f, b in word_fields.items()]) for w in latin]
        alternatives.append(and_(parts))
    # A word with digits or Chinese may be (part of) a document number; an English
    # word never is (and a stop word would otherwise demand doc_number:of).
    if doc_number and "body" in word_fields and (has_cjk(text) or re.search(r"\d", text)):
        numbers = number_query_tokens(text)
        if numbers:
            alternatives.append(
                and_([Q.Term("doc_number", t, boost=_DOC_NUMBER_BOOST) for t in numbers])
            )
    if highlight:
        plan.word_terms.update(words)
        if words or needle_groups:
            plan.needles.append(Needle(text, tuple(words), tuple(needle_groups)))
    return or_(alternatives)
