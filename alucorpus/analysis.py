"""Text analysis shared by indexing and querying: normalisation, segmentation, tokens.

The one pipeline, used for both sides so that an index and its queries always agree:

1. NFKC (full-width letters and digits, compatibility forms), character by character
   so that every normalised character knows where it came from;
2. Traditional → Simplified with OpenCC ``t2s``;
3. split into CJK runs and Latin/digit runs;
4. CJK runs are segmented in jieba's precise mode (HMM off, project dictionary
   ``data/userdict.txt``) by rjieba, or by jieba itself where rjieba is not installed
   (:func:`segmenter`; the two give the same words); Latin runs are lowercased, British
   spellings folded to American ones (aluminium → aluminum) and Porter-stemmed.

Every token carries character offsets into the *original* text, so highlights point
at the words the user sees, Traditional script included.

This is the only module that imports rjieba, jieba and OpenCC, and it does so lazily:
the segmenter's dictionary is only built when a CJK run is actually seen.

It is also the one home of the text rules that ingest, the lexicon, the index and
queries share, so that they cannot disagree: what a Chinese character is
(:data:`CJK_IDEOGRAPHS`, :func:`has_cjk`, :func:`cjk_runs`), British → American
spelling (:func:`american_word`), Traditional → Simplified (:func:`to_simplified`,
:func:`to_simplified_aligned`) and the canonical form of a document number
(:class:`DocNumber`).

>>> [t.text for t in word_tokens("Aluminium smelters")]
['aluminum', 'smelter']
"""

from __future__ import annotations

import hashlib
import logging
import operator
import os
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata, resources
from typing import TYPE_CHECKING, Any

from whoosh.analysis import Token, Tokenizer

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

#: Bump whenever a change here changes which tokens a text produces: indexes built by
#: another version refuse to open (see :mod:`alucorpus.index`).
#: 2: the segmentation cache also holds the body's sub-words (:func:`sub_words`).
ANALYZER_VERSION = 2

_USERDICT = "userdict.txt"

#: What counts as a Chinese character, everywhere (ingest, lexicon, index, query): the
#: body of a regex character class (``f"[{CJK_IDEOGRAPHS}]"``). CJK ideographs: the
#: unified block, extension A, compatibility ideographs, extensions B to G.
CJK_IDEOGRAPHS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CJK_RE = re.compile(f"[{CJK_IDEOGRAPHS}]")
# A run is either CJK ideographs or letters/digits of any other script; everything
# else (punctuation, spaces, brackets) separates tokens.
_RUN_RE = re.compile(f"(?P<cjk>[{CJK_IDEOGRAPHS}]+)|(?P<latin>(?:(?![{CJK_IDEOGRAPHS}])[^\\W_])+)")

# Small English stop list: whoosh's own, which every English query word is checked
# against; stopped words take no position, in documents and in phrase queries alike.
_STOP_WORDS = frozenset(
    "a an and are as at be by can for from have if in is it may not of on or that the "  # noqa: SIM905 - a list literal would take 34 lines
    "this to us we when will with yet you your".split()
)

# -- British → American spelling: the one table and rules (lexicon and index use them) -----------

