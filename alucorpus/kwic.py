"""Concordance (KWIC, key word in context): every occurrence of a term, with its context.

A term is matched through the same analyzer as search (:mod:`alucorpus.analysis`),
so 礦業 finds 矿业 and the other way round, "energy conservation" finds "Energy
Conserving", and every offset points into the original text, Traditional script
included: matching runs on normalised text (NFKC, Traditional folded to Simplified
character for character, :func:`alucorpus.analysis.normalize`) and maps back. Two
ways to match:

* ``"words"`` (the default): the term's word tokens, in order and adjacent, among
  the text's tokens. This is what a search word means, and it keeps 铝 from matching
  inside 电解铝.
* ``"chars"``: the term's normalised characters anywhere in the normalised text
  (case-insensitive). jieba segments by context, so a word can hide inside a longer
  one (稀土 inside 稀土矿); this mode finds those too.

**Across languages** (``translation``): a term is looked for in several *forms*
(:class:`Form`, :func:`term_forms`): itself as typed, and its whole-term translations
from the bilingual lexicon (:class:`alucorpus.lexicon.Lexicon`): an English term its
Chinese renderings (``en_to_zh``: "rare earth" → 稀土), a Chinese term its English ones
(``zh_to_en``: 稀土 → "rare earths", "rare earth elements", "REE"). ``"glossary"`` (the
default) takes the curated glossary's senses only; ``"cedict"`` adds CC-CEDICT's when
the glossary has no row for the term (noisy: 的 → "taxi", "cab"); ``"none"`` looks for
the term as typed only. A translation is looked for only in text of its own language
(so 光伏（PV） is one mention of 光伏, not two). English translations are matched word
by word on the lexicon's key (:func:`alucorpus.lexicon.normalise_en_word`: lower case,
American spelling, singular), whatever ``match`` says: a glossary rendering names one
concept, and the search analyzer's stems would widen it (矿业's "mining" would count
every "mine" and "mines", which are 矿山; a substring "PV" would match inside "PVC").
A Traditional term is looked up by its Simplified form, and a Simplified translation
finds Traditional text (the matching is on normalised text). Renderings with the same
key count as one form (aluminium, aluminum: :attr:`Form.variants`); where two forms
overlap in a text (primary aluminium | aluminium smelting) the leftmost, then
longest, counts. Each line says which form matched it (:attr:`KwicLine.form`).

A document that carries its translation (``paragraphs_en``, ``summary_en``: Taiwan's
official English, GOV_PRC's machine translation) counts in its own text when that
text is in a language of the term's forms: each mention once, and only those its
original makes (see :func:`scan`); ``lang="en"`` reads the translations.

The search index narrows the documents first (a phrase query over the body's words, or
the body words that contain the term's characters, for each form), then only those
documents' paragraphs are scanned: they are stored in the index, so the record store
is not read.

>>> corpus.kwic("电解铝", width=12).lines[0].match  # doctest: +SKIP
'电解铝'
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whoosh import query as Q

from .analysis import (
    Normalized,
    TokenSpan,
    cjk_runs,
    has_cjk,
    latin_tokens,
    normalize,
    normalize_text,
    word_tokens,
)
from .display import char_width, display_width, pad
from .errors import QueryError
from .lexicon import normalise_en_word
from .search import Filter, matching_documents
from .search.queries import contains_char_query

if TYPE_CHECKING:
    from .index import Index
    from .lexicon import CedictMode, Lexicon

MATCH_MODES = ("words", "chars")
#: Where a term's other-language forms come from: the glossary, the glossary then
#: CC-CEDICT, or nowhere (the term as typed only).
TRANSLATIONS = ("glossary", "cedict", "none")
LANGS = ("zh", "en")
DEFAULT_WIDTH = 30  # display columns of context on each side
_MAX_TERM_CHARS = 200

# How a text segment of a record is labelled in a concordance line.
_FIELD_LABELS = {"paragraphs": "¶", "attachments": "附¶", "paragraphs_en": "en¶"}


# -- forms ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Form:
    """One form of a term that is looked for: the term as typed, or a translation of it.

    ``source``: "typed", or the lexicon sense's source ("glossary"; "user" for a user
    glossary's row; "cedict"). ``match``: how it is matched: the requested mode
    ("words" or "chars"), except for English translations, "en_words" (word by word on
    the lexicon's key). ``variants``: other renderings of the lexicon that have the
    same key and so are counted as this form (electrolytic aluminum for electrolytic
    aluminium).
    """

    text: str
    lang: str  # "zh" or "en"
    source: str
    match: str = "words"
    variants: tuple[str, ...] = ()

    @property
    def typed(self) -> bool:
        """The term as the user typed it (not a translation)."""
        return self.source == "typed"

    def to_dict(self) -> dict[str, Any]:
        """Plain values."""
        return {
            "form": self.text,
            "lang": self.lang,
            "source": self.source,
            "variants": list(self.variants),
        }


def term_lang(term: str) -> str:
    """The language of a term: "zh" when it has Chinese characters, else "en"."""
    return "zh" if has_cjk(term) else "en"


def default_lexicon(cache_dir: Path | None = None) -> Lexicon:
    """The packaged lexicon, shared with search (:func:`alucorpus.lexicon.shared_lexicon`)."""
    from .lexicon import shared_lexicon

    return shared_lexicon(Path(cache_dir) if cache_dir else None)


def load_lexicon(cache_dir: Path | None = None, glossary: str | Path | None = None) -> Lexicon:
    """The shared lexicon, or one a user ``glossary`` overlays (see alucorpus.lexicon)."""
    from .lexicon import load_lexicon as load

    return load(cache_dir, glossary)


def _zh_key(term: str) -> str:
    """A Chinese term as the lexicon knows it: normalised, no spaces between ideographs."""
    text = normalize_text(term).strip()
    return re.sub(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])", "", text)


def _form_key(form: Form) -> tuple[str, tuple[str, ...]]:
    """What a form matches: forms with the same key find the same spans."""
    pattern = _Pattern.of(form.text, form.match)
    if form.match == "chars":
        return ("chars", (pattern.needle,) if pattern.needle else ())
    return (form.match, pattern.wanted)


def term_forms(
    term: str,
    *,
    match: str = "words",
    lang: str | None = None,
    translation: str = "glossary",
    lexicon: Lexicon | None = None,
) -> tuple[Form, ...]:
    """The forms of ``term`` to look for: itself first, then its translations.

    Args:
        term: a word or phrase, Chinese (either script) or English.
        match: "words" or "chars" (English translations are matched as words).
        lang: keep only translations into this language ("zh" or "en"); the term as
            typed is always kept.
        translation: "glossary", "cedict" or "none" (see :data:`TRANSLATIONS`).
        lexicon: the lexicon to translate with (default: the packaged one).

    Translations are of the whole term only (a term the lexicon has no row for gets
    none: "rare earth exports" is not 稀土 + 出口). Translations that analyse to the
    words of an earlier form, or to no word at all, are dropped.

    >>> [f.text for f in term_forms("rare earth")]
    ['rare earth', '稀土']
    >>> [f.text for f in term_forms("电解铝", lang="en")]
    ['电解铝', 'electrolytic aluminium', 'primary aluminium', 'aluminium smelting']

    Raises:
        QueryError: an unknown match mode, translation or language.
    """
    if match not in MATCH_MODES:
        raise QueryError(f"unknown match mode {match!r}; use one of {', '.join(MATCH_MODES)}")
    if translation not in TRANSLATIONS:
        raise QueryError(
            f"unknown translation {translation!r}; use one of {', '.join(TRANSLATIONS)}"
        )
    if lang is not None and lang not in LANGS:
        raise QueryError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
    typed = Form(term.strip(), term_lang(term), "typed", match)
    forms = [typed]
    if translation != "none" and typed.text:
        lex = lexicon if lexicon is not None else default_lexicon()
        cedict: CedictMode = "fallback" if translation == "cedict" else "never"
        if typed.lang == "zh":
            other, senses = "en", lex.zh_to_en(_zh_key(typed.text), cedict=cedict)
        else:
            other, senses = "zh", lex.en_to_zh(typed.text, cedict=cedict)
        if lang is None or lang == other:
            mode = match if other == "zh" else "en_words"
            forms += [Form(s.text.strip(), other, s.source, mode) for s in senses]
    kept: dict[tuple[str, tuple[str, ...]], Form] = {_form_key(typed): typed}
    for form in forms[1:]:
        key = _form_key(form)
        if not key[1]:
            continue  # nothing searchable (a stop word): no form
        if key not in kept:
            kept[key] = form
        elif not kept[key].typed and form.text not in (kept[key].text, *kept[key].variants):
            first = kept[key]
            kept[key] = replace(first, variants=(*first.variants, form.text))
    return tuple(kept.values())


def untranslated_note(term: str, translation: str, lang: str | None) -> str:
    """Why a term was looked for as typed only ("" when translation was not asked for)."""
    if translation == "none":
        return ""
    if lang is not None and lang == term_lang(term):
        return f"--lang {lang}: {term!r} as typed only, no translation is in that language"
    return f"no {translation} translation of {term!r}: as typed only"


def aside_note(documents: int, occurrences: int) -> str:
    """What the translations of documents with text of their own held, not counted."""
    if not occurrences:
        return ""
    return (
        f"({occurrences} more matches in the English translations of {documents} documents"
        " are not counted: a document counts in its own text; --lang en counts translations)"
    )


def describe_forms(counts: Sequence[tuple[Form, int, int]]) -> str:
    """Forms with their occurrences and documents, translations grouped by source.

    >>> typed, glossary = term_forms("稀土")[:2]
    >>> describe_forms([(typed, 2, 116), (glossary, 0, 0)])
    '稀土 116 occ in 2 docs + glossary: rare earths 0'
    """

    def tally(form: Form, documents: int, occurrences: int) -> str:
        return (
            f"{form.text} {occurrences} occ in {documents} docs"
            if occurrences
            else f"{form.text} 0"
        )

    parts = [tally(*c) for c in counts if c[0].typed]
    sources = list(dict.fromkeys(c[0].source for c in counts if not c[0].typed))
    for source in sources:
        found = ", ".join(tally(*c) for c in counts if c[0].source == source)
        parts.append(f"{source}: {found}")
    return " + ".join(parts)


# -- lines ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KwicLine:
    """One occurrence: where it is, the text around it, and which form of the term matched.

    ``paragraph`` counts from 1 within ``field`` ("paragraphs", "attachments" —
    attachment titles and paragraphs flattened as in :attr:`Record.text` —,
    "paragraphs_en" or "summary_en"), as ``alucorpus show`` numbers paragraphs.
    ``start``/``end`` are offsets of the match in that paragraph's original text.
    ``match`` is the text as it stands there (Traditional script, capitals and all);
    ``form`` is the form of the term that found it (the term as typed, or a
    translation: :class:`Form`), ``form_source`` where that form came from, and
    ``lang`` the language of the paragraph ("zh" or "en").
    """

    id: str
    doc_number: str | None
    date: str | None  # issued, else published, else the year (YYYY) when only that is known
    title: str
    field: str
    paragraph: int
    start: int
    end: int
    left: str
    match: str
    right: str
    form: str = ""
    form_source: str = "typed"
    lang: str = ""

    @property
    def where(self) -> str:
        """The paragraph as a short label: ¶5, 附¶2 (attachments), en¶3, summary."""
        if self.field == "summary_en":
            return "summary"
        return f"{_FIELD_LABELS.get(self.field, self.field + '¶')}{self.paragraph}"

    def to_dict(self) -> dict[str, Any]:
        """Plain values (a DataFrame row, a JSON line)."""
        return {
            "id": self.id,
            "doc_number": self.doc_number,
            "date": self.date,
            "title": self.title,
            "field": self.field,
            "paragraph": self.paragraph,
            "start": self.start,
            "end": self.end,
            "left": self.left,
            "match": self.match,
            "right": self.right,
            "form": self.form,
            "form_source": self.form_source,
            "lang": self.lang,
        }


#: The columns of :meth:`KwicLine.to_dict`, in order.
KWIC_COLUMNS = tuple(KwicLine.__dataclass_fields__)


@dataclass(frozen=True)
class Concordance:
    """Every occurrence of ``term``, ordered by date (undated last), document and position.

    ``forms``: the forms looked for (the term first); ``translation`` where its
    translations came from.
    """

    term: str
    match_mode: str
    width: int
    lines: tuple[KwicLine, ...]
    forms: tuple[Form, ...] = ()
    translation: str = "none"
    lang: str | None = None
    # (documents, occurrences) in translations left aside (see :func:`scan`)
    aside: tuple[int, int] = (0, 0)

    @property
    def documents(self) -> int:
        """How many documents have at least one occurrence."""
        return len({line.id for line in self.lines})

    def form_counts(self) -> list[tuple[Form, int, int]]:
        """(form, documents, occurrences) for every form looked for, in :attr:`forms` order."""
        occurrences: Counter[str] = Counter(line.form for line in self.lines)
        documents: Counter[str] = Counter(
            form for form, _ in {(line.form, line.id) for line in self.lines}
        )
        return [(f, documents[f.text], occurrences[f.text]) for f in self.forms]

    def summary(self) -> str:
        """How many occurrences in how many documents, and of which forms (and what was
        left aside in translations: :func:`aside_note`)."""
        line = f"{len(self.lines)} occurrences of {self.term!r} in {self.documents} documents"
        if len(self.forms) > 1:
            line += f" ({describe_forms(self.form_counts())})"
        elif note := untranslated_note(self.term, self.translation, self.lang):
            line += f" ({note})"
        if self.aside[1]:
            line += "\n" + aside_note(*self.aside)
        return line

    def to_frame(self) -> Any:
        """A pandas DataFrame, one row per occurrence (needs the ``tables`` extra)."""
        from .tables import frame

        return frame([line.to_dict() for line in self.lines], list(KWIC_COLUMNS))

    def render(self) -> str:
        """Aligned text lines: number, date, paragraph, [form,] left context | term | right.

        The form column is there when the lines hold more than one form of the term
        (:meth:`summary` always names the forms looked for).
        """
        return render_lines(self.lines, self.width, forms=len({ln.form for ln in self.lines}) > 1)


def _clean(text: str) -> str:
    """Context on one line: every run of whitespace becomes one space."""
    return re.sub(r"\s+", " ", text)


def left_context(text: str, start: int, width: int) -> str:
    """At most ``width`` display columns of ``text`` ending at ``start``."""
    out: list[str] = []
    used = 0
    for ch in reversed(_clean(text[max(0, start - 2 * width) : start])):
        used += char_width(ch)
        if used > width:
            break
        out.append(ch)
    return "".join(reversed(out))


def right_context(text: str, end: int, width: int) -> str:
    """At most ``width`` display columns of ``text`` starting at ``end``."""
    out: list[str] = []
    used = 0
    for ch in _clean(text[end : end + 2 * width]):
        used += char_width(ch)
        if used > width:
            break
        out.append(ch)
    return "".join(out)


# -- matching -------------------------------------------------------------------------------------


def term_tokens(term: str) -> tuple[str, ...]:
    """The analyzer's word tokens of a term (what ``"words"`` mode looks for).

    >>> term_tokens("Energy Conservation")
    ('energi', 'conserv')
    """
    return tuple(t.text for t in word_tokens(term))


def _needle(term: str) -> str:
    """The normalised, lower-cased characters of a term for ``"chars"`` mode.

    Spaces between CJK characters are dropped (电解铝 产能 → 电解铝产能); other runs of
    spaces become one.
    """
    norm = normalize(term).text.lower()
    norm = re.sub(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])", "", norm.strip())
    return re.sub(r"\s+", " ", norm)


class _Text:
    """One paragraph, normalised and tokenised once for every form looked for in it."""

    __slots__ = ("_en", "_norm", "_tokens", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._norm: Normalized | None = None
        self._tokens: dict[bool, list[TokenSpan]] = {}
        self._en: list[TokenSpan] | None = None

    @property
    def norm(self) -> Normalized:
        if self._norm is None:
            self._norm = normalize(self.text)
        return self._norm

    def tokens(self, cjk: bool) -> list[TokenSpan]:
        """Word tokens; without ``cjk`` only the Latin ones (jieba is not needed)."""
        if cjk not in self._tokens:
            self._tokens[cjk] = word_tokens(self.text) if cjk else latin_tokens(self.norm)
        return self._tokens[cjk]

    def en_keys(self) -> list[TokenSpan]:
        """The Latin words (stop words out, as for search), each as the lexicon's key."""
        if self._en is None:
            self._en = []
            for token in self.tokens(False):
                word = unicodedata.normalize("NFKC", self.text[token.start : token.end])
                key = normalise_en_word(word)
                if key:
                    self._en.append(TokenSpan(key, token.start, token.end))
        return self._en


@dataclass(frozen=True)
class _Pattern:
    """What one form looks for, worked out once: its tokens, or its characters."""

    match: str
    needle: str = ""
    wanted: tuple[str, ...] = ()
    cjk: tuple[str, ...] = ()

    @classmethod
    def of(cls, term: str, match: str) -> _Pattern:
        if match == "chars":
            return cls(match, needle=_needle(term))
        if match == "en_words":
            return cls(match, wanted=tuple(t.text for t in _Text(term).en_keys()))
        wanted = term_tokens(term)
        return cls(match, wanted=wanted, cjk=tuple(w for w in wanted if has_cjk(w)))

    def find(self, text: _Text) -> list[tuple[int, int]]:
        if self.match == "chars":
            if not self.needle:
                return []
            norm = text.norm
            hay = norm.text.lower()
            if len(hay) != len(norm.text):  # a lower-casing that changes length breaks the map
                hay = norm.text
            return [norm.span(m.start(), m.end()) for m in re.finditer(re.escape(self.needle), hay)]
        wanted = self.wanted
        if not wanted:
            return []
        # Segmenting is the expensive part: skip text that cannot contain the words.
        if self.cjk and any(w not in text.norm.text for w in self.cjk):
            return []
        tokens = text.en_keys() if self.match == "en_words" else text.tokens(bool(self.cjk))
        n = len(wanted)
        spans = []
        for i in range(len(tokens) - n + 1):
            if tokens[i].text == wanted[0] and tuple(t.text for t in tokens[i : i + n]) == wanted:
                spans.append((tokens[i].start, tokens[i + n - 1].end))
        return spans


def find_occurrences(text: str, term: str, *, match: str = "words") -> list[tuple[int, int]]:
    """Spans of ``text`` (original offsets) where ``term`` occurs.

    Args:
        text: a paragraph, Simplified or Traditional.
        term: one or more words, Chinese or English.
        match: "words" (token sequence, the default) or "chars" (normalised substring).

    >>> find_occurrences("遏制電解鋁產能，電解铝行業", "电解铝")
    [(2, 5), (8, 11)]
    """
    return _Pattern.of(term, match).find(_Text(text))


def _leftmost_longest(found: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Non-overlapping spans: leftmost first, then longest, then the earlier form."""
    kept: list[tuple[int, int, int]] = []
    end = -1
    for span in sorted(found, key=lambda s: (s[0], s[0] - s[1], s[2])):
        if span[0] >= end:
            kept.append(span)
            end = span[1]
    return kept


def find_forms(
    text: str, forms: Sequence[Form], *, lang: str | None = None
) -> list[tuple[int, int, int]]:
    """``(start, end, form index)`` of every occurrence of any of ``forms`` in ``text``.

    ``lang``: the text's language; a translation is looked for only in text of its
    own language (None: every form is). Overlapping matches of two forms count once
    (leftmost, then longest, then the earlier form).

    >>> forms = term_forms("电解铝")
    >>> text = "電解鋁 (primary aluminium smelting)"
    >>> [(text[s:e], forms[i].text) for s, e, i in find_forms(text, forms)]
    [('電解鋁', '电解铝'), ('primary aluminium', 'primary aluminium')]
    """
    return _find(_Text(text), [_Pattern.of(f.text, f.match) for f in forms], forms, lang)


def _find(
    text: _Text, patterns: Sequence[_Pattern], forms: Sequence[Form], lang: str | None
) -> list[tuple[int, int, int]]:
    found = []
    for k, (pattern, form) in enumerate(zip(patterns, forms, strict=True)):
        if lang is None or form.typed or form.lang == lang:
            found += [(s, e, k) for s, e in pattern.find(text)]
    return _leftmost_longest(found) if len(found) > 1 else found


def _check_term(term: str) -> None:
    if not term.strip():
        raise QueryError("empty term: give a word or a phrase")
    if len(term) > _MAX_TERM_CHARS:
        raise QueryError(f"term is too long ({len(term)} characters; the limit is 200)")


def candidate_query(term: str, *, match: str = "words") -> Any:
    """The whoosh query for documents that may contain ``term`` (a superset of the matches).

    Raises:
        QueryError: the term is empty, too long, or has nothing searchable (stop words only).
    """
    if match not in MATCH_MODES:
        raise QueryError(f"unknown match mode {match!r}; use one of {', '.join(MATCH_MODES)}")
    _check_term(term)
    words = term_tokens(term)
    if match == "words":
        if not words:
            raise QueryError(f"{term!r} has no searchable word (only stop words or punctuation)")
        return Q.Phrase("body", list(words)) if len(words) > 1 else Q.Term("body", words[0])
    parts = []
    for run in cjk_runs(term):
        # Every character of the run inside some body word: a superset of the documents
        # with the run, whatever jieba made of it. Its first and last characters are
        # enough for a superset; every word that contains them is expanded (no limit).
        chars = list(dict.fromkeys((run[0], run[-1])))
        parts += [contains_char_query("body", c, limit=None) for c in chars]
    parts += [Q.Term("body", t.text) for t in word_tokens(term, cjk=False)]
    if not parts:
        raise QueryError(f"{term!r} has no searchable word (only stop words or punctuation)")
    return parts[0] if len(parts) == 1 else Q.And(parts)


def forms_query(forms: Sequence[Form]) -> Any:
    """Documents that may contain any of ``forms`` (the first, the term, must be searchable).

    Raises:
        QueryError: the term as typed is empty, too long or has nothing searchable.
    """
    queries = [candidate_query(forms[0].text, match=forms[0].match)]
    for form in forms[1:]:
        # The index holds the analyzer's stems: an English translation's documents are
        # among those of its words, and of its variants' words (licence, license).
        mode = "words" if form.match == "en_words" else form.match
        for text in (form.text, *form.variants):
            try:
                queries.append(candidate_query(text, match=mode))
            except QueryError:
                continue  # an unsearchable translation is no reason to refuse the term
    queries = list(dict.fromkeys(queries))
    return queries[0] if len(queries) == 1 else Q.Or(queries)


#: Fields of a record that translate its text (Taiwan's official English, a table's
#: machine translation, an English summary).
TRANSLATION_FIELDS = ("paragraphs_en", "summary_en")


def _segment_lang(field: str, text: str) -> str:
    """The language of one stored text segment: English sides by field, the rest by script."""
    if field in TRANSLATION_FIELDS:
        return "en"
    return "zh" if has_cjk(text) else "en"


def _own_langs(segments: Iterable[tuple[str, int, str]]) -> set[str]:
    """The languages of a document's own text (its segments that are not translations)."""
    return {_segment_lang(f, t) for f, _, t in segments if f not in TRANSLATION_FIELDS}


@dataclass(frozen=True)
class DocumentMatches:
    """The occurrences of a term's forms in one document, as :func:`scan` yields them.

    ``spans``: ``(field, paragraph index, text, ((start, end, form index), …))`` per
    paragraph with a match; the form index points into ``forms``. ``aside``: matches
    in the document's translation that were not counted (see :func:`scan`); a
    document can come with ``aside`` and no spans.
    """

    id: str
    data: dict[str, Any]  # the index's stored data: title, doc_number, issued, segments …
    spans: tuple[tuple[str, int, str, tuple[tuple[int, int, int], ...]], ...]
    forms: tuple[Form, ...] = ()
    aside: int = 0

    @property
    def occurrences(self) -> int:
        """Number of occurrences in the document."""
        return sum(len(s[3]) for s in self.spans)

    def form_occurrences(self) -> Counter[int]:
        """Occurrences per form (by index into :attr:`forms`)."""
        return Counter(k for s in self.spans for _, _, k in s[3])

    @property
    def date(self) -> str | None:
        """Issued date, else published date, else the year alone (never an invented day)."""
        date = self.data.get("issued") or self.data.get("published")
        year = self.data.get("issued_year")
        return date or (str(year) if year else None)


def scan(
    index: Index,
    term: str,
    *,
    match: str = "words",
    lang: str | None = None,
    restrict: Filter | None = None,
    forms: Sequence[Form] | None = None,
) -> Iterator[DocumentMatches]:
    """Documents with an occurrence of ``term`` (or of its forms), best match first.

    Each mention is counted once, in the document's own text: a document that carries
    its translation (Taiwan's statutes with their official English, GOV_PRC's rows
    with their machine translation: ``paragraphs_en``, ``summary_en``) and has text
    of its own in a language of the forms is matched in that text only. Its
    translation would count the same mentions again, and a broad rendering there
    ("mining" for 采矿, 开采 and 矿业 alike) would count mentions the original does not
    make. The translation's matches are tallied in :attr:`DocumentMatches.aside`
    (a document may come with those alone, and no occurrence). With ``lang`` only that
    language's text is read, translations included.

    Args:
        index: an open index.
        term: the term (see :func:`find_occurrences`).
        match: "words" or "chars".
        lang: only text in this language ("zh" or "en"); None for all.
        restrict: only the documents this filter lets through (None: all).
        forms: the forms to look for (:func:`term_forms`); None: the term as typed only.
    """
    _check_term(term)
    if forms is None:
        forms = term_forms(term, match=match, translation="none")
    forms = tuple(forms)
    patterns = [_Pattern.of(f.text, f.match) for f in forms]
    form_langs = {f.lang for f in forms}
    for doc_id, data in matching_documents(index, forms_query(forms), restrict):
        segments = data.get("segments", ())
        own_text = lang is None and bool(_own_langs(segments) & form_langs)
        found = []
        aside = 0
        for fld, number, text in segments:
            seg_lang = _segment_lang(fld, text)
            if lang and seg_lang != lang:
                continue
            spans = _find(_Text(text), patterns, forms, seg_lang)
            if own_text and fld in TRANSLATION_FIELDS:
                aside += len(spans)
            elif spans:
                found.append((fld, number, text, tuple(spans)))
        if found or aside:
            yield DocumentMatches(doc_id, data, tuple(found), forms, aside)


def lines_of(doc: DocumentMatches, width: int) -> list[KwicLine]:
    """Concordance lines of one document's matches."""
    lines = []
    for fld, number, text, spans in doc.spans:
        for start, end, k in spans:
            form = doc.forms[k] if k < len(doc.forms) else None
            lines.append(
                KwicLine(
                    id=doc.id,
                    doc_number=doc.data.get("doc_number"),
                    date=doc.date,
                    title=doc.data.get("title", ""),
                    field=fld,
                    paragraph=number + 1,
                    start=start,
                    end=end,
                    left=left_context(text, start, width),
                    match=_clean(text[start:end]),
                    right=right_context(text, end, width),
                    form=form.text if form else "",
                    form_source=form.source if form else "typed",
                    lang=_segment_lang(fld, text),
                )
            )
    return lines


_FIELD_ORDER = {"paragraphs": 0, "attachments": 1, "paragraphs_en": 2, "summary_en": 3}


def concordance(
    index: Index,
    term: str,
    *,
    width: int = DEFAULT_WIDTH,
    match: str = "words",
    lang: str | None = None,
    restrict: Filter | None = None,
    translation: str = "glossary",
    lexicon: Lexicon | None = None,
) -> Concordance:
    """Every occurrence of ``term`` and its forms, with ``width`` columns of context.

    ``translation`` and ``lexicon``: where the term's other-language forms come from
    (see :func:`term_forms`); ``lang`` keeps the text, and the forms, of one language.

    Raises:
        QueryError: an empty or unsearchable term, an unknown match mode or
            translation, a bad width.
    """
    if width < 1:
        raise QueryError("the context width must be at least 1 column")
    _check_term(term)
    forms = term_forms(term, match=match, lang=lang, translation=translation, lexicon=lexicon)
    lines: list[KwicLine] = []
    aside = [0, 0]
    for doc in scan(index, term, match=match, lang=lang, restrict=restrict, forms=forms):
        lines.extend(lines_of(doc, width))
        if doc.aside:
            aside[0] += 1
            aside[1] += doc.aside
    lines.sort(
        key=lambda ln: (
            ln.date is None,
            ln.date or "",
            ln.doc_number or "",
            ln.id,
            _FIELD_ORDER.get(ln.field, 9),
            ln.paragraph,
            ln.start,
        )
    )
    return Concordance(
        term=term,
        match_mode=match,
        width=width,
        lines=tuple(lines),
        forms=forms,
        translation=translation,
        lang=lang,
        aside=(aside[0], aside[1]),
    )


def render_lines(lines: Iterable[KwicLine], width: int, *, forms: bool = False) -> str:
    """Concordance lines aligned by display width (CJK characters take two columns).

    ``forms``: add a column with the form of the term that matched each line.
    """
    lines = list(lines)
    if not lines:
        return ""
    heads = [
        (ln.doc_number or ln.id[:8], ln.date or "----------", ln.where)
        + ((ln.form,) if forms else ())
        for ln in lines
    ]
    widths = [max(display_width(h[i]) for h in heads) for i in range(len(heads[0]))]
    out = []
    for ln, head in zip(lines, heads, strict=True):
        prefix = "  ".join(pad(part, w) for part, w in zip(head, widths, strict=True))
        out.append(
            f"{prefix}  {pad(ln.left, width, right=True)} | {ln.match} | {ln.right}".rstrip()
        )
    return "\n".join(out) + "\n"


__all__ = [
    "DEFAULT_WIDTH",
    "KWIC_COLUMNS",
    "LANGS",
    "MATCH_MODES",
    "TRANSLATIONS",
    "TRANSLATION_FIELDS",
    "Concordance",
    "DocumentMatches",
    "Form",
    "KwicLine",
    "aside_note",
    "candidate_query",
    "concordance",
    "default_lexicon",
    "describe_forms",
    "display_width",
    "find_forms",
    "find_occurrences",
    "forms_query",
    "left_context",
    "lines_of",
    "load_lexicon",
    "pad",
    "render_lines",
    "right_context",
    "scan",
    "term_forms",
    "term_lang",
    "term_tokens",
    "untranslated_note",
]
