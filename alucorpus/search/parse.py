"""The query language: a lexer and a recursive-descent parser to a small tree of tuples.

Syntax (README "Search syntax"): words, "quoted phrases" (also “…” and 「…」),
``AND``/``OR``/``NOT`` in capitals, ``-word``, ``+word``, parentheses and the field
prefixes of :data:`FIELD_PREFIXES`. The tree's nodes: ``("term", field, text, quoted)``,
``("not", node)``, ``("require", node)``, ``("and", [nodes])``, ``("or", [nodes])``.

Words side by side are a best match (more of them rank higher, none is required);
``+word`` requires a word, and ``a AND b`` requires both ``a`` and ``b``: the parser
marks them ``("require", node)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..errors import QueryError

MAX_QUERY_CHARS = 1000
FIELD_PREFIXES = (
    "title",
    "body",
    "dept",
    "department",
    "number",
    "no",
    "year",
    "type",
    "lang",
    "jurisdiction",
)

# -- lexing and parsing ---------------------------------------------------------------------------

QUOTES = {'"': '"', "“": "”", "「": "」"}  # Chinese quotes are phrase quotes too
_FIELD_RE = re.compile(r"^([A-Za-z_]+):(.*)$", re.DOTALL)
_OPERATORS = ("AND", "OR", "NOT")


@dataclass(frozen=True)
class _Tok:
    kind: str  # "(", ")", "AND", "OR", "NOT", "REQUIRE", "TERM"
    pos: int
    text: str = ""
    field: str | None = None
    quoted: bool = False


def _lex(query: str) -> list[_Tok]:
    """Split a query into operators, parentheses and terms; raise QueryError when malformed."""
    toks: list[_Tok] = []
    i, n, depth = 0, len(query), 0
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
            continue
        if ch == "(":
            toks.append(_Tok("(", i))
            depth += 1
            i += 1
            continue
        if ch == ")":
            if depth == 0:
                raise QueryError(f"unbalanced parenthesis: ')' at character {i + 1} has no '('")
            toks.append(_Tok(")", i))
            depth -= 1
            i += 1
            continue
        negate = require = False
        start = i
        if ch in "-+" and i + 1 < n and not query[i + 1].isspace() and query[i + 1] not in "-+":
            negate, require = ch == "-", ch == "+"
            i += 1
        name: str | None = None
        match = re.match(r"[A-Za-z_]+:", query[i:])
        if match and i + match.end() < n and not query[i + match.end()].isspace():
            name = match.group()[:-1].lower()
            if name not in FIELD_PREFIXES:
                raise QueryError(
                    f"unknown field '{name}:' at character {i + 1};"
                    f" known fields: {', '.join(FIELD_PREFIXES)}"
                )
            i += match.end()
        elif match:
            raise QueryError(f"field prefix '{match.group()}' at character {i + 1} has no value")
        if i < n and query[i] in QUOTES:
            close = query.find(QUOTES[query[i]], i + 1)
            if close < 0:
                raise QueryError(
                    f"unbalanced quote: the quote at character {i + 1} is never closed"
                )
            text, quoted, i = query[i + 1 : close], True, close + 1
        else:
            j = i
            # A word ends at a space, a quote, or a ')' closing an open group; a '('
            # inside a word is text (工信部联原(2025)62号).
            inner = 0
            while j < n and not query[j].isspace() and query[j] not in QUOTES:
                if query[j] == "(":
                    inner += 1
                elif query[j] == ")":
                    if inner == 0 and depth > 0:
                        break
                    inner = max(0, inner - 1)
                j += 1
            text, quoted, i = query[i:j], False, j
        if not quoted and name is None and not negate and not require and text in _OPERATORS:
            toks.append(_Tok(text, start))
            continue
        if negate:
            toks.append(_Tok("NOT", start))
        if require:
            toks.append(_Tok("REQUIRE", start))
        toks.append(_Tok("TERM", start, text, name, quoted))
    if depth:
        raise QueryError("unbalanced parenthesis: a '(' is never closed")
    return toks


class _Parser:
    """Recursive descent parser.

    or := and (OR and)*;  and := unary (AND? unary)*;  unary := (NOT | +) unary | atom.
    An explicit AND requires what stands on both of its sides.
    """

    def __init__(self, toks: list[_Tok]) -> None:
        self.toks = toks
        self.i = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def parse(self) -> tuple[Any, ...]:
        node = self.parse_or()
        tok = self.peek()
        if tok is not None:  # only a stray ')' can stop parse_or early, and _lex rejects those
            raise QueryError(f"unexpected '{tok.text or tok.kind}' at character {tok.pos + 1}")
        return node

    def parse_or(self) -> tuple[Any, ...]:
        items = [self.parse_and()]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.i += 1
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else ("or", items)

    def parse_and(self) -> tuple[Any, ...]:
        items = [self.parse_unary()]
        while (tok := self.peek()) is not None and tok.kind not in ("OR", ")"):
            if tok.kind == "AND":
                self.i += 1
                items[-1] = _required(items[-1])
                items.append(_required(self.parse_unary()))
                continue
            items.append(self.parse_unary())
        return items[0] if len(items) == 1 else ("and", items)

    def parse_unary(self) -> tuple[Any, ...]:
        tok = self.peek()
        if tok is None:
            raise QueryError("the query ends with an operator; put a word after AND, OR or NOT")
        if tok.kind == "NOT":
            self.i += 1
            return ("not", self.parse_unary())
        if tok.kind == "REQUIRE":
            self.i += 1
            return _required(self.parse_unary())
        if tok.kind in ("AND", "OR"):
            raise QueryError(f"'{tok.kind}' at character {tok.pos + 1} needs a word on both sides")
        if tok.kind == ")":
            raise QueryError(
                f"empty parentheses or missing word before ')' at character {tok.pos + 1}"
            )
        self.i += 1
        if tok.kind == "(":
            node = self.parse_or()
            closing = self.peek()
            if closing is None or closing.kind != ")":
                raise QueryError("unbalanced parenthesis: a '(' is never closed")
            self.i += 1
            return node
        return ("term", tok.field, tok.text, tok.quoted)


def _required(node: tuple[Any, ...]) -> tuple[Any, ...]:
    """``node`` as a required part of its AND group (a NOT already narrows: it stays)."""
    return node if node[0] in ("require", "not") else ("require", node)


def require_all(node: tuple[Any, ...]) -> tuple[Any, ...]:
    """The tree with every word required (``match="all"``): AND instead of best match."""
    kind = node[0]
    if kind == "term":
        return ("require", node)
    if kind in ("and", "or"):
        return (kind, [require_all(child) for child in node[1]])
    return node  # require and not: already strict


def parse_query(query: str) -> tuple[Any, ...]:
    """Parse a query into a small tree.

    Nodes: ("and"|"or", [...]), ("not", x), ("require", x), ("term", field, text, quoted).

    Raises:
        QueryError: empty, too long, or malformed (unbalanced quotes or parentheses,
            lone operators, unknown field prefixes).
    """
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(
            f"query is too long ({len(query)} characters; the limit is {MAX_QUERY_CHARS})"
        )
    if not query.strip():
        raise QueryError("empty query: give at least one word")
    toks = _lex(query)
    if not toks:
        raise QueryError("empty query: give at least one word")
    return _Parser(toks).parse()