# Whole-word British → American spellings; :func:`american_word`'s rules handle
# -isation/-ise/-our/sulph and the doubled l.
_SPELLING = {
    "aluminium": "aluminum",
    "tonne": "ton",
    "tonnes": "tons",
    "programme": "program",
    "programmes": "programs",
    "licence": "license",
    "licences": "licenses",
    "licenced": "licensed",
    "defence": "defense",
    "offence": "offense",
    "offences": "offenses",
    "pretence": "pretense",
    "centre": "center",
    "centres": "centers",
    "metre": "meter",
    "metres": "meters",
    "litre": "liter",
    "litres": "liters",
    "fibre": "fiber",
    "fibres": "fibers",
    "theatre": "theater",
    "calibre": "caliber",
    "grey": "gray",
    "mould": "mold",
    "ageing": "aging",
    "judgement": "judgment",
    "acknowledgement": "acknowledgment",
    "catalogue": "catalog",
    "catalogues": "catalogs",
    "dialogue": "dialog",
    "analogue": "analog",
    "enrol": "enroll",
    "enrolment": "enrollment",
    "fulfil": "fulfill",
    "fulfilment": "fulfillment",
    "instalment": "installment",
    "practise": "practice",
    "cheque": "check",
    "tyre": "tire",
    "tyres": "tires",
    "storey": "story",
    "draught": "draft",
    "manoeuvre": "maneuver",
    "jewellery": "jewelry",
    "sceptical": "skeptical",
    "skilful": "skillful",
    "speciality": "specialty",
    "whilst": "while",
    "amongst": "among",
    "plough": "plow",
    "aeroplane": "airplane",
}
_DOUBLE_L = re.compile(
    r"^(travel|model|label|fuel|cancel|signal|level|channel|counsel|total|equal|marshal"
    r"|initial|tunnel|shovel|dial|panel)l(ed|ing|er|ers|or|ors)$"
)
_OUR_STEMS = (
    "labour",
    "colour",
    "favour",
    "behaviour",
    "harbour",
    "neighbour",
    "honour",
    "vapour",
    "rumour",
    "endeavour",
    "flavour",
    "odour",
    "vigour",
    "tumour",
    "armour",
    "parlour",
    "saviour",
    "valour",
)
_ISE_RE = re.compile(r"^([a-z]{2,}?)is(e|ed|es|ing|er|ers|able)$")
# -ise words that American English spells the same way (enterprise, supervise …).
_ISE_KEEP = frozenset(
    "advertis advis apprais aris chastis circumcis compris compromis concis demis despis "  # noqa: SIM905 - a set literal would take 20 lines
    "devis disguis enterpris excis exercis expertis franchis improvis incis merchandis "
    "nois otherwis paradis pois precis premis promis prais rais revis ris supervis surmis "
    "surpris televis treatis wis cruis vis bruis mis pris cris repris chemis sunris "
    "reprais tortois porpois bais".split()
)
_YSE_RE = re.compile(r"^([a-z]+)ys(e|ed|es|ing|er|ers)$")


@lru_cache(maxsize=65536)
def american_word(word: str) -> str:
    """A lower-case word in American spelling (no stemming).

    >>> american_word("standardisation"), american_word("labour"), american_word("grey")
    ('standardization', 'labor', 'gray')
    """
    if word in _SPELLING:
        return _SPELLING[word]
    if "aluminium" in word:
        word = word.replace("aluminium", "aluminum")
    if "sulph" in word:
        word = word.replace("sulph", "sulf")
    if "isation" in word:
        word = word.replace("isation", "ization")
    m = _DOUBLE_L.match(word)
    if m:
        return m.group(1) + m.group(2)
    for stem in _OUR_STEMS:
        if word.startswith(stem):
            return stem[:-2] + "r" + word[len(stem) :]
    m = _ISE_RE.match(word)
    if m and not (m.group(1) + "is" in _ISE_KEEP or word.endswith(("wise", "rprise"))):
        return m.group(1) + "iz" + m.group(2)
    m = _YSE_RE.match(word)
    if m and m.group(1).endswith(("al", "cat", "paral", "dial", "electrol", "hydrol")):
        return m.group(1) + "yz" + m.group(2)
    return word


# The British words the index folds to :func:`american_word`, before and after
# stemming (colours → colour → color). Only these: the rules on every word would
# change the tokens of existing indexes, and they are written for whole glossary
# words (on running text they turn guise into guiz, fundraising into fundraiz).
_INDEX_FOLDED = frozenset(
    "aluminium aluminiums sulphur sulphate sulphide organisation organisations programme "  # noqa: SIM905 - a set literal would take 28 lines
    "programmes centre centres licence licences labour modernisation utilisation "
    "optimisation standardisation industrialisation decarbonisation fibre tonne tonnes "
    "defence colour recognised".split()
)


