"""Cross-language search: each source term becomes one synonym group of its translations.

Each plain query word is in English (Latin letters) or Chinese (CJK), or ``lang``
says which. English words are matched against the lexicon longest phrase first
("electrolytic aluminium" → 电解铝, not 电解 + 铝); each source term or phrase becomes
one :class:`~.queries.SynonymGroup` of itself and its translations, weighted by source
(glossary 1.0, CC-CEDICT at most 0.3 shared among its senses), scored by its best
alternative, so a term with many senses cannot flood the query. The groups are
OR-ed and coordinated (:class:`~.queries.Coordinated`: the sum times the share of
groups matched), Chinese translations count as much in the title's bigrams as in its
words, and two neighbouring terms whose translations form a compound in a title
(商标 + 法 → 商标法) add a constant bonus (:func:`_compound_queries`). Chinese
translations are analysed like documents (jieba words, or contiguous bigrams);
Chinese words are translated into English the same way.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from whoosh import query as Q

from ..analysis import (
    bigram_tokens,
    cjk_runs,
    has_cjk,
    normalize_text,
    word_tokens,
)
from ..function_words import is_function_word
from ..lexicon import Lexicon, Sense, en_words
from .plan import (
    BIGRAM_FIELDS,
    TRANSLATED_BIGRAM_FIELDS,
    TRANSLATED_WORD_FIELDS,
    WORD_FIELDS,
    QueryPlan,
    and_,
    or_,
    sub_word_bonus,
    text_query,
)
from .queries import ConstantScore, Coordinated, SynonymGroup
from .results import TermTranslation, Translation

log = logging.getLogger(__name__)

# -- query translation (issue 4) ------------------------------------------------------------------

TRANSLATIONS = ("structured", "first", "none")
LANGS = ("zh", "en")

# The source terms' groups are OR-ed and coordinated (:func:`_join`). Measured on the
# 63 dev topics (English nDCG@20) against the alternatives once offered: AND 0.42,
# glossary terms required 0.63, OR 0.72 (Chinese queries: 0.67).
# Compound title bonus (see _compound_queries): senses per term combined, and the
# score a title with one such compound gets on top.
_COMPOUND_SENSES = 3
_COMPOUND_BONUS = 20.0
# Coordination: a document matching m of a query's n source terms scores its sum
# times (m / n) ** power (0 turns it off). See :class:`Coordinated`.
_COORD_POWER = 1.0
# Score of a group: best weighted alternative plus this share of the others. A
# weighted sum normalised to the best weight instead measured the same (0.721 vs
# 0.716 nDCG@20, known-item MRR 0.475 vs 0.480); the max keeps a many-sense term bounded.
_TIEBREAK = 0.1
# A document matching the words as typed outranks one matching only their
# translation, other things equal: a Chinese query's Chinese documents come before
# English ones, and "Mining Act" finds the law whose official English title it is.
_TRANSLATED = 0.7
# A Chinese glossary synonym of a Chinese term (Lexicon.zh_synonyms), relative to the
# term: measured on the dev topics, nDCG@20 of the default Chinese run 0.870 / 0.858
# (keywords / questions) without; 0.889 / 0.874 at 0.2, 0.891 / 0.876 at 0.3, 0.891 /
# 0.877 at 0.4 (with the Taiwan rows 空气污染 and 防制).
_SYNONYM = 0.3


class _Segments:
    """Word tokens of translation strings, cached on disk per segmentation dictionary.

    Translations into Chinese must be tokenised by the documents' analyzer, and that
    needs jieba's dictionary (0.6 s to load). The tokens depend only on the text and
    the dictionary, so they are kept in ``cache_dir/segments-<dictionary hash>.json``:
    an English query whose translations were seen before loads no jieba. The first
    miss segments the whole glossary at once, so that later queries rarely miss.
    """

    def __init__(self, cache_dir: Path, prefill: Callable[[], Iterable[str]]) -> None:
        from ..analysis import dictionary_hash

        self.path = cache_dir / f"segments-{dictionary_hash()[:16]}.json"
        self.prefill = prefill
        self.dirty = False
        self.tokens: dict[str, list[str]] = {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(data, dict):
                self.tokens = data
        except (OSError, ValueError):
            pass  # no cache yet, or a broken one: rebuilt on the first miss

    def words(self, text: str) -> list[str]:
        """The word tokens :func:`~alucorpus.analysis.word_tokens` gives for ``text``."""
        if not has_cjk(text):
            return [t.text for t in word_tokens(text)]
        cached = self.tokens.get(text)
        if cached is None:
            if not self.dirty:
                for term in self.prefill():
                    if term not in self.tokens:
                        self.tokens[term] = [t.text for t in word_tokens(term)]
            cached = self.tokens.get(text)
            if cached is None:
                cached = self.tokens[text] = [t.text for t in word_tokens(text)]
            self.dirty = True
        return list(cached)

    def save(self) -> None:
        """Write the cache when it grew; a read-only cache folder only costs time."""
        if not self.dirty:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(f".tmp{os.getpid()}")
            tmp.write_text(json.dumps(self.tokens, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.path)  # atomic: a concurrent reader never sees half a file
            self.dirty = False
        except OSError as exc:
            log.warning("cannot write segmentation cache %s (%s)", self.path, exc)


_segment_caches: dict[Path, _Segments] = {}


def _cached_lexicon(cache_dir: Path) -> Lexicon:
    """One Lexicon per cache folder and process (:func:`alucorpus.lexicon.shared_lexicon`)."""
    from ..lexicon import shared_lexicon

    return shared_lexicon(cache_dir)


def default_cache_dir() -> Path:
    """The lexicon's default cache folder (``$XDG_CACHE_HOME/alucorpus``)."""
    from ..lexicon import default_cache_dir as lexicon_cache

    return lexicon_cache()


