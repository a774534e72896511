"""The query classes alucorpus adds to whoosh's, with whoosh matchers as their reference.

:class:`SynonymGroup` (a source term and its weighted translations, scored by the
best), :class:`Coordinated` (a union scaled by the share of groups matched),
:class:`ConstantScore`, and the bounded character expansions :class:`CharPrefix`
and :class:`ContainsChar`. Search evaluates them as arrays
(:mod:`alucorpus.search.evaluate`); their whoosh matchers define what that must
equal, and tests compare the two.
"""

from __future__ import annotations

from typing import Any

from whoosh import query as Q
from whoosh.matching import mcore
from whoosh.matching.wrappers import WrappingMatcher

from ..segments import terms_with_char

# -- synonym groups -------------------------------------------------------------------------------


class ConstantScore(Q.WrappingQuery):
    """A query whose every match scores ``score``, however many of its terms matched.

    For expanding queries (``Prefix``, ``Wildcard``): whoosh scores them as a constant
    only when it does not need the current match, and as the *sum* over every
    expanded term when it does (``terms=True``, which search() uses for matched
    terms). A lone character's prefix then gave a document with many words starting
    with 法 a score of 198 against 2 for a real match. This wrapper keeps the term
    matchers (matched terms still work) and fixes the score.
    """

    def __init__(self, child: Any, score: float = 1.0) -> None:
        super().__init__(child)
        self.score = score

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ConstantScore)
            and self.child == other.child
            and self.score == other.score
        )

    def __hash__(self) -> int:
        return hash(self.child) ^ hash(self.score)

    def _rewrap(self, child: Any) -> ConstantScore:
        return ConstantScore(child, self.score)

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        """The child's matcher, scoring a constant."""
        m = self.child.matcher(searcher, context)
        if not m.is_active():
            return mcore.NullMatcher()
        return _ConstantMatcher(m, self.score)


class _ConstantMatcher(WrappingMatcher):
    """Delegates matching to its child; every match scores the same."""

    def __init__(self, child: Any, boost: float = 1.0) -> None:
        super().__init__(child, boost=boost)

    def replace(self, minquality: float = 0) -> Any:
        # The child's qualities are in its own (BM25) units: never let it prune itself.
        if minquality > self.boost:
            return mcore.NullMatcher()
        child = self.child.replace(0)
        if not child.is_active():
            return mcore.NullMatcher()
        return self if child is self.child else _ConstantMatcher(child, self.boost)

    def supports_block_quality(self) -> bool:
        return False

    def max_quality(self) -> float:
        return float(self.boost)

    def block_quality(self) -> float:
        return float(self.boost)

    def weight(self) -> float:
        return 1.0

    def score(self) -> float:
        return float(self.boost)


