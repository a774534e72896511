"""The ``alucorpus`` command line: each command is a thin layer over one Corpus method.

This is the only module that knows click, and the only place that turns library
errors into messages and exit codes: 0 ok, 1 some input or the query failed,
2 usage.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import __version__
from .errors import AlucorpusError

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
        click.echo(f"alucorpus: error: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("alucorpus: interrupted", err=True)
        sys.exit(130)


def _corpus(ctx: click.Context) -> Corpus:
    from .corpus import Corpus

    return Corpus(ctx.obj["home"])


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

    failed = 0
    collected: list[dict[str, Any]] = []
    with _friendly_errors():
        for _path, result in Corpus.parse(paths, columns=_parse_columns(columns)):
            if isinstance(result, str):
                click.echo(result, err=True)
                failed += 1
                continue
            for record in result:
                if fmt == "jsonl":
                    click.echo(json.dumps(record.to_dict(), ensure_ascii=False))
                elif fmt == "json":
                    collected.append(record.to_dict())
                else:
                    click.echo(format_record(record))
    if fmt == "json":
        click.echo(json.dumps(collected, ensure_ascii=False, indent=2))
    if failed:
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
    return "\n".join(lines) + "\n"


def _clip(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# -- ingest / reindex --------------------------------------------------------------------------


def _finish_batch(report: IngestReport) -> None:
    for outcome in report.failed:
        click.echo(outcome.error or f"{outcome.path}: failed", err=True)
    click.echo(f"{report.summary()}; {report.indexed} records indexed", err=True)
    if report.failed:
        sys.exit(1)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@column_option
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[str, ...], columns: tuple[str, ...]) -> None:
    """Keep PATHS (files or folders) under HOME/raw, parse them and index their records."""
    progress, finish = _progress("ingesting")
    with _friendly_errors():
        try:
            report = _corpus(ctx).ingest(paths, columns=_parse_columns(columns), progress=progress)
        finally:
            finish()
    _finish_batch(report)


@main.command()
@click.option(
    "--full",
    is_flag=True,
    help="Parse every raw file again and rebuild the index beside the live one.",
)
@click.pass_context
def reindex(ctx: click.Context, full: bool) -> None:
    """Rebuild the records and the index from HOME/raw (only changed files, unless --full)."""
    progress, finish = _progress("reindexing")
    with _friendly_errors():
        try:
            report = _corpus(ctx).reindex(full=full, progress=progress)
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
    """Documents by language, format, department and year; index size."""
    with _friendly_errors():
        data = _corpus(ctx).stats()
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(
        f"{data['documents']} documents in {data['home']}; index {data['index_bytes'] / 1e6:.1f} MB"
    )
    for key, label in (
        ("by_lang", "language"),
        ("by_format", "format"),
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
@click.option("--since", help="Issued on or after (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", help="Issued on or before (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--type", "doc_type", help="Only this document type (通知, 意见, 条例 …).")
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
@click.pass_context
def search(
    ctx: click.Context,
    query: str,
    lang: str | None,
    departments: tuple[str, ...],
    since: str | None,
    until: str | None,
    doc_type: str | None,
    limit: int,
    page: int,
    sort: str,
    fmt: str,
) -> None:
    """Search the corpus. QUERY: words, "phrases", AND/OR/NOT, title: dept: number: year:."""
    with _friendly_errors():
        results = _corpus(ctx).search(
            query,
            lang=lang,
            departments=departments or None,
            since=since,
            until=until,
            doc_type=doc_type,
            limit=limit,
            offset=(page - 1) * limit,
            sort=sort,
        )
    click.echo(
        render_results(results, fmt, offset=(page - 1) * limit, color=sys.stdout.isatty()), nl=False
    )


def render_results(
    results: SearchResults, fmt: str, *, offset: int = 0, color: bool = False
) -> str:
    """Search results as a table, JSON, JSON Lines or CSV."""
    data = results.to_dict()
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(hit, ensure_ascii=False) + "\n" for hit in data["hits"])
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            [
                "rank",
                "id",
                "score",
                "issued",
                "doc_number",
                "departments",
                "title",
                "snippet",
                "source",
            ]
        )
        for rank, hit in enumerate(results.hits, offset + 1):
            snippet = hit.snippets[0].text if hit.snippets else ""
            writer.writerow(
                [
                    rank,
                    hit.id,
                    f"{hit.score:.3f}",
                    hit.issued or "",
                    hit.doc_number or "",
                    "、".join(hit.departments),
                    hit.title,
                    snippet,
                    hit.source,
                ]
            )
        return out.getvalue()
    lines = [f"{results.total} documents match {results.query!r}"]
    for rank, hit in enumerate(results.hits, offset + 1):
        head = "  ".join(
            part
            for part in (
                f"{rank:>3}.",
                hit.issued or "----------",
                hit.doc_number or "",
                "、".join(hit.departments[:3]) + ("…" if len(hit.departments) > 3 else ""),
            )
            if part
        )
        title = click.style(hit.title, bold=True) if color else hit.title
        lines.append(f"{head}\n     {title}   [{hit.id[:8]}]")
        for snippet in hit.snippets[:2]:
            lines.append("     " + _highlight(snippet.text, snippet.highlights, color))
    return "\n".join(lines) + "\n"


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
