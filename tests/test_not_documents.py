"""Only documents become records (issue 13, item 5).

A file no specific reader takes falls to the plain-text reader, which reads it only
when it looks like a document. The corpus's MANIFEST.md, its SOURCE_FILES.tsv tables,
tw_mojlaw_bilingual/UpdateDate.txt and the JSON of annotations beside the aluminium
notice are not: each is reported in one line, ``PATH: not a document (…)``, and
nothing is stored for it. A CSV or JSON file that does not parse is a failure that
says where it broke.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from alucorpus import Corpus
from alucorpus.cli import main
from alucorpus.corpus import IngestReport
from alucorpus.errors import NotADocument, NotADocumentError, ParseError
from alucorpus.ingest import detect_format, markdown_law, parse_bytes, plaintext, read_source
from alucorpus.ingest.files import parse_one

#: The corpus files that are not documents, and what each one is.
NOT_DOCUMENTS: dict[str, str] = {
    "MANIFEST.md": "a Markdown manifest: headings and tables about 33 files, not prose",
    "aluminium/SOURCE_FILES.tsv": "a tab-separated table of file names, not prose",
    "chardet_legacy_cjk/SOURCE_FILES.tsv": "a tab-separated table of file names, not prose",
    "gccmpd_govprc/SOURCE_FILES.tsv": "a tab-separated table of file names, not prose",
    "gne_testpages/SOURCE_FILES.tsv": "a tab-separated table of file names, not prose",
    "govcn_zhouynf_sql/SOURCE_FILES.tsv": "a tab-separated table of file names, not prose",
    "lawrefbook/SOURCE_FILES.tsv": "a tab-separated table of file names, not prose",
    "tw_mojlaw_bilingual/SOURCE_FILES.tsv": "a tab-separated table of file names, not prose",
    "tw_mojlaw_bilingual/UpdateDate.txt": "a date, 20241011, not prose",
    "aluminium/derived/gongxinbu_lianyuan_2011_177.json": (
        "JSON of an unknown shape: an object with keys source_file, page_title, page_date, "
        "doc_title, doc_number_as_printed, …"
    ),
}

NOTICE = "aluminium/derived/gongxinbu_lianyuan_2011_177_notice.txt"


# -- each rule on a real file --------------------------------------------------------------


@pytest.mark.parametrize("relative", sorted(NOT_DOCUMENTS))
def test_not_a_document_in_one_line(shared_corpus: Path, relative: str) -> None:
    path = shared_corpus / relative
    with pytest.raises(NotADocumentError) as raised:
        parse_bytes(str(path), path.read_bytes())
    assert str(raised.value) == f"{path}: not a document ({NOT_DOCUMENTS[relative]})"


@pytest.mark.parametrize("relative", sorted(NOT_DOCUMENTS))
def test_parse_one_tells_a_non_document_from_a_failure(shared_corpus: Path, relative: str) -> None:
    path = shared_corpus / relative
    result = parse_one(str(path), path.read_bytes(), {})
    assert isinstance(result, NotADocument)
    assert result == f"{path}: not a document ({NOT_DOCUMENTS[relative]})"


def test_manifest_is_no_lawrefbook_file(shared_corpus: Path) -> None:
    """MANIFEST.md quotes ``<!-- INFO END -->`` in a table cell; LawRefBook puts it on a line."""
    manifest = (shared_corpus / "MANIFEST.md").read_text(encoding="utf-8")
    assert "<!-- INFO END -->" in manifest
    assert not markdown_law.sniff("MANIFEST.md", manifest)
    law = (shared_corpus / "lawrefbook/行政法/能源法(2024-11-08).md").read_text(encoding="utf-8")
    assert markdown_law.sniff("能源法(2024-11-08).md", law)
    # Where the manifest goes now: to the plain-text reader, which refuses it.
    assert detect_format(read_source("MANIFEST.md", manifest.encode())) == "plaintext"


def test_a_non_document_is_refused_whatever_its_name(shared_corpus: Path) -> None:
    data = (shared_corpus / "tw_mojlaw_bilingual/SOURCE_FILES.tsv").read_bytes()
    with pytest.raises(NotADocumentError, match=r"^renamed\.txt: not a document \(a tab-sep"):
        parse_bytes("renamed.txt", data)


@pytest.mark.parametrize(
    "relative",
    [
        NOTICE,
        "chardet_legacy_cjk/tests/Big5/_ude_1.txt",  # classical Chinese prose, in Big5
        "pkulaw_exports/raw/xinyu_yufufa_2012_3_FBM-CLI.12.748997.txt",
        "pkulaw_exports/raw/haikou_swj_2020_02_FBM-CLI.12.7186154.txt",
        "pkulaw_exports/raw/xinjiang_zjj_2012_24_FBM-CLI.12.1075244.txt",
    ],
)
def test_plain_text_documents_are_still_read(shared_corpus: Path, relative: str) -> None:
    path = shared_corpus / relative
    (record,) = parse_bytes(str(path), path.read_bytes())
    assert record.format == "plaintext"
    assert record.paragraphs


def test_the_english_seed_article_is_still_read(seeds: Path) -> None:
    path = seeds / "aluminum_six_tasks_en.txt"
    (record,) = parse_bytes(str(path), path.read_bytes())
    assert record.lang == "en"
    assert record.title == "Aluminum Industry Needs to Exert Itself to Six Tasks."


def test_prose_with_tabs_or_an_opening_bracket_is_still_a_document(shared_corpus: Path) -> None:
    """Tabs make a table only when the cells are not prose; a "[" opens JSON only if it parses."""
    lines = (shared_corpus / NOTICE).read_text(encoding="utf-8").splitlines()
    tabbed = "\n".join(f"{number}\t{line}" for number, line in enumerate(lines, 1))
    (record,) = parse_bytes("tabbed.txt", tabbed.encode())
    assert record.format == "plaintext"
    bracketed = "[2011]177号 " + "\n".join(lines)
    (record,) = parse_bytes("bracketed.txt", bracketed.encode())
    assert record.doc_number == "工信部联原〔2011〕177号"


def test_a_short_text_is_no_document(shared_corpus: Path) -> None:
    """The notice's title alone is a label: fewer Chinese characters than MIN_HAN."""
    title = (shared_corpus / NOTICE).read_text(encoding="utf-8").splitlines()[0][:15]
    assert len(title) < plaintext.MIN_HAN
    with pytest.raises(NotADocumentError, match=r"too short for a document"):
        parse_bytes("title.txt", title.encode())


