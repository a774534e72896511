"""The ``alucorpus`` command line: each command is a thin layer over one Corpus method.

This is the only module that knows click, and the only place that turns library
errors into messages and exit codes: 0 ok, 1 some input or the query failed,
2 usage.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import __version__
from .errors import AlucorpusError, NotADocument

if TYPE_CHECKING:
    from .corpus import Corpus, IngestReport
    from .records import Record
    from .search import SearchResults

F = TypeVar("F", bound=Callable[..., Any])

COLUMN_FIELDS = (
    "title",
    "content",
    "url",
    "date",
    "doc_number",
    "departments",
    "title_en",
    "content_en",
)


@contextmanager
def _friendly_errors() -> Iterator[None]:
    """Library errors become one line on stderr and exit code 1, never a traceback."""
    try:
        yield
    except AlucorpusError as exc:
        click.echo(f"alucorpus: error: {_one_line(str(exc))}", err=True)
        sys.exit(1)
    except OSError as exc:
        # The library turns write failures into StorageError; this is the backstop
        # for a read that fails (a HOME that vanished, a permission): still one line.
        name = f"{exc.filename}: " if exc.filename is not None else ""
        reason = exc.strerror or str(exc) or type(exc).__name__
        click.echo(f"alucorpus: error: {name}{reason[:1].lower()}{reason[1:]}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("alucorpus: interrupted", err=True)
        sys.exit(130)


def _one_line(message: str) -> str:
    """Messages can quote a file's content or a query: keep them on one line."""
    return " ".join(message.split()) if "\n" in message or "\r" in message else message


def _corpus(ctx: click.Context, wait: float | None = None) -> Corpus:
    from .corpus import Corpus

    return Corpus(ctx.obj["home"], lock_timeout=wait)


wait_option = click.option(
    "--wait",
    type=click.FloatRange(0),
    envvar="ALUCORPUS_WAIT",
    default=60.0,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for another ingest or reindex on the same HOME to finish.",
)


def _progress(verb: str) -> tuple[Callable[[str, int, int], None] | None, Callable[[], None]]:
    """Progress bars (one per phase) on a terminal; nothing when stderr is piped."""
    if not sys.stderr.isatty():
        return None, lambda: None
    state: dict[str, Any] = {}
    labels = {"parse": f"{verb}: parsing files", "index": f"{verb}: indexing records"}

    def finish() -> None:
        bar = state.pop("bar", None)
        if bar is not None:
            bar.__exit__(None, None, None)

    def update(phase: str, done: int, total: int) -> None:
        if state.get("phase") != phase:
            finish()
            bar = click.progressbar(
                length=total, label=labels.get(phase, phase), file=sys.stderr, show_pos=True
            )
            bar.__enter__()
            state.update(phase=phase, bar=bar)
        bar = state["bar"]
        bar.update(done - bar.pos)

    return update, finish


def _parse_columns(pairs: tuple[str, ...]) -> dict[str, str]:
    columns: dict[str, str] = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep or field not in COLUMN_FIELDS or not column:
            raise click.BadParameter(
                f"{pair!r}: expected FIELD=COLUMN with FIELD one of {', '.join(COLUMN_FIELDS)}",
                param_hint="--column",
            )
        columns[field] = column
    return columns


column_option = click.option(
    "--column",
    "columns",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="Read FIELD from COLUMN in table files (e.g. --column title=Name). Repeatable.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="alucorpus")
@click.option(
    "--home",
    type=click.Path(file_okay=False),
    envvar="ALUCORPUS_HOME",
    default="data",
    show_default=True,
    help="Corpus folder (raw files, record store, index). Also $ALUCORPUS_HOME.",
)
@click.pass_context
def main(ctx: click.Context, home: str) -> None:
    """Chinese government policy documents as a searchable, bilingual corpus."""
    ctx.ensure_object(dict)
    ctx.obj["home"] = home


# -- parse -------------------------------------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "jsonl"]),
    default="text",
    show_default=True,
)
@column_option
def parse(paths: tuple[str, ...], fmt: str, columns: tuple[str, ...]) -> None:
    """Print the records parsed from PATHS (files or folders) without touching any index."""
    from .corpus import Corpus

    failed = skipped = parsed = 0
    collected: list[dict[str, Any]] = []
    with _friendly_errors():
        for _path, result in Corpus.parse(paths, columns=_parse_columns(columns)):
            if isinstance(result, str):
                click.echo(result, err=True)
                if isinstance(result, NotADocument):
                    skipped += 1
                else:
                    failed += 1
                continue
            parsed += len(result)
            for record in result:
                if fmt == "jsonl":
                    click.echo(json.dumps(record.to_dict(), ensure_ascii=False))
                elif fmt == "json":
                    collected.append(record.to_dict())
                else:
                    click.echo(format_record(record))
    if fmt == "json":
        click.echo(json.dumps(collected, ensure_ascii=False, indent=2))
    # A file that is not a document is no failure, but nothing at all to show is.
    if failed or (skipped and not parsed):
        sys.exit(1)