class SynonymGroup(Q.CompoundQuery):
    """Alternatives that count as one term (Pirkola's structured query).

    A document matching any alternative matches the group; its score is the best
    ``weight × score`` among the alternatives it matches, plus ``tiebreak`` times the
    rest. So a term with many translations gets no more credit than its best
    translation, and a weak (dictionary) translation only a fraction of it.

    Not whoosh's ``DisjunctionMax``: its matcher scores a document with another
    document's score when the alternatives are on different documents, drops matches
    when results are capped, and a one-alternative DisMax ignores boosts. This one
    compares document ids before taking the maximum, and opts out of whoosh's
    block-quality skipping (so capping the results never drops a match).
    """

    def __init__(
        self,
        subqueries: list[Any],
        weights: list[float] | None = None,
        tiebreak: float = 0.0,
        boost: float = 1.0,
    ) -> None:
        super().__init__(list(subqueries), boost=boost)
        self.weights = list(weights) if weights is not None else [1.0] * len(self.subqueries)
        if len(self.weights) != len(self.subqueries):
            raise ValueError("SynonymGroup needs one weight per alternative")
        self.tiebreak = tiebreak

    def __unicode__(self) -> str:
        inner = " ".join(f"{q}^{w:.3g}" for q, w in zip(self.subqueries, self.weights, strict=True))
        return f"Syn({inner})"

    __str__ = __unicode__

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, SynonymGroup)
            and self.subqueries == other.subqueries
            and self.weights == other.weights
            and self.tiebreak == other.tiebreak
            and self.boost == other.boost
        )

    def __hash__(self) -> int:
        return super().__hash__() ^ hash(tuple(self.weights))

    def apply(self, fn: Any) -> SynonymGroup:
        """A copy with ``fn`` applied to every alternative (weights kept)."""
        return SynonymGroup(
            [fn(q) for q in self.subqueries], self.weights, self.tiebreak, self.boost
        )

    def normalize(self) -> Any:
        """Normalised alternatives; null alternatives drop out with their weights."""
        pairs = [(q.normalize(), w) for q, w in zip(self.subqueries, self.weights, strict=True)]
        pairs = [(q, w) for q, w in pairs if q is not Q.NullQuery]
        if not pairs:
            return Q.NullQuery
        return SynonymGroup([q for q, _ in pairs], [w for _, w in pairs], self.tiebreak, self.boost)

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        """A :class:`_GroupMatcher` over the alternatives' matchers."""
        subs = [
            (q.matcher(searcher, context), w * self.boost)
            for q, w in zip(self.subqueries, self.weights, strict=True)
        ]
        subs = [(m, w) for m, w in subs if m.is_active()]
        if not subs:
            return mcore.NullMatcher()
        return _GroupMatcher(subs, self.tiebreak)


class _GroupMatcher(mcore.Matcher):
    """N-ary union whose score is the best weighted sub-score at the current document."""

    def __init__(self, subs: list[tuple[Any, float]], tiebreak: float = 0.0) -> None:
        self.subs = subs
        self.tiebreak = tiebreak

    def __repr__(self) -> str:
        return f"_GroupMatcher({self.subs!r})"

    def _active(self) -> list[tuple[Any, float]]:
        return [(m, w) for m, w in self.subs if m.is_active()]

    def is_active(self) -> bool:
        return any(m.is_active() for m, _ in self.subs)

    def reset(self) -> None:
        for m, _ in self.subs:
            m.reset()

    def children(self) -> list[Any]:
        return [m for m, _ in self.subs]

    def copy(self) -> _GroupMatcher:
        return _GroupMatcher([(m.copy(), w) for m, w in self.subs], self.tiebreak)

    def replace(self, minquality: float = 0) -> Any:
        subs = [(m.replace(0), w) for m, w in self._active()]  # no quality pruning
        subs = [(m, w) for m, w in subs if m.is_active()]
        if not subs:
            return mcore.NullMatcher()
        return _GroupMatcher(subs, self.tiebreak)

    def depth(self) -> int:
        return 1 + max((m.depth() for m, _ in self.subs), default=0)

    def supports_block_quality(self) -> bool:
        return False  # the collector then never skips blocks under this matcher

    def max_quality(self) -> float:
        # An upper bound of score(): whoosh's unions prune sub-matchers by it.
        qualities = [m.max_quality() * w for m, w in self._active()]
        if not qualities:
            return 0.0
        best = max(qualities)
        return best + self.tiebreak * (sum(qualities) - best)

    def block_quality(self) -> float:
        return self.max_quality()

    def supports(self, astype: str) -> bool:
        return all(m.supports(astype) for m, _ in self.subs)

    def id(self) -> int:
        return min(m.id() for m, _ in self._active())

    def next(self) -> bool:
        active = self._active()
        if not active:
            raise mcore.ReadTooFar
        current = min(m.id() for m, _ in active)
        moved = False
        for m, _ in active:
            if m.id() == current:
                moved = bool(m.next()) or moved
        return moved

    def skip_to(self, id: int) -> bool:
        if not self.is_active():
            raise mcore.ReadTooFar
        moved = False
        for m, _ in self._active():
            if m.id() < id:
                moved = bool(m.skip_to(id)) or moved
        return moved

    def _at_current(self) -> list[tuple[Any, float]]:
        active = self._active()
        current = min(m.id() for m, _ in active)
        return [(m, w) for m, w in active if m.id() == current]

    def weight(self) -> float:
        return max(m.weight() * w for m, w in self._at_current())

    def score(self) -> float:
        scores = [m.score() * w for m, w in self._at_current()]
        best = max(scores)
        return best + self.tiebreak * (sum(scores) - best)

    def spans(self) -> list[Any]:
        return sorted({s for m, _ in self._at_current() for s in m.spans()})

    def value(self) -> Any:
        return self._at_current()[0][0].value()

    def value_as(self, astype: str) -> Any:
        return self._at_current()[0][0].value_as(astype)

    def matching_terms(self, id: int | None = None) -> Any:
        if not self.is_active():
            return
        if id is None:
            id = self.id()
        for m, _ in self._active():
            if m.id() == id:
                yield from m.matching_terms(id)