# -- broken CSV and JSON are failures that say where -------------------------------------------


def test_broken_json_is_a_failure_with_the_parse_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.json"
    path.write_text('{\n  "a": 1,\n    x\n}\n', encoding="utf-8")
    with pytest.raises(ParseError) as raised:
        parse_bytes(str(path), path.read_bytes())
    assert not isinstance(raised.value, NotADocumentError)
    assert str(raised.value) == (
        f"{path}: not valid JSON (line 3, column 5: Expecting property name enclosed in "
        "double quotes)"
    )
    result = parse_one(str(path), path.read_bytes(), {})
    assert isinstance(result, str) and not isinstance(result, NotADocument)


def test_broken_json_lines_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text('{"title": "a"}\n{"title": "b"}\n{"title": \n', encoding="utf-8")
    with pytest.raises(ParseError, match=r"not valid JSON Lines \(line 3, column 11: Expecting"):
        parse_bytes(str(path), path.read_bytes())


def test_broken_csv_is_a_failure_with_the_parse_error(tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    # A quote that never closes: the rows no longer fit the header, so no table reader
    # takes the file, and it is no document either.
    path.write_text('title,content\n"关于印发方案的通知,"正文""没有结束\n"另一个","x""\n', "utf-8")
    with pytest.raises(ParseError) as raised:
        parse_bytes(str(path), path.read_bytes())
    assert not isinstance(raised.value, NotADocumentError)
    assert str(raised.value) == f"{path}: not valid CSV (line 2: ',' expected after '\"')"


def test_ragged_csv_says_which_line(tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    path.write_text("code,year\nx,2011\ny,2012,extra\n", encoding="utf-8")
    with pytest.raises(ParseError, match=r"not valid CSV \(line 3 has 3 cells, the header 2\)"):
        parse_bytes(str(path), path.read_bytes())


def test_a_csv_without_text_columns_is_no_document(tmp_path: Path) -> None:
    path = tmp_path / "years.csv"
    path.write_text("code,year\nx,2011\ny,2012\n", encoding="utf-8")
    with pytest.raises(NotADocumentError, match=r"a comma-separated table \(2 columns: code, year"):
        parse_bytes(str(path), path.read_bytes())


# -- ingest of the whole corpus ------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_ingest(
    shared_corpus: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Corpus, IngestReport]:
    corpus = Corpus(tmp_path_factory.mktemp("not-documents"))
    return corpus, corpus.ingest([str(shared_corpus)])


def _relative(shared_corpus: Path, source: str) -> str:
    path = Path(source.split("#", 1)[0])
    return path.relative_to(shared_corpus).as_posix() if path.is_absolute() else path.as_posix()


def test_ingest_reports_non_documents_as_skipped(
    shared_corpus: Path, corpus_ingest: tuple[Corpus, IngestReport]
) -> None:
    _, report = corpus_ingest
    skipped = {_relative(shared_corpus, o.path): o.error for o in report.skipped}
    assert skipped == {
        relative: f"{shared_corpus / relative}: not a document ({reason})"
        for relative, reason in NOT_DOCUMENTS.items()
    }
    assert not {_relative(shared_corpus, o.path) for o in report.failed} & set(NOT_DOCUMENTS)
    assert f", {len(NOT_DOCUMENTS)} not documents, " in report.summary()


def test_ingest_stores_nothing_for_non_documents(
    shared_corpus: Path, corpus_ingest: tuple[Corpus, IngestReport]
) -> None:
    corpus, _ = corpus_ingest
    sources = {_relative(shared_corpus, copy.source) for copy in corpus.copies()}
    assert NOTICE in sources
    assert not sources & set(NOT_DOCUMENTS)
    kept = {p.relative_to(corpus.layout.raw).as_posix() for p in corpus.layout.raw.rglob("*")}
    assert not {f"corpus/{relative}" for relative in NOT_DOCUMENTS} & kept


def test_reindex_drops_records_an_older_version_made_of_a_non_document(
    shared_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before this rule UpdateDate.txt became a record; a full reindex removes it."""
    corpus = Corpus(tmp_path / "home")
    with monkeypatch.context() as old_version:
        old_version.setattr(plaintext, "refuse_non_document", lambda path, text: None)
        report = corpus.ingest([str(shared_corpus / "tw_mojlaw_bilingual/UpdateDate.txt")])
    assert report.count("added") == 1
    assert len(list(corpus.copies())) == 1
    report = corpus.reindex(full=True)
    assert [o.status for o in report.outcomes] == ["skipped"]
    assert list(corpus.copies()) == []


# -- the command line ----------------------------------------------------------------------


def test_cli_ingest_prints_one_line_per_non_document(shared_corpus: Path, tmp_path: Path) -> None:
    manifest = shared_corpus / "MANIFEST.md"
    date = shared_corpus / "tw_mojlaw_bilingual/UpdateDate.txt"
    notice = shared_corpus / NOTICE
    home = tmp_path / "home"
    args = ["--home", str(home), "ingest", str(manifest), str(date), str(notice)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output  # not documents are no failures
    assert result.stderr.splitlines() == [
        f"{manifest}: not a document ({NOT_DOCUMENTS['MANIFEST.md']})",
        f"{date}: not a document (a date, 20241011, not prose)",
        "1 added, 0 updated, 0 unchanged, 2 not documents, 0 failed; 1 documents indexed",
    ]


def test_cli_ingest_still_fails_on_a_failure(shared_corpus: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"a": }', encoding="utf-8")
    date = shared_corpus / "tw_mojlaw_bilingual/UpdateDate.txt"
    result = CliRunner().invoke(
        main, ["--home", str(tmp_path / "home"), "ingest", str(date), str(broken)]
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{date}: not a document (a date, 20241011, not prose)",
        f"{broken}: not valid JSON (line 1, column 7: Expecting value)",
        "0 added, 0 updated, 0 unchanged, 1 not a document, 1 failed; 0 documents indexed",
    ]


def test_cli_parse_of_only_a_non_document_exits_1(shared_corpus: Path) -> None:
    manifest = shared_corpus / "MANIFEST.md"
    result = CliRunner().invoke(main, ["parse", str(manifest)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"{manifest}: not a document ({NOT_DOCUMENTS['MANIFEST.md']})\n"


def test_cli_parse_with_a_document_beside_it_exits_0(shared_corpus: Path) -> None:
    manifest = shared_corpus / "MANIFEST.md"
    result = CliRunner().invoke(
        main, ["parse", str(manifest), str(shared_corpus / NOTICE), "--format", "jsonl"]
    )
    assert result.exit_code == 0
    assert result.stderr.startswith(f"{manifest}: not a document (")
    assert len(result.stdout.splitlines()) == 1