def format_record(record: Record) -> str:
    """A record as readable text."""
    lines = [f"== {record.source}", f"{'id:':<16}{record.id}"]

    def add(label: str, value: object) -> None:
        if value not in (None, "", (), []):
            lines.append(f"{label + ':':<16}{value}")

    add("title", record.title)
    add(
        "title_en",
        record.title_en + (" (machine-translated)" if record.en_machine_translated else ""),
    )
    number = record.doc_number
    if number and record.doc_number_raw and record.doc_number_raw != number:
        number = f"{number}  (as written: {record.doc_number_raw})"
    add("doc_number", number)
    add("departments", "、".join(record.departments))
    add("departments_en", "; ".join(d for d in record.departments_en if d))
    add("issued", record.issued)
    add("published", record.published)
    if record.issued_year and not (record.issued or record.published):
        add("year", f"{record.issued_year} (no day known; from the {record.date_source})")
    elif record.date_source:
        add("date_source", record.date_source)
    add("jurisdiction", record.jurisdiction)
    add("status", record.status if record.status != "unknown" or record.versions else "")
    for version in record.versions:
        mark = "  <- this one" if version.id == record.id else ""
        add("version", f"{version.date or 'undated'}  {version.status:<10}  {version.id}{mark}")
    add("doc_type", record.doc_type)
    add("addressee", record.addressee)
    add("lang", f"{record.lang} ({record.format}, {record.script})")
    add(
        "paragraphs",
        f"{len(record.paragraphs)}"
        + (f": {_clip(record.paragraphs[0])}" if record.paragraphs else ""),
    )
    if record.paragraphs_en:
        add("paragraphs_en", f"{len(record.paragraphs_en)}: {_clip(record.paragraphs_en[0])}")
    add("summary_en", _clip(record.summary_en))
    for attachment in record.attachments:
        add("attachment", f"{attachment.title} ({len(attachment.paragraphs)} paragraphs)")
    add("cites", "、".join(record.cites))
    add("url", record.url)
    for warning in record.warnings:
        add("warning", warning)
    for copy in record.copies if len(record.copies) > 1 else ():
        used = [field for field, copy_id in record.field_sources if copy_id == copy.id]
        add("copy", f"{copy.source} ({copy.format})" + (f": {', '.join(used)}" if used else ""))
    return "\n".join(lines) + "\n"


