"""Tables: DataFrames of hits and documents, and CSV / JSON Lines / Parquet exports."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from alucorpus import AlucorpusError, Corpus
from alucorpus.cli import main
from alucorpus.tables import (
    DOCUMENT_COLUMNS,
    HIT_COLUMNS,
    MissingExtraError,
    columns_of,
    read_csv_rows,
    require,
    write_rows,
)

RARE_METALS = "number:国发〔1991〕5号"  # one hit: GOV_PRC row 9 (钨、锡、锑、离子型稀土)


@pytest.fixture(scope="session")
def corpus(research_corpus: Corpus) -> Corpus:
    return research_corpus


def test_document_rows(corpus: Corpus) -> None:
    rows = corpus.table_rows()
    assert len(rows) == 106  # GOV_PRC.csv: 108 rows, 102 documents; + aluminium, 礦業法, 2 seeds
    assert list(rows[0]) == list(DOCUMENT_COLUMNS)
    aluminium = next(r for r in rows if r["doc_number"] == "工信部联原〔2011〕177号")
    assert aluminium["departments"].split("、")[:2] == ["工业和信息化部", "国家发展和改革委员会"]
    assert aluminium["cites"] == "国发〔2009〕14号、国发〔2009〕38号"
    assert aluminium["paragraphs"] == 12
    assert aluminium["issued"] is None


def test_hit_rows_carry_snippet_highlights_and_metadata(corpus: Corpus) -> None:
    [row] = corpus.table_rows(RARE_METALS)
    assert list(row) == [*HIT_COLUMNS, *DOCUMENT_COLUMNS]
    assert (row["rank"], row["doc_number"], row["issued"], row["doc_type"]) == (
        1,
        "国发〔1991〕5号",
        "1991-01-15",
        "通知",
    )
    assert (
        row["title"] == "国务院关于将钨、锡、锑、离子型稀土矿产列为国家实行保护性开采特定矿种的通知"
    )
    assert row["source"].endswith("GOV_PRC.csv#row=9")


def test_highlight_offsets_point_into_the_snippet(corpus: Corpus) -> None:
    rows = corpus.table_rows("稀土")
    assert rows
    for row in rows:
        for start, end in row["highlights"]:
            assert row["snippet"][start:end] in ("稀土", "稀", "土")


def test_frames(corpus: Corpus) -> None:
    pytest.importorskip("pandas")
    documents = corpus.to_frame()
    assert documents.shape == (106, len(DOCUMENT_COLUMNS))
    hits = corpus.search("稀土", limit=3).to_frame()
    assert list(hits.columns) == [*HIT_COLUMNS, *DOCUMENT_COLUMNS]
    assert hits["rank"].tolist() == [1, 2, 3]
    assert hits["doc_type"].isna().all()  # a page of results carries no record metadata
    every = corpus.to_frame("稀土", text=True)
    assert len(every) == corpus.search("稀土").total
    assert every["text"].str.contains("稀土").any()


def test_missing_pandas_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # makes `import pandas` fail
    with pytest.raises(MissingExtraError) as info:
        require("pandas", "tables")
    assert str(info.value) == (
        "pandas is not installed; install it with: pip install 'alucorpus[tables]'"
    )


def test_csv_is_utf8_with_bom_and_round_trips(corpus: Corpus, tmp_path: Path) -> None:
    rows = corpus.table_rows("稀土")
    columns = columns_of(rows, hits=True)
    path = tmp_path / "hits.csv"
    assert write_rows(rows, columns, path, "csv") == len(rows)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    back = read_csv_rows(path)
    assert list(back[0]) == columns
    assert [r["id"] for r in back] == [r["id"] for r in rows]
    assert [json.loads(r["highlights"]) for r in back] == [r["highlights"] for r in rows]
    assert back[0]["title"] == rows[0]["title"]
    assert back[0]["score"] == str(rows[0]["score"])


def test_jsonl_round_trips(corpus: Corpus, tmp_path: Path) -> None:
    rows = corpus.table_rows(text=True)
    path = tmp_path / "docs.jsonl"
    write_rows(rows, columns_of(rows, hits=False), path, "jsonl")
    back = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert back == rows


def test_parquet_round_trips(corpus: Corpus, tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    rows = corpus.table_rows("稀土")
    path = tmp_path / "hits.parquet"
    write_rows(rows, columns_of(rows, hits=True), path, "parquet")
    assert pq.read_table(path).to_pylist() == rows


def test_unknown_format_and_unwritable_file(tmp_path: Path) -> None:
    with pytest.raises(AlucorpusError, match="unknown export format 'xlsx'"):
        write_rows([], ["id"], tmp_path / "x.xlsx", "xlsx")
    with pytest.raises(AlucorpusError, match="cannot write"):
        write_rows([], ["id"], tmp_path / "missing" / "x.csv", "csv")


def test_cli_export_exact_output(corpus: Corpus, tmp_path: Path) -> None:
    runner = CliRunner()
    home = ["--home", str(corpus.home)]
    out = tmp_path / "one.csv"
    result = runner.invoke(main, [*home, "export", RARE_METALS, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote 1 hits to {out}\n"
    text = out.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == ",".join([*HIT_COLUMNS, *DOCUMENT_COLUMNS])

    out = tmp_path / "all.jsonl"
    result = runner.invoke(main, [*home, "export", "--format", "jsonl", "-o", str(out)])
    assert result.stderr == f"wrote 106 documents to {out}\n"

    result = runner.invoke(main, [*home, "export", "--since", "2000", "-o", str(out)])
    assert result.exit_code == 2
    assert "--dept, --since, --until and --type filter the hits of a QUERY" in result.output
