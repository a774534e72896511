"""Search in both languages: query language, query building, evaluation, hits as plain values.

One stage a module, each using only the ones before it:

- :mod:`.parse`: the query language, to a small tree;
- :mod:`.results`: hits, snippets, translations and results, as plain values;
- :mod:`.queries`: the query classes alucorpus adds to whoosh's;
- :mod:`.plan`: how one word or phrase becomes a query, and what it highlights;
- :mod:`.translate`: cross-language search (one synonym group per source term);
- :mod:`.build`: a query string and a :class:`Filter` become whoosh queries;
- :mod:`.evaluate`: the one evaluator (every match and its score, as arrays);
- :mod:`.highlight`: snippets and matched terms;
- :mod:`.engine`: :func:`search` itself.

>>> search(index, '"电解铝" dept:工信部', since="2020").total  # doctest: +SKIP
"""

from __future__ import annotations

from .build import Filter, build_filter, build_query, department_names
from .engine import SORTS, matching_documents, search
from .highlight import highlight_spans, make_snippets
from .parse import FIELD_PREFIXES, parse_query
from .plan import Needle, QueryPlan
from .queries import Coordinated, SynonymGroup
from .results import Hit, SearchResults, Snippet, TermTranslation, Translation
from .translate import LANGS, TRANSLATIONS, detect_lang

__all__ = [
    "FIELD_PREFIXES",
    "LANGS",
    "SORTS",
    "TRANSLATIONS",
    "Coordinated",
    "Filter",
    "Hit",
    "Needle",
    "QueryPlan",
    "SearchResults",
    "Snippet",
    "SynonymGroup",
    "TermTranslation",
    "Translation",
    "build_filter",
    "build_query",
    "department_names",
    "detect_lang",
    "highlight_spans",
    "make_snippets",
    "matching_documents",
    "parse_query",
    "search",
]