def _clip(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# -- ingest / reindex --------------------------------------------------------------------------


def _finish_batch(report: IngestReport) -> None:
    # One line per file that is not a document or failed; only failures make it exit 1.
    for outcome in report.skipped + report.failed:
        click.echo(_one_line(outcome.error or f"{outcome.path}: failed"), err=True)
    click.echo(f"{report.summary()}; {report.indexed} documents indexed", err=True)
    if report.failed:
        sys.exit(1)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@column_option
@wait_option
@click.pass_context
def ingest(
    ctx: click.Context, paths: tuple[str, ...], columns: tuple[str, ...], wait: float
) -> None:
    """Keep PATHS (files or folders) under HOME/raw, parse them and index their records."""
    progress, finish = _progress("ingesting")
    with _friendly_errors():
        try:
            report = _corpus(ctx, wait).ingest(
                paths, columns=_parse_columns(columns), progress=progress
            )
        finally:
            finish()
    _finish_batch(report)


@main.command()
@click.option(
    "--full",
    is_flag=True,
    help="Parse every raw file again and rebuild the index beside the live one.",
)
@wait_option
@click.pass_context
def reindex(ctx: click.Context, full: bool, wait: float) -> None:
    """Rebuild the records and the index from HOME/raw (only changed files, unless --full)."""
    progress, finish = _progress("reindexing")
    with _friendly_errors():
        try:
            report = _corpus(ctx, wait).reindex(full=full, progress=progress)
        finally:
            finish()
    _finish_batch(report)


# -- show / stats ------------------------------------------------------------------------------


@main.command()
@click.argument("record_id")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "jsonl"]),
    default="text",
    show_default=True,
)
@click.pass_context
def show(ctx: click.Context, record_id: str, fmt: str) -> None:
    """Print one stored record (a unique prefix of its id is enough)."""
    with _friendly_errors():
        record = _corpus(ctx).get(record_id)
    if fmt == "text":
        click.echo(format_record(record))
        for number, paragraph in enumerate(record.paragraphs, 1):
            click.echo(f"({number}) {paragraph}")
    else:
        click.echo(
            json.dumps(record.to_dict(), ensure_ascii=False, indent=2 if fmt == "json" else None)
        )


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.pass_context
def stats(ctx: click.Context, fmt: str) -> None:
    """Documents by language, format, jurisdiction, department and year; index size."""
    with _friendly_errors():
        data = _corpus(ctx).stats()
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(
        f"{data['documents']} documents ({data['copies']} copies: files and table rows) in "
        f"{data['home']}; index {data['index_bytes'] / 1e6:.1f} MB"
    )
    for key, label in (
        ("by_lang", "language"),
        ("by_format", "format"),
        ("by_jurisdiction", "jurisdiction"),
        ("by_department", "department"),
        ("by_year", "year"),
    ):
        click.echo(f"\nby {label}:")
        for name, count in data[key].items():
            click.echo(f"  {count:>6}  {name}")


# -- search ------------------------------------------------------------------------------------


@main.command()
@click.argument("query")
@click.option(
    "--lang", type=click.Choice(["zh", "en"]), help="Language of the query (default: detected)."
)
@click.option(
    "--dept",
    "departments",
    multiple=True,
    help="Only documents issued by this department (repeatable).",
)
@click.option(
    "--since",
    help="Dated on or after (YYYY, YYYY-MM or YYYY-MM-DD); a year-only document counts "
    "when its whole year is inside.",
)
@click.option("--until", help="Dated on or before (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--type", "doc_type", help="Only this document type (通知, 意见, 条例 …).")
@click.option(
    "--jurisdiction",
    help="Only documents of national, taiwan, unknown, or a province or city "
    "(海南, Hainan, 新余市); with taiwan, --dept names Taiwan's agencies.",
)
@click.option(
    "--as-of",
    "as_of",
    help="The corpus as it stood on this day (YYYY[-MM[-DD]]): documents dated by then, "
    "each law in the version then in force.",
)
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@click.option(
    "--sort", type=click.Choice(["relevance", "issued"]), default="relevance", show_default=True
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "jsonl", "csv"]),
    default="table",
    show_default=True,
)
@click.option(
    "--translation",
    type=click.Choice(["structured", "first", "none"]),
    default="structured",
    show_default=True,
    help="Carry the query into the other language: weighted synonym groups, "
    "each word's first sense, or not at all.",
)
@click.option(
    "--explain",
    is_flag=True,
    help="Show each query term's translations and weights, and which matched in each hit.",
)
@click.option(
    "--match",
    type=click.Choice(["any", "all"]),
    default="any",
    show_default=True,
    help="any: best match, each word counts and more of them rank higher; "
    "all: every word must be in the document (as +word or AND do for one word).",
)
@click.option(
    "--glossary",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A glossary TSV (zh, en, domain, note) overlaying the packaged one row by row.",
)
@click.pass_context
def search(
    ctx: click.Context,
    query: str,
    lang: str | None,
    departments: tuple[str, ...],
    since: str | None,
    until: str | None,
    doc_type: str | None,
    jurisdiction: str | None,
    as_of: str | None,
    limit: int,
    page: int,
    sort: str,
    fmt: str,
    translation: str,
    explain: bool,
    match: str,
    glossary: Path | None,
) -> None:
    """Search the corpus. QUERY: words, "phrases", +word, AND/OR/NOT, title: dept: number: year:.

    Best match: each word counts, documents with more of them (and in their titles)
    rank first; +word or AND requires a word, --match all every word. Function words
    (如何, 的, what, the) are left out. An English query also finds Chinese documents,
    and a Chinese query English ones, through its translations (see --translation
    and --explain).
    """
    with _friendly_errors():
        results = _corpus(ctx).search(
            query,
            lang=lang,
            departments=departments or None,
            since=since,
            until=until,
            doc_type=doc_type,
            jurisdiction=jurisdiction,
            as_of=as_of,
            limit=limit,
            offset=(page - 1) * limit,
            sort=sort,
            translation=translation,
            glossary=glossary,
            match=match,
        )
    click.echo(
        render_results(
            results,
            fmt,
            offset=(page - 1) * limit,
            color=sys.stdout.isatty(),
            explain=explain,
            as_of=as_of,
        ),
        nl=False,
    )