class Coordinated(Q.CompoundQuery):
    """Alternatives OR-ed, the sum of their scores scaled by the share that matched.

    Lucene's classic coordination factor: with ``n`` source terms, a document
    matching ``m`` of them scores ``sum × (m / n) ** power``. So a document that has
    every term of "Standard for the Tolerance of Heavy Metals in Rice" outranks one
    that repeats two of them many times. Like :class:`SynonymGroup`, it opts out of
    whoosh's block-quality skipping, so capping the results never drops a match.
    """

    def __init__(self, subqueries: list[Any], power: float = 1.0, boost: float = 1.0) -> None:
        super().__init__(list(subqueries), boost=boost)
        self.power = power

    def __unicode__(self) -> str:
        return f"Coord({' '.join(str(q) for q in self.subqueries)})"

    __str__ = __unicode__

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Coordinated)
            and self.subqueries == other.subqueries
            and self.power == other.power
            and self.boost == other.boost
        )

    def __hash__(self) -> int:
        return super().__hash__() ^ hash(self.power)

    def apply(self, fn: Any) -> Coordinated:
        """A copy with ``fn`` applied to every alternative."""
        return Coordinated([fn(q) for q in self.subqueries], self.power, self.boost)

    def normalize(self) -> Any:
        """Normalised alternatives; the count ``n`` stays that of the source terms."""
        subs = [q.normalize() for q in self.subqueries]
        if all(q is Q.NullQuery for q in subs):
            return Q.NullQuery
        return Coordinated(subs, self.power, self.boost)

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        """A :class:`_CoordMatcher` over the alternatives' matchers."""
        total = len(self.subqueries)
        subs = [(q.matcher(searcher, context), self.boost) for q in self.subqueries]
        subs = [(m, w) for m, w in subs if m.is_active()]
        if not subs:
            return mcore.NullMatcher()
        return _CoordMatcher(subs, total, self.power)


class _CoordMatcher(_GroupMatcher):
    """Union scoring ``sum of sub-scores × (matched / total) ** power``."""

    def __init__(self, subs: list[tuple[Any, float]], total: int, power: float = 1.0) -> None:
        super().__init__(subs)
        self.total = max(1, total)
        self.power = power

    def copy(self) -> _CoordMatcher:
        return _CoordMatcher([(m.copy(), w) for m, w in self.subs], self.total, self.power)

    def replace(self, minquality: float = 0) -> Any:
        subs = [(m.replace(0), w) for m, w in self._active()]  # no quality pruning
        subs = [(m, w) for m, w in subs if m.is_active()]
        if not subs:
            return mcore.NullMatcher()
        return _CoordMatcher(subs, self.total, self.power)

    def max_quality(self) -> float:
        # A document matches at most the active alternatives, so its share is at most
        # theirs: a bound that tightens as alternatives run out (or, in the rest of a
        # query without its strong parts, were never there: search._top_scored).
        active = self._active()
        share = (len(active) / self.total) ** self.power
        return sum(m.max_quality() * w for m, w in active) * share

    def weight(self) -> float:
        return sum(m.weight() * w for m, w in self._at_current())

    def score(self) -> float:
        at = self._at_current()
        share = (len(at) / self.total) ** self.power
        return sum(m.score() * w for m, w in at) * share