def detect_lang(text: str) -> str | None:
    """ "zh" for text with CJK ideographs, "en" for Latin letters, None for neither."""
    if has_cjk(text):
        return "zh"
    if re.search("[A-Za-z]", text):
        return "en"
    return None


def _glossary_max_len(lex: Lexicon) -> int:
    return max((len(zh) for zh in lex.rows), default=1)


class Translator:
    """Builds the cross-language part of a query: one synonym group per source term."""

    def __init__(
        self,
        mode: str,
        lang: str | None,
        lexicon: Lexicon | None,
        cache_dir: Path | None,
    ) -> None:
        self.mode = mode
        self.lang = lang
        self._lexicon = lexicon
        self.cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
        self._segments: _Segments | None = None
        # Title bonuses for adjacent English terms whose translations form one
        # Chinese compound (see _compound_queries); terms() adds them.
        self.compounds: list[Any] = []
        # Set when a query is nothing but function words ("what is it"): then they
        # are its words after all.
        self.keep_function_words = False

    @property
    def lexicon(self) -> Lexicon:
        if self._lexicon is None:
            self._lexicon = _cached_lexicon(self.cache_dir)
        return self._lexicon

    @property
    def segments(self) -> _Segments:
        if self._segments is None:
            path = self.cache_dir
            cache = _segment_caches.get(path)
            if cache is None:
                cache = _segment_caches[path] = _Segments(path, lambda: self.lexicon.rows)
            self._segments = cache
        return self._segments

    def close(self) -> None:
        """Persist what was segmented."""
        if self._segments is not None:
            self._segments.save()

    # ---- one source term

    def _direction(self, text: str) -> str | None:
        """The term's language when it is to be translated, else None."""
        found = detect_lang(text)
        if found is None or (self.lang is not None and found != self.lang):
            return None
        if found == "zh" and re.search(r"\d", text):
            return None  # document numbers (62号, 〔2025〕) are not translated
        return found

    def _zh_query(self, text: str, plan: QueryPlan) -> Any:
        """A Chinese translation, analysed as documents are: words OR contiguous bigrams."""
        return text_query(
            text,
            False,
            TRANSLATED_WORD_FIELDS,
            TRANSLATED_BIGRAM_FIELDS,
            plan,
            True,
            words=self.segments.words(text),
            doc_number=False,
        )

    def _en_query(self, text: str, plan: QueryPlan) -> Any:
        """An English translation: a phrase when it has several words (a term, not a bag)."""
        words = [t.text for t in word_tokens(text, cjk=False)]
        return text_query(
            text, len(words) > 1, WORD_FIELDS, {}, plan, True, words=words, doc_number=False
        )

    def _group(
        self, term: str, lang: str, original: Any, senses: list[Sense], plan: QueryPlan
    ) -> Any:
        """The synonym group of a source term: itself and its weighted translations."""
        translate = self._en_query if lang == "zh" else self._zh_query
        alternatives: list[Any] = []
        weights: list[float] = []
        if original is not None:
            alternatives.append(original)
            weights.append(1.0)
        used: list[Translation] = []
        before = plan.highlight_terms()
        for sense in senses:
            weight = 1.0 if self.mode == "first" else sense.weight
            query = translate(sense.text, plan)
            if query is None:
                continue
            alternatives.append(query)
            weights.append(weight * _TRANSLATED)
            used.append(Translation(sense.text, weight, sense.source))
        if lang == "zh" and self.mode == "structured":
            # Chinese terms with the same English (Taiwan's 防制 for 防治): found,
            # but a document with the term as typed ranks first.
            for synonym in self.lexicon.zh_synonyms(term):
                query = self._zh_query(synonym, plan)
                if query is not None:
                    alternatives.append(query)
                    weights.append(_SYNONYM)
                    used.append(Translation(synonym, _SYNONYM, "synonym"))
        plan.translated_terms |= plan.highlight_terms() - before
        if self.mode != "none":  # nothing was carried over: nothing to explain
            plan.explanation.append(TermTranslation(term, lang, tuple(used)))
        if not alternatives:
            return None
        if len(alternatives) == 1 and weights[0] == 1.0:
            return alternatives[0]
        return SynonymGroup(alternatives, weights, _TIEBREAK)

    # ---- English → Chinese

    def _en_spans(self, words: list[str]) -> list[tuple[int, int, list[Sense]]]:
        """(start, end, senses) over English words: longest phrases, or word by word."""
        if self.mode == "none":
            return []
        lex = self.lexicon
        if self.mode != "first":
            return lex.longest_en_phrases(words)
        spans = []
        for i, word in enumerate(words):
            senses = lex.en_to_zh(word)[:1]
            if senses:
                spans.append((i, i + 1, senses))
        return spans

    def _en_units(self, words: list[str], plan: QueryPlan) -> list[Any]:
        """Groups for a run of English words: longest glossary/dictionary phrase first."""
        spans = self._en_spans(words)
        covered = {i: (j, senses) for i, j, senses in spans}
        if self.mode == "structured":
            self.compounds.extend(_compound_queries(spans))
        units: list[Any] = []
        i = 0
        while i < len(words):
            j, senses = covered.get(i, (i + 1, []))
            text = " ".join(words[i:j])
            if j == i + 1 and not self.keep_function_words and is_function_word(text):
                # Neither required nor translated ("are" is no 公亩); a glossary phrase
                # that holds one (Ministry of Commerce) is still matched whole above.
                plan.function_words.append(text)
                i = j
                continue
            original = text_query(text, False, WORD_FIELDS, BIGRAM_FIELDS, plan, True)
            if original is not None or senses:
                units.append(self._group(text, "en", original, senses, plan))
            i = j
        return units

    def _en_phrase_unit(self, text: str, plan: QueryPlan) -> Any:
        """A quoted English phrase: itself (words in order) OR its translation."""
        original = text_query(text, True, WORD_FIELDS, BIGRAM_FIELDS, plan, True)
        words = en_words(text)
        spans = self._en_spans(words)
        if len(spans) == 1 and spans[0][:2] == (0, len(words)):
            return self._group(text, "en", original, spans[0][2], plan)
        parts = [self._group(" ".join(words[i:j]), "en", None, s, plan) for i, j, s in spans]
        english = and_([q for q in parts if q is not None]) if parts else None
        if english is None or original is None:
            return original if english is None else english
        return SynonymGroup([original, english], [1.0, 1.0], _TIEBREAK)

    # ---- Chinese → English

    def _zh_spans(self, text: str) -> list[tuple[str, list[Sense]]]:
        """Source terms of a Chinese text and their senses.

        Glossary terms first (longest match over each CJK run); CC-CEDICT (loaded only
        then) for the stretches the glossary does not cover.
        """
        if self.mode == "none":
            return []
        lex = self.lexicon
        out: list[tuple[str, list[Sense]]] = []
        if self.mode == "first":
            for word in (t.text for t in word_tokens(text)):
                if has_cjk(word):
                    senses = lex.zh_to_en(word)[:1]
                    if senses:
                        out.append((word, senses))
            return out
        longest = _glossary_max_len(lex)
        for run in cjk_runs(text):
            bounds = _word_bounds(run)
            i, gap = 0, ""
            while i < len(run):
                for n in range(min(longest, len(run) - i), 0, -1):
                    # A glossary term starts and ends where jieba's words do: 法 (law)
                    # is no term of 非法采矿, whose words are 非法 + 采矿.
                    if i not in bounds or i + n not in bounds:
                        continue
                    senses = lex.zh_to_en(run[i : i + n], cedict="never")
                    if senses:
                        break
                else:
                    senses, n = [], 0
                if n:
                    out.extend(self._cedict_terms(gap))
                    gap = ""
                    out.append((run[i : i + n], senses))
                    i += n
                else:
                    gap += run[i]
                    i += 1
            out.extend(self._cedict_terms(gap))
        return out

    def _cedict_terms(self, text: str) -> list[tuple[str, list[Sense]]]:
        if not text:
            return []
        return [(text[i:j], senses) for i, j, senses in self.lexicon.longest_zh_terms(text)]

    def _zh_unit(self, text: str, quoted: bool, plan: QueryPlan, best: bool = False) -> Any:
        """One Chinese query word: itself OR the conjunction of its terms' English groups."""
        original = text_query(text, quoted, WORD_FIELDS, BIGRAM_FIELDS, plan, True, best=best)
        spans = self._zh_spans(text)
        if len(spans) == 1 and spans[0][0] == normalize_text(text).strip():
            return self._group(text, "zh", original, spans[0][1], plan)
        parts = []
        for term, senses in spans:
            query = self._group(term, "zh", None, senses, plan)
            if query is not None:
                parts.append(query)
        english = and_(parts) if parts else None
        if english is None:
            return original
        if original is None:
            return english
        return SynonymGroup([original, english], [1.0, 1.0], _TIEBREAK)

    def _zh_terms(self, piece: str) -> list[tuple[str, list[Sense]]]:
        """The terms of a Chinese piece, in order, every character in one of them.

        Glossary and CC-CEDICT terms where the lexicon has them (so that a term keeps
        its translation whole: 矿产资源补偿费), the characters between them as terms of
        their own; jieba's words when nothing is translated.
        """
        if self.mode == "none":
            return [(t.text, []) for t in word_tokens(piece)]
        out: list[tuple[str, list[Sense]]] = []
        position = 0
        for term, senses in self._zh_spans(piece):
            found = piece.find(term, position)
            if found < 0:
                continue
            if found > position:
                out.append((piece[position:found], []))
            out.append((term, senses))
            position = found + len(term)
        if position < len(piece):
            out.append((piece[position:], []))
        return out

    def _zh_best_match(self, text: str, plan: QueryPlan) -> list[Any]:
        """Units of an unquoted Chinese word: one per term, function words left out.

        如何征收矿产资源补偿费 is 征收 + 矿产资源补偿费 (如何 is no term): each counts
        on its own, like the words of an English query, and a document with the
        word's characters together (in its title, or all its words) ranks higher
        through a bonus (``compounds``).
        """
        units: list[Any] = []
        for piece in self._content_pieces(text, plan):
            bonus = sub_word_bonus([t.text for t in word_tokens(piece)])
            if bonus is not None:
                self.compounds.append(bonus)
            terms = self._zh_terms(piece)
            if len(terms) <= 1:
                units.append(self._zh_unit(piece, False, plan, best=True))
                continue
            for term, senses in terms:
                original = text_query(
                    term, False, WORD_FIELDS, BIGRAM_FIELDS, plan, True, best=True
                )
                unit = self._group(term, "zh", original, senses, plan) if senses else original
                if unit is not None:
                    units.append(unit)
            whole = text_query(piece, False, WORD_FIELDS, BIGRAM_FIELDS, plan, False)
            if whole is not None:
                self.compounds.append(whole)
        return units

    def _content_pieces(self, text: str, plan: QueryPlan) -> list[str]:
        """A Chinese word split at its function words (jieba's words): 支持光伏产业发展 | 政策措施.

        The whole word when it is all function words, or not all Chinese.
        """
        norm = normalize_text(text).strip()
        if self.keep_function_words or cjk_runs(norm) != [norm]:
            return [text]
        pieces: list[str] = []
        current = ""
        dropped = []
        for token in word_tokens(norm):
            if is_function_word(token.text):
                dropped.append(token.text)
                if current:
                    pieces.append(current)
                current = ""
            else:
                current += token.text
        if current:
            pieces.append(current)
        if not pieces:
            return [text]
        plan.function_words.extend(dropped)
        return pieces

    def strict(self, node: tuple[Any, ...], plan: QueryPlan) -> Any:
        """A required word (``+word``, ``a AND b``, ``match="all"``): all of it must match.

        A Chinese word must have every word jieba finds in it (or its characters in
        the title, or its English), as before best match; its function words are
        still left out: ``+如何征收`` requires 征收.
        """
        _, _, text, quoted = node
        if not quoted and self._direction(text) == "zh":
            return and_([self._zh_unit(p, False, plan) for p in self._content_pieces(text, plan)])
        return self.terms([node], plan)

    # ---- a conjunction of plain query words

    def terms(self, nodes: list[tuple[Any, ...]], plan: QueryPlan) -> Any:
        """The query for plain (unfielded) words joined by AND, each with its translations.

        Consecutive unquoted English words are translated together, so that a phrase
        that spans them ("electrolytic aluminium") is found; a quoted English phrase
        keeps its word order in the original language.
        """
        units: list[Any] = []
        run: list[str] = []

        def flush() -> None:
            if run:
                units.extend(self._en_units(list(run), plan))
                run.clear()

        for _, _, text, quoted in nodes:
            direction = self._direction(text)
            if direction == "en" and not quoted:
                run.extend(en_words(text))
                continue
            flush()
            if direction == "zh" and not quoted:
                units.extend(self._zh_best_match(text, plan))
            elif direction == "zh":
                units.append(self._zh_unit(text, quoted, plan))
            elif direction == "en":
                units.append(self._en_phrase_unit(text, plan))
            else:
                original = text_query(text, quoted, WORD_FIELDS, BIGRAM_FIELDS, plan, True)
                units.append(original)
        flush()
        if (
            not [u for u in units if u is not None]
            and plan.function_words
            and not (self.keep_function_words)
        ):
            # Nothing but function words: they are what the user is looking for.
            del plan.function_words[:]
            self.keep_function_words = True
            try:
                return self.terms(nodes, plan)
            finally:
                self.keep_function_words = False
        joined = _join(units)
        if isinstance(joined, Coordinated):
            plan.best_match.append(joined)
        bonus = or_(self.compounds)
        self.compounds = []
        if joined is None or bonus is None:
            return joined
        return Q.AndMaybe(joined, bonus)