@dataclass(frozen=True, slots=True)
class TokenSpan:
    """One token: its indexed text and its character span in the original text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Normalized:
    """Normalised text with, for each of its characters, the span it came from."""

    text: str
    starts: tuple[int, ...]  # original offset where normalised char i starts
    ends: tuple[int, ...]  # original offset where normalised char i ends

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalised text back to the original text."""
        return self.starts[start], self.ends[end - 1]


# -- normalisation --------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _opencc() -> Any:
    """The OpenCC ``t2s`` converter: the package's only one (everything converts here)."""
    import opencc  # heavy C extension: imported only when text is analysed

    return opencc.OpenCC("t2s")


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def to_simplified(text: str) -> str:
    """Traditional → Simplified (OpenCC ``t2s``); Simplified text comes back unchanged."""
    if not _CJK_RE.search(text):
        return text
    # OpenCC takes UTF-8, which cannot carry lone surrogates (they come from broken
    # input); U+FFFD keeps the length, so offset maps stay valid.
    text = _SURROGATE_RE.sub("\ufffd", text)
    return str(_opencc().convert(text))


def script_of(text: str) -> str:
    """ "traditional" when a text's ideographs are mostly Traditional, else "simplified".

    Counts characters that OpenCC changes; a few changed characters are normal in
    Simplified text (names, variants), so a tenth of the ideographs is the threshold.
    """
    sample = "".join(_CJK_RE.findall(text[:20000]))
    if not sample:
        return "simplified"
    changed = sum(map(operator.ne, sample, to_simplified(sample)))
    return "traditional" if changed >= max(3, len(sample) // 10) else "simplified"


class _NfkcTable(dict[int, str]):
    """Code point -> its NFKC form, filled on first use (a ``str.translate`` table)."""

    def __missing__(self, code: int) -> str:
        value = self[code] = unicodedata.normalize("NFKC", chr(code))
        return value


_NFKC_TABLE = _NfkcTable()


def _nfkc(text: str) -> tuple[str, bool]:
    """NFKC one character at a time, and whether each character stayed one character."""
    if unicodedata.is_normalized("NFKC", text):
        return text, True
    table = _NFKC_TABLE
    if all(len(table[ord(ch)]) == 1 for ch in set(text)):
        # Every character becomes one character (full-width punctuation, the usual
        # case): the offsets are the identity, and translate() does it in C.
        return text.translate(table), True
    return "".join(map(_nfkc_char, text)), False


def _nfkc_with_map(text: str) -> tuple[str, list[int], list[int]]:
    """NFKC, one character at a time, so each output character maps to its source."""
    nfkc, identity = _nfkc(text)
    if identity:
        offsets = list(range(len(text)))
        return nfkc, offsets, [i + 1 for i in offsets]
    starts: list[int] = []
    ends: list[int] = []
    for i, ch in enumerate(text):
        width = len(_nfkc_char(ch))
        starts.extend([i] * width)
        ends.extend([i + 1] * width)
    return nfkc, starts, ends


def to_simplified_aligned(text: str) -> str:
    """Traditional → Simplified character for character: the result has ``text``'s length.

    For callers that map offsets of the result back onto ``text``. OpenCC ``t2s``
    converts every BMP ideograph to exactly one ideograph, but its phrase table may in
    principle change lengths; when the whole-text conversion does, the text is
    converted character by character instead (a character that would not stay one
    character is kept as it is).
    """
    simplified = to_simplified(text)
    if len(simplified) != len(text):
        simplified = "".join(
            converted if len(converted := to_simplified(ch)) == 1 else ch for ch in text
        )
    return simplified


def normalize(text: str) -> Normalized:
    """NFKC then Traditional → Simplified, keeping an offset map into ``text``.

    The conversion keeps lengths (:func:`to_simplified_aligned`), so the NFKC offset
    map stays right.

    >>> normalize("礦業（ＡＢ）").text
    '矿业(AB)'
    """
    nfkc, starts, ends = _nfkc_with_map(text)
    return Normalized(to_simplified_aligned(nfkc), tuple(starts), tuple(ends))


def normalize_text(text: str) -> str:
    """Just the normalised string (NFKC, Simplified), for keys and exact-match fields."""
    return to_simplified(unicodedata.normalize("NFKC", text))


def has_cjk(text: str) -> bool:
    """Whether ``text`` contains at least one CJK ideograph."""
    return _CJK_RE.search(text) is not None


# -- segmentation: rjieba, with jieba as the reference and the fallback ---------------------------
#
# rjieba (the Rust port of jieba: same algorithm, same dictionary) cuts jieba's precise
# mode 8-10x faster and builds its dictionary in 0.15 s instead of 0.6-0.75 s. It
# gives exactly jieba's words with our user dictionary and HMM off: on the whole shared
# corpus (45 030 texts, 1.2 M words) and in the sub-word dictionary tests
# (tests/test_segmenter.py, scripts/compare_segmenters.py). jieba stays the reference
# and the fallback where rjieba is not installed (it has abi3 wheels for CPython on
# Linux, macOS and Windows; no wheel means no rjieba: setup.cfg).
#
# Only the rjieba release compared is used: another one might segment differently,
# and indexes know only jieba's version and the user dictionary (dictionary_hash).

#: The rjieba release whose words were compared with jieba's (pinned in setup.cfg).
RJIEBA_VERSION = "0.2.2"
#: ``jieba`` forces the reference segmenter (for comparisons and benchmarks).
SEGMENTER_ENV = "ALUCORPUS_SEGMENTER"

_segmenter_lock = threading.Lock()
_segmenter_instance: Any = None
_rjieba_lock = threading.Lock()
_rjieba_words_added = False


def userdict_text() -> str:
    """The project's jieba user dictionary (package data ``data/userdict.txt``)."""
    return resources.files("alucorpus").joinpath("data", _USERDICT).read_text(encoding="utf-8")


def userdict_words() -> list[str]:
    """The user dictionary's words, in order (its lines hold a word and nothing else)."""
    return [line.strip() for line in userdict_text().lstrip("\ufeff").splitlines() if line.strip()]


def _full_tokenizer() -> Any:
    """A jieba Tokenizer with jieba's dictionary loaded whole, plus the project's words."""
    import io

    import jieba

    # jieba installs a DEBUG stderr handler on import; keep it quiet.
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.load_userdict(io.StringIO(userdict_text()))
    return tokenizer


class JiebaSegmenter:
    """jieba's precise mode, HMM off, over our own Tokenizer: the reference."""

    name = "jieba"

    def __init__(self) -> None:
        self._tokenizer = _full_tokenizer()

    def cut(self, run: str) -> list[str]:
        """The words of a CJK run."""
        return [w for w in self._tokenizer.cut(run, HMM=False) if w]

    def is_word(self, text: str) -> bool:
        """Whether ``text`` is a dictionary word (frequency above 0; prefixes are 0)."""
        return bool(self._tokenizer.FREQ.get(text))


class RjiebaSegmenter:
    """rjieba's precise mode, HMM off, with the project's words added.

    rjieba has no ``load_userdict``; ``add_word(word, None, None)`` is what jieba's
    ``load_userdict`` does with a line that gives no frequency (the word gets the
    frequency that keeps it whole). rjieba computes that frequency in log space and
    jieba with a product, so 30 of our 197 words get a frequency one lower than jieba
    gives them, and jieba's total counts a re-added word's frequency twice: neither
    changes a single word of the shared corpus (tests/test_segmenter.py).
    """

    name = "rjieba"

    def __init__(self, rjieba: Any) -> None:
        # rjieba's import already built its module-level instance (the whole
        # dictionary, 0.15 s); a private one would cost as much again on every cold
        # start. So the words go into that instance, as jieba.load_userdict would into
        # jieba's default one: code in the same process that calls rjieba.cut directly
        # sees our user words too. Added once per process: adding a word again would
        # raise its frequency (the suggestion then counts the word's own frequency).
        global _rjieba_words_added
        self._cut = rjieba.cut
        self._has_word = rjieba.has_word
        with _rjieba_lock:
            if not _rjieba_words_added:
                for word in userdict_words():
                    rjieba.add_word(word, None, None)
                _rjieba_words_added = True

    def cut(self, run: str) -> list[str]:
        """The words of a CJK run."""
        return [w for w in self._cut(run, False) if w]

    def is_word(self, text: str) -> bool:
        """Whether ``text`` is a dictionary word."""
        return bool(self._has_word(text))


def _rjieba_segmenter() -> RjiebaSegmenter | None:
    """rjieba with the project's words, or None: not installed, or not the compared release."""
    if os.environ.get(SEGMENTER_ENV, "").strip().lower() == "jieba":
        return None
    try:
        version = metadata.version("rjieba")
    except metadata.PackageNotFoundError:
        return None
    if version != RJIEBA_VERSION:
        log.warning(
            "rjieba %s is installed, but only %s was compared with jieba: segmenting with jieba",
            version,
            RJIEBA_VERSION,
        )
        return None
    try:
        import rjieba
    except ImportError:  # installed for another platform or Python, or broken
        log.debug("rjieba does not import: segmenting with jieba", exc_info=True)
        return None
    return RjiebaSegmenter(rjieba)


def segmenter() -> JiebaSegmenter | RjiebaSegmenter:
    """The process's segmenter, built on first use: rjieba when usable, else jieba.

    Kept in a module-level cache, never on a whoosh object: the index pickles its
    schema, and it must not carry a segmenter with it.
    """
    global _segmenter_instance
    if _segmenter_instance is None:
        with _segmenter_lock:
            if _segmenter_instance is None:
                _segmenter_instance = _rjieba_segmenter() or JiebaSegmenter()
    return _segmenter_instance


@lru_cache(maxsize=1)
def dictionary_hash() -> str:
    """SHA-256 of the user dictionary and the jieba version: segmentation's identity.

    Changing either changes how text is segmented, so an index built with another
    hash must be rebuilt. Reads jieba's version from its metadata, without importing it.
    rjieba is not part of it: it is used only in the release that gives jieba's words.
    """
    digest = hashlib.sha256(userdict_text().encode("utf-8"))
    try:
        version = metadata.version("jieba")
    except metadata.PackageNotFoundError:
        version = "unknown"
    digest.update(f"\njieba=={version}".encode())
    return digest.hexdigest()


def segment(run: str) -> list[str]:
    """Segment a run of CJK characters into words (jieba's precise mode, HMM off)."""
    return segmenter().cut(run)


#: Only words at least this long have sub-words (a two-character word's pieces are
#: single characters, which are no safety net).
SUB_WORD_MIN_LEN = 3


@lru_cache(maxsize=262144)
def sub_words(word: str) -> tuple[str, ...]:
    """The dictionary words inside a longer CJK word, each once, shortest first.

    What jieba's search mode adds, generalised to every length: a query word that
    the document's segmentation swallowed into a longer word (电解铝 inside
    电解铝厂) is still found through these. Non-CJK and short words have none.

    >>> sub_words("中华人民共和国")[:4]
    ('中华', '华人', '人民', '共和')
    """
    n = len(word)
    if n < SUB_WORD_MIN_LEN or not _CJK_RE.match(word):
        return ()
    is_word = segmenter().is_word
    out: dict[str, None] = {}
    for size in range(2, n):
        for start in range(n - size + 1):
            piece = word[start : start + size]
            if is_word(piece):
                out[piece] = None
    return tuple(out)


def record_sub_words(body_words: Iterable[str]) -> list[str]:
    """The distinct sub-words (:func:`sub_words`) of a document's body words."""
    out: dict[str, None] = {}
    for word in dict.fromkeys(body_words):
        for piece in sub_words(word):
            out[piece] = None
    return list(out)


# -- tokens ---------------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def fold_latin(word: str) -> str | None:
    """Index form of a Latin/digit word: lowercase, spelling fold, Porter stem.

    Returns None for a stop word.

    >>> fold_latin("Aluminium"), fold_latin("industries"), fold_latin("the")
    ('aluminum', 'industri', None)
    """
    from whoosh.lang.porter import stem

    lower = word.lower()
    if lower in _STOP_WORDS:
        return None
    if lower in _INDEX_FOLDED:
        lower = american_word(lower)
    if lower.isdigit() or not lower.isascii():
        return lower
    stemmed = stem(lower)
    return american_word(stemmed) if stemmed in _INDEX_FOLDED else stemmed


def latin_tokens(norm: Normalized) -> list[TokenSpan]:
    """The Latin/digit word tokens of an already normalised text (offsets into the original)."""
    tokens: list[TokenSpan] = []
    for match in _RUN_RE.finditer(norm.text):
        if match.lastgroup != "cjk":
            folded = fold_latin(match.group())
            if folded is not None:
                start, end = norm.span(match.start(), match.end())
                tokens.append(TokenSpan(folded, start, end))
    return tokens


def word_tokens(text: str, *, cjk: bool = True) -> list[TokenSpan]:
    """Word tokens of ``text`` with offsets into ``text`` itself.

    Args:
        text: any text, Simplified or Traditional, full-width or not.
        cjk: segment CJK runs (False skips them, and never loads jieba: enough to
            highlight Latin query words).

    >>> [(t.text, t.start, t.end) for t in word_tokens("電解鋁行業")]
    [('电解铝', 0, 3), ('行业', 3, 5)]
    """
    norm = normalize(text)
    if not cjk:
        return latin_tokens(norm)
    tokens: list[TokenSpan] = []
    for match in _RUN_RE.finditer(norm.text):
        if match.lastgroup == "cjk":
            pos = match.start()
            for word in segment(match.group()):
                start, end = norm.span(pos, pos + len(word))
                tokens.append(TokenSpan(word, start, end))
                pos += len(word)
        else:
            folded = fold_latin(match.group())
            if folded is not None:
                start, end = norm.span(match.start(), match.end())
                tokens.append(TokenSpan(folded, start, end))
    return tokens


def bigram_tokens(text: str) -> list[TokenSpan]:
    """Overlapping CJK character bigrams (a lone character gives a unigram).

    The recall safety net: two texts that contain the same characters share these
    tokens however jieba segmented them. Latin runs produce nothing here.

    >>> [t.text for t in bigram_tokens("电解铝，铝")]
    ['电解', '解铝', '铝']
    """
    norm = normalize(text)
    tokens: list[TokenSpan] = []
    for match in _RUN_RE.finditer(norm.text):
        if match.lastgroup != "cjk":
            continue
        run, base = match.group(), match.start()
        if len(run) == 1:
            tokens.append(TokenSpan(run, *norm.span(base, base + 1)))
            continue
        for i in range(len(run) - 1):
            tokens.append(TokenSpan(run[i : i + 2], *norm.span(base + i, base + i + 2)))
    return tokens


@lru_cache(maxsize=8192)
def _nfkc_char(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch)


def normalized_text(text: str) -> str:
    """Exactly ``normalize(text).text``, without building the offset maps.

    For indexing, and for snippets to skip the paragraphs with no query term.
    """
    return to_simplified_aligned(_nfkc(text)[0])


def bigram_texts(text: str) -> list[str]:
    """The texts of :func:`bigram_tokens`, without offsets: 3x faster, for indexing.

    >>> bigram_texts("電解鋁，铝")
    ['电解', '解铝', '铝']
    """
    out: list[str] = []
    for match in _RUN_RE.finditer(normalized_text(text)):
        if match.lastgroup != "cjk":
            continue
        run = match.group()
        if len(run) == 1:
            out.append(run)
        else:
            out.extend([run[i : i + 2] for i in range(len(run) - 1)])
    return out


def run_end_chars(text: str) -> list[str]:
    """The last character of each CJK run of two or more characters, for indexing.

    A bigram field holds every character of a text as the first half of a bigram,
    except the last character of each run (a lone-character run is indexed as itself).
    Indexing these end characters as unigrams too makes "the text contains 税" an
    exact, cheap prefix query (``税`` and ``税*``) instead of a ``?税`` wildcard that
    scans the whole bigram lexicon.

    >>> run_end_chars("征收环境保护税，铝")
    ['税']
    """
    out: list[str] = []
    for match in _RUN_RE.finditer(normalized_text(text)):
        if match.lastgroup == "cjk" and match.end() - match.start() > 1:
            out.append(match.group()[-1])
    return out


def cjk_runs(text: str) -> list[str]:
    """The normalised CJK runs of ``text``, in order."""
    norm = normalize(text).text
    return [m.group() for m in _RUN_RE.finditer(norm) if m.lastgroup == "cjk"]


# -- document numbers -----------------------------------------------------------------------------

_OPEN = "[〔\\[(【{﹝<《]"
_CLOSE = "[〕\\])】}﹞>》]"
_DOC_NUMBER_RE = re.compile(
    rf"^(?P<agency>.*?)\s*{_OPEN}?\s*(?P<year>(?:19|20)\d\d)\s*{_CLOSE}?\s*第?\s*(?P<serial>\d+)\s*号?$"
)
_DECREE_RE = re.compile(r"^(?P<agency>.*?令)\s*第?\s*(?P<serial>\d+)\s*号?$")
_SERIAL_RE = re.compile(r"^第?\s*(?P<serial>\d+)\s*号$")


@dataclass(frozen=True, slots=True)
class DocNumber:
    """A 发文字号 taken apart: 机关代字, year (None for decrees), serial.

    Its :attr:`canonical` is the one canonical form of a number: ingest stores it
    (:mod:`alucorpus.ingest.fields` builds its numbers through it), the index and
    queries parse into it (:func:`parse_doc_number`).
    """

    agency: str  # 机关代字; for a decree the issuers and 令 (国务院令)
    year: str | None
    serial: str
    infix: str = ""  # a second code part after the year: 中石化〔1996〕办字392号

    @property
    def canonical(self) -> str:
        """``机关代字〔YYYY〕N号``, or ``…令第N号`` for a decree."""
        if self.year is None:
            return f"{self.agency}第{self.serial}号"
        return f"{self.agency}〔{self.year}〕{self.infix}{self.serial}号"


def parse_doc_number(text: str) -> DocNumber | None:
    """Take a document number apart, whatever brackets and spacing it uses.

    >>> parse_doc_number("工信部联原[2025]62号").canonical
    '工信部联原〔2025〕62号'
    >>> parse_doc_number("工信部联原 2025 62").canonical
    '工信部联原〔2025〕62号'
    """
    norm = normalize_text(text).strip()
    serial_only = _SERIAL_RE.match(norm)
    if serial_only:
        return None
    match = _DOC_NUMBER_RE.match(norm)
    if match and match.group("agency").strip():
        agency = re.sub(r"\s+", "", match.group("agency"))
        return DocNumber(agency, match.group("year"), str(int(match.group("serial"))))
    match = _DECREE_RE.match(norm)
    if match and match.group("agency").strip():
        agency = re.sub(r"\s+", "", match.group("agency"))
        return DocNumber(agency, None, str(int(match.group("serial"))))
    return None


def doc_number_tokens(text: str) -> list[str]:
    """Index tokens of a document number: the canonical whole and each part.

    >>> doc_number_tokens("工信部联原〔2025〕62号")
    ['工信部联原〔2025〕62号', '工信部联原', '2025', '62', '62号']
    """
    parsed = parse_doc_number(text)
    if parsed is None:
        whole = re.sub(r"\s+", "", normalize_text(text)).lower()
        return [whole] if whole else []
    tokens = [parsed.canonical, parsed.agency]
    if parsed.year:
        tokens.append(parsed.year)
    tokens += [parsed.serial, f"{parsed.serial}号"]
    return list(dict.fromkeys(tokens))


def doc_number_query_tokens(text: str) -> list[str]:
    """Query tokens for one document-number query chunk; a document must match all.

    A whole number becomes its canonical form; "62号"/"第62号" the serial with 号;
    several space-separated parts ("工信部联原 2025 62") become one token each.
    """
    parsed = parse_doc_number(text)
    if parsed is not None:
        return [parsed.canonical]
    norm = normalize_text(text).strip()
    serial = _SERIAL_RE.match(norm)
    if serial:
        return [f"{int(serial.group('serial'))}号"]
    parts = []
    for part in norm.split():
        serial = _SERIAL_RE.match(part)
        parts.append(f"{int(serial.group('serial'))}号" if serial else part.lower())
    return parts


# -- whoosh tokenizers (pickled into the index schema: keep them small and stable) ---------------


class _SpanTokenizer(Tokenizer):
    """Base of our whoosh tokenizers: turns TokenSpans into whoosh Tokens."""

    def _spans(self, value: str) -> list[TokenSpan]:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self).__name__)

    def __call__(  # whoosh's tokenizer signature
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        spans = self._spans(value) if tokenize else [TokenSpan(value, 0, len(value))]
        for pos, span in enumerate(spans):
            token.text = span.text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[span.start : span.end]
            if positions:
                token.pos = start_pos + pos  # real token positions: phrase queries work
            if chars:
                token.startchar = start_char + span.start
                token.endchar = start_char + span.end
            yield token


class WordTokenizer(_SpanTokenizer):
    """jieba words for CJK, folded and stemmed words for Latin (see :func:`word_tokens`)."""

    def _spans(self, value: str) -> list[TokenSpan]:
        return word_tokens(value)


class BigramTokenizer(_SpanTokenizer):
    """CJK character bigrams (see :func:`bigram_tokens`)."""

    def _spans(self, value: str) -> list[TokenSpan]:
        return bigram_tokens(value)


class DocNumberTokenizer(_SpanTokenizer):
    """Document-number tokens: the canonical whole and its parts (no offsets)."""

    def _spans(self, value: str) -> list[TokenSpan]:
        return [TokenSpan(t, 0, len(value)) for t in doc_number_tokens(value)]


_TITLE_KEY_DROP = re.compile(r"[\s\"'“”‘’「」『』〈〉<>·・]")
_TITLE_KEY_DASHES = re.compile(r"[—–―\-－~～至]+")


def title_key(title: str) -> str:
    """A title normalised for matching: NFKC, Simplified, no spaces, quotes or dash variants.

    Citations resolve titles by it, and version chains meet by it.

    >>> title_key("《國務院關於“十一五”規劃 的通知》")
    '《国务院关于十一五规划的通知》'
    """
    key = _TITLE_KEY_DROP.sub("", normalize_text(title))
    return _TITLE_KEY_DASHES.sub("-", key)


__all__ = [
    "ANALYZER_VERSION",
    "CJK_IDEOGRAPHS",
    "BigramTokenizer",
    "DocNumber",
    "DocNumberTokenizer",
    "Normalized",
    "TokenSpan",
    "WordTokenizer",
    "american_word",
    "bigram_texts",
    "bigram_tokens",
    "cjk_runs",
    "dictionary_hash",
    "doc_number_query_tokens",
    "doc_number_tokens",
    "fold_latin",
    "has_cjk",
    "normalize",
    "normalize_text",
    "parse_doc_number",
    "record_sub_words",
    "run_end_chars",
    "segment",
    "segmenter",
    "sub_words",
    "title_key",
    "to_simplified",
    "to_simplified_aligned",
    "word_tokens",
]