def render_explanation(results: SearchResults) -> list[str]:
    """Lines saying how each query term was translated (``--explain``), and what was left out."""
    lines = []
    if results.function_words:
        lines.append("function words left out: " + ", ".join(results.function_words))
    if not results.explanation:
        return [*lines, "translation: none"]
    lines.append("translation:")
    for term in results.explanation:
        if term.translations:
            senses = "; ".join(f"{t.text} ({t.weight:.2f} {t.source})" for t in term.translations)
        else:
            senses = "(no translation: searched as typed)"
        lines.append(f"  {term.term} [{term.lang}] → {senses}")
    return lines


def render_results(
    results: SearchResults,
    fmt: str,
    *,
    offset: int = 0,
    color: bool = False,
    explain: bool = False,
    as_of: str | None = None,
) -> str:
    """Search results as a table, JSON, JSON Lines or CSV.

    ``explain`` adds the query's translations (before the hits) and each hit's matched
    terms: in the table, and as ``explanation``/``matched_terms`` keys in JSON. With
    ``as_of`` the table says so, and marks no hit superseded (each was in force then).
    """
    data = results.to_dict(explain=explain)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(hit, ensure_ascii=False) + "\n" for hit in data["hits"])
    if fmt == "csv":
        return results.to_csv(offset=offset)  # the columns of `alucorpus export QUERY`
    lines = render_explanation(results) if explain else []
    lines.append(results.total_line() + (f", as the corpus stood on {as_of}" if as_of else ""))
    for rank, hit in enumerate(results.hits, offset + 1):
        head = "  ".join(
            part
            for part in (
                f"{rank:>3}.",
                hit.issued or (f"{hit.issued_year}      " if hit.issued_year else "----------"),
                hit.doc_number or "",
                "、".join(hit.departments[:3]) + ("…" if len(hit.departments) > 3 else ""),
            )
            if part
        )
        title = click.style(hit.title, bold=True) if color else hit.title
        shown = hit.status in _SHOWN_STATUSES and not as_of
        status = f"  ({hit.status.replace('_', ' ')} now)" if shown else ""
        lines.append(f"{head}\n     {title}{status}   [{hit.id[:8]}]")
        if len(hit.copies) > 1:
            formats = Counter(copy.format for copy in hit.copies)
            lines.append(
                f"     {len(hit.copies)} copies: "
                + ", ".join(f"{name} ×{n}" if n > 1 else name for name, n in formats.items())
            )
        for snippet in hit.snippets[:2]:
            lines.append("     " + _highlight(snippet.text, snippet.highlights, color))
        if explain:
            lines.append("     matched: " + (", ".join(hit.matched_terms) or "-"))
    return "\n".join(lines) + "\n"


#: Statuses a hit line names (in force is the usual case; unknown says nothing).
_SHOWN_STATUSES = ("superseded", "repealed")


def _highlight(text: str, spans: tuple[tuple[int, int], ...], color: bool) -> str:
    """Mark highlighted spans: coloured on a terminal, 【…】 when piped."""
    out: list[str] = []
    position = 0
    for start, end in sorted(spans):
        if start < position:
            continue
        out.append(text[position:start])
        word = text[start:end]
        out.append(click.style(word, fg="yellow", bold=True) if color else f"【{word}】")
        position = end
    out.append(text[position:])
    return " ".join("".join(out).split())


# -- researcher tools: export, kwic, trend, cites, cited-by, graph -----------------------------