# -- characters and bigrams -----------------------------------------------------------------------


def bigram_run_query(fieldname: str, grams: list[str], boost: float = 1.0) -> Any:
    """Documents whose (positional) bigram field shows one CJK run, given as its bigrams."""
    if len(grams) > 1:
        return Q.Phrase(fieldname, grams, boost=boost)
    return Q.Term(fieldname, grams[0], boost=boost)


#: A lone query character matches at most this many index terms that contain it (the
#: most frequent ones), besides itself: see :func:`lone_char_query`.
CHAR_EXPANSIONS = 16


class CharPrefix(Q.Prefix):
    """whoosh's Prefix query, expanded to the :data:`CHAR_EXPANSIONS` most frequent terms."""

    limit = CHAR_EXPANSIONS

    def _btexts(self, ixreader: Any) -> list[Any]:
        # The character itself (a run end or a lone-character run) always counts;
        # then the most frequent bigrams: they hold nearly every document that
        # has the character, at a bounded number of posting lists.
        terms = list(ixreader.expand_prefix(self.fieldname, self.text))
        if len(terms) <= self.limit + 1:
            return terms
        own = self.text.encode("utf-8") if isinstance(terms[0], bytes) else self.text
        others = [t for t in terms if t != own]
        others.sort(key=lambda t: -ixreader.doc_frequency(self.fieldname, t))
        return ([own] if own in terms else []) + others[: self.limit]


class ContainsChar(Q.MultiTerm):
    """Documents with a term in ``fieldname`` that contains the character ``text``."""

    def __init__(
        self, fieldname: str, text: str, limit: int | None = CHAR_EXPANSIONS, boost: float = 1.0
    ) -> None:
        self.fieldname = fieldname
        self.text = text
        self.limit = limit
        self.boost = boost
        self.constantscore = True

    def __repr__(self) -> str:
        return f"ContainsChar({self.fieldname!r}, {self.text!r}, limit={self.limit})"

    def __unicode__(self) -> str:
        return f"{self.fieldname}:*{self.text}*"

    __str__ = __unicode__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ContainsChar) and (
            self.fieldname,
            self.text,
            self.limit,
            self.boost,
        ) == (other.fieldname, other.text, other.limit, other.boost)

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.fieldname, self.text, self.limit))

    def _btexts(self, ixreader: Any) -> list[str]:
        # whoosh's own matcher (the tests' reference) reads the table from beside the
        # segment; the evaluator reads it through the index's cache instead.
        return terms_with_char(ixreader, self.fieldname, self.text, self.limit)


def contains_char_query(fieldname: str, char: str, limit: int | None = CHAR_EXPANSIONS) -> Any:
    """Documents whose word field ``fieldname`` has a word containing ``char``.

    A word field holds whole words, so a lone query character (铝) would otherwise
    match only where jieba left it alone, not inside 电解铝 or 铝材. Which words
    contain a character is read from each segment's term list once and kept beside
    the segment (:func:`alucorpus.segments.char_terms`). ``limit`` keeps the most
    frequent words only: a common character is inside thousands of words, and whoosh
    unions one posting list per word.
    """
    return ContainsChar(fieldname, char, limit)


def lone_char_query(fieldname: str, char: str) -> Any:
    """Documents whose ``fieldname`` contains the CJK character ``char`` (bounded).

    In a bigram field every character of an indexed text starts a token (the last
    one of a run is indexed as a unigram), so a prefix query finds them; a common
    character starts hundreds of bigrams (的: 821 in 1000 documents) and whoosh
    unions one posting list per term, so the prefix is bounded to the character
    itself and its :data:`CHAR_EXPANSIONS` most frequent bigrams. In a word field,
    the words that contain the character (:func:`contains_char_query`).
    """
    if fieldname.endswith("_bigram"):
        return CharPrefix(fieldname, char)
    return contains_char_query(fieldname, char)