def _word_bounds(run: str) -> set[int]:
    """Offsets in a CJK run where jieba's words start or end.

    From :func:`word_tokens`, whose spans are offsets into the text as typed, so a
    Traditional run is cut where its Simplified form is (礦產資源 | 補償費).
    """
    bounds = {0, len(run)}
    for token in word_tokens(run):
        bounds.update((token.start, token.end))
    return bounds


def _compound_queries(spans: list[tuple[int, int, list[Sense]]]) -> list[Any]:
    """Title bonuses for adjacent source terms whose translations make one compound.

    Chinese forms a compound by juxtaposition, in either order of the English
    ("Trademark Act" → 商标 + 法 → 商标法; "Act for … Development" → 发展 + 条例).
    A one-character translation (法) only ends a compound, never starts one.
    A title holding such a compound contiguously is strong evidence that it names
    what the query names, and jieba keeps such compounds whole (商标法 is one word),
    so the separate translations alone match it only through bigrams. Each pair of
    the best :data:`_COMPOUND_SENSES` glossary senses of two neighbouring terms gives
    a bigram phrase on the title, worth a constant :data:`_COMPOUND_BONUS`.
    """
    queries: list[Any] = []
    seen: set[str] = set()
    for (_, _, left), (_, _, right) in itertools.pairwise(spans):
        firsts = [s.text for s in left if s.source != "cedict"][:_COMPOUND_SENSES]
        seconds = [s.text for s in right if s.source != "cedict"][:_COMPOUND_SENSES]
        for a in firsts:
            for b in seconds:
                for head, tail in ((a, b), (b, a)):
                    text = head + tail
                    # A lone character starts a compound too rarely, and too often ends
                    # another word (法 + 采矿 would match 非法采矿): heads only.
                    if len(head) == 1 or text in seen or len(cjk_runs(text)) != 1:
                        continue
                    seen.add(text)
                    grams = [t.text for t in bigram_tokens(text)]
                    phrase = Q.Phrase("title_bigram", grams) if len(grams) > 1 else None
                    if phrase is not None:
                        queries.append(ConstantScore(phrase, _COMPOUND_BONUS))
    return queries


def _join(units: list[Any]) -> Any:
    """Source terms' groups OR-ed and coordinated: more of the terms score higher."""
    queries = [q for q in units if q is not None]
    if len(queries) > 1 and _COORD_POWER:
        return Coordinated(queries, _COORD_POWER)
    return or_(queries)