def _filter_options(command: F) -> F:
    """--dept, --since, --until and --type, as for search."""
    for option in reversed(
        (
            click.option(
                "--dept",
                "departments",
                multiple=True,
                help="Only documents issued by this department (repeatable).",
            ),
            click.option("--since", help="Issued on or after (YYYY, YYYY-MM or YYYY-MM-DD)."),
            click.option("--until", help="Issued on or before (YYYY, YYYY-MM or YYYY-MM-DD)."),
            click.option("--type", "doc_type", help="Only this document type (通知, 意见 …)."),
        )
    ):
        command = option(command)
    return command


_match_option = click.option(
    "--match",
    type=click.Choice(["words", "chars"]),
    default="words",
    show_default=True,
    help="words: the term's words in order, as search matches them; "
    "chars: its characters anywhere (also inside longer words).",
)
_text_lang_option = click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    help="Only text in this language, and only the term's forms in it (and the term as typed).",
)


def _forms_options(command: F) -> F:
    """--translation and --glossary: which other-language forms of a term count (kwic, trend)."""
    for option in reversed(
        (
            click.option(
                "--translation",
                type=click.Choice(["glossary", "cedict", "none"]),
                default="glossary",
                show_default=True,
                help="Also count the term's translations: the glossary's, the glossary's "
                "else CC-CEDICT's (noisy), or none (the term as typed only).",
            ),
            click.option(
                "--glossary",
                type=click.Path(dir_okay=False, path_type=Path),
                help="A glossary TSV (zh, en, domain, note) overlaying the packaged one.",
            ),
        )
    ):
        command = option(command)
    return command


@main.command()
@click.argument("query", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl", "parquet"]),
    default="csv",
    show_default=True,
    help="csv is UTF-8 with a byte-order mark (Excel opens it cleanly); parquet needs pyarrow.",
)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="File.")
@click.option("--text", is_flag=True, help="Add a text column with each document's body.")
@_filter_options
@click.pass_context
def export(
    ctx: click.Context,
    query: str | None,
    fmt: str,
    output: str,
    text: bool,
    departments: tuple[str, ...],
    since: str | None,
    until: str | None,
    doc_type: str | None,
) -> None:
    """Write every document, or every hit of QUERY, as a table (CSV, JSON Lines, Parquet)."""
    if query is None and (departments or since or until or doc_type):
        raise click.UsageError("--dept, --since, --until and --type filter the hits of a QUERY")
    options: dict[str, Any] = {}
    if query is not None:
        options = {
            "departments": departments or None,
            "since": since,
            "until": until,
            "doc_type": doc_type,
        }
    with _friendly_errors():
        count = _corpus(ctx).export(output, query, fmt=fmt, text=text, **options)
    click.echo(
        f"wrote {count} {'hits' if query is not None else 'documents'} to {output}", err=True
    )


@main.command()
@click.argument("term")
@click.option(
    "--width",
    type=click.IntRange(1, 200),
    default=30,
    show_default=True,
    help="Columns of context on each side (a Chinese character takes two).",
)
@_text_lang_option
@_match_option
@_forms_options
@_filter_options
@click.option(
    "--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True
)
@click.pass_context
def kwic(
    ctx: click.Context,
    term: str,
    width: int,
    lang: str | None,
    match: str,
    translation: str,
    glossary: Path | None,
    departments: tuple[str, ...],
    since: str | None,
    until: str | None,
    doc_type: str | None,
    fmt: str,
) -> None:
    """Every occurrence of TERM in context: number, date, paragraph, [form,] left | term | right.

    TERM's glossary translations are looked for too ("rare earth" finds 稀土, 稀土 finds
    "rare earths"); the form column, and "form" in JSON, say which form matched.
    """
    with _friendly_errors():
        result = _corpus(ctx).kwic(
            term,
            width=width,
            match=match,
            lang=lang,
            departments=departments or None,
            since=since,
            until=until,
            doc_type=doc_type,
            translation=translation,
            glossary=glossary,
        )
    if fmt == "jsonl":
        for line in result.lines:
            click.echo(json.dumps(line.to_dict(), ensure_ascii=False))
    else:
        click.echo(result.render(), nl=False)
    click.echo(result.summary(), err=True)


@main.command()
@click.argument("terms", nargs=-1, required=True)
@click.option(
    "--by", type=click.Choice(["year", "month"]), default="year", show_default=True, help="Period."
)
@click.option(
    "--normalize",
    is_flag=True,
    help="Divide by the number of documents the corpus has for the period.",
)
@click.option(
    "--plot",
    type=click.Path(dir_okay=False),
    help="Also draw a line chart to this file (.png, .svg, .pdf); needs alucorpus[plot].",
)
@click.option("--font", help="CJK font for --plot: a family name or a font file.")
@_text_lang_option
@_match_option
@_forms_options
@_filter_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "csv", "jsonl"]),
    default="text",
    show_default=True,
    help="csv: one row per period and term, forms as 'form=occurrences; …'; "
    "jsonl: the same with each form's documents and occurrences.",
)
@click.pass_context
def trend(
    ctx: click.Context,
    terms: tuple[str, ...],
    by: str,
    normalize: bool,
    plot: str | None,
    font: str | None,
    lang: str | None,
    match: str,
    translation: str,
    glossary: Path | None,
    departments: tuple[str, ...],
    since: str | None,
    until: str | None,
    doc_type: str | None,
    fmt: str,
) -> None:
    """Documents mentioning each of TERMS, and occurrences, per year or month.

    Each term counts with its glossary translations ("rare earth" counts 稀土 too);
    the lines under the table say which forms were counted, and how often each.
    """
    with _friendly_errors():
        result = _corpus(ctx).trend(
            terms,
            by=by,
            match=match,
            lang=lang,
            departments=departments or None,
            since=since,
            until=until,
            doc_type=doc_type,
            translation=translation,
            glossary=glossary,
        )
        if plot:
            result.plot(plot, normalize=normalize, font=font)
    if fmt == "text":
        click.echo(result.render(normalize=normalize), nl=False)
    else:
        if fmt == "csv":
            click.echo(result.to_csv(), nl=False)
        else:
            for row in result.rows:
                click.echo(json.dumps(row.to_dict(), ensure_ascii=False))
        for term in result.terms:  # the table has no room for which forms counted
            if line := result.forms_line(term):
                click.echo(line, err=True)
    if plot:
        click.echo(f"wrote chart to {plot}", err=True)


def _link_lines(rows: Sequence[tuple[str, ...]]) -> str:
    """Columns aligned by display width (CJK characters take two columns), last one free."""
    from .display import display_width, pad

    if not rows:
        return ""
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return "".join(
        "  ".join([*(pad(cell, w) for cell, w in zip(row, widths, strict=False)), row[-1]]).rstrip()
        + "\n"
        for row in rows
    )


def _summary(links: list[Any]) -> str:
    inside = sum(1 for link in links if link.kind != "external")
    return f"{len(links)} links ({inside} in the corpus, {len(links) - inside} external)"


@main.command()
@click.argument("record_id")
@click.pass_context
def cites(ctx: click.Context, record_id: str) -> None:
    """Documents that RECORD_ID cites: relation, where it resolves, number, 《title》."""
    with _friendly_errors():
        links = _corpus(ctx).cites(record_id)
    rows = []
    for link in links:
        if link.kind == "attachment":
            where = f"attachment {link.attachment}"
        else:
            where = link.target or "external"
        rows.append(
            (link.relation, where, link.number or "-", f"《{link.title}》" if link.title else "")
        )
    click.echo(_link_lines(rows), nl=False)
    click.echo(_summary(links), err=True)


@main.command("cited-by")
@click.argument("record_id")
@click.pass_context
def cited_by(ctx: click.Context, record_id: str) -> None:
    """Documents in the corpus that cite RECORD_ID: relation, citing id, number, date, title."""
    with _friendly_errors():
        links = _corpus(ctx).cited_by(record_id)
    rows = [
        (
            link.relation,
            link.source,
            link.source_number or "-",
            link.source_date or "----------",
            link.source_title,
        )
        for link in links
    ]
    click.echo(_link_lines(rows), nl=False)
    click.echo(f"cited by {len(links)} links", err=True)


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["graphml", "csv"]),
    default="graphml",
    show_default=True,
    help="graphml: nodes and edges (Gephi, Cytoscape, networkx); csv: the edge list.",
)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="File.")
@click.pass_context
def graph(ctx: click.Context, fmt: str, output: str) -> None:
    """Export the citation graph of the whole corpus (documents, attachments, external)."""
    with _friendly_errors():
        result = _corpus(ctx).graph()
        edges = result.write(output, fmt)
    click.echo(f"wrote {len(result.nodes)} nodes and {edges} edges to {output}", err=True)
