"""The Corpus API: ingest, store, reindex and reading back, on real files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from alucorpus import Corpus, RecordNotFoundError
from alucorpus.ingest.files import iter_input_files


def _copy_seeds(seeds: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for path in seeds.iterdir():
        if path.is_file():
            shutil.copy(path, folder / path.name)
    return folder


def test_ingest_keeps_raw_bytes_and_records(tmp_path: Path, seeds: Path) -> None:
    incoming = _copy_seeds(seeds, tmp_path / "in")
    corpus = Corpus(tmp_path / "home")
    report = corpus.ingest([str(incoming)])
    assert report.summary() == "2 added, 0 updated, 0 unchanged, 0 failed"
    for path in incoming.iterdir():
        assert (tmp_path / "home/raw/in" / path.name).read_bytes() == path.read_bytes()
    records = list(corpus.records())
    assert sorted(r.lang for r in records) == ["en", "zh"]
    zh = next(r for r in records if r.lang == "zh")
    assert corpus.get(zh.id) == zh
    assert corpus.get(zh.id[:6]) == zh


def test_same_input_same_id(tmp_path: Path, seeds: Path) -> None:
    first = [r.id for _, rs in Corpus.parse([str(seeds)]) for r in rs]  # type: ignore[union-attr]
    copy = _copy_seeds(seeds, tmp_path / "elsewhere")
    second = [r.id for _, rs in Corpus.parse([str(copy)]) for r in rs]  # type: ignore[union-attr]
    assert first == second and len(first) == 2


def test_get_unknown_id(tmp_path: Path, seeds: Path) -> None:
    corpus = Corpus(tmp_path / "home")
    corpus.ingest([str(seeds / "aluminum_six_tasks_en.txt")])
    with pytest.raises(RecordNotFoundError):
        corpus.get("0000000000000000")


def test_ingest_from_inside_home_raw_does_not_copy(tmp_path: Path, seeds: Path) -> None:
    home = tmp_path / "home"
    _copy_seeds(seeds, home / "raw")
    corpus = Corpus(home)
    report = corpus.ingest([str(home / "raw")])
    assert report.count("added") == 2
    assert sorted(p.name for p in (home / "raw").iterdir()) == sorted(
        p.name for p in seeds.iterdir()
    )


def test_reindex_picks_up_new_changed_and_removed_files(tmp_path: Path, seeds: Path) -> None:
    home = tmp_path / "home"
    corpus = Corpus(home)
    corpus.ingest([str(seeds)])
    raw = home / "raw" / "raw"
    assert corpus.reindex().summary() == "0 added, 0 updated, 2 unchanged, 0 failed"
    article = raw / "aluminum_six_tasks_en.txt"
    article.write_bytes(article.read_bytes() + b"\nA new closing paragraph about alumina.\n")
    (raw / "reconnect_gxbl_2025_62.txt").unlink()
    report = corpus.reindex()
    assert report.summary() == "0 added, 1 updated, 0 unchanged, 0 failed, 1 removed"
    records = list(corpus.records())
    assert len(records) == 1 and "alumina" in records[0].paragraphs[-1]


def test_full_reindex_swaps_in_a_new_index(tmp_path: Path, seeds: Path) -> None:
    home = tmp_path / "home"
    corpus = Corpus(home)
    corpus.ingest([str(seeds)])
    before = (home / "index" / "CURRENT").read_text()
    report = corpus.reindex(full=True)
    assert report.indexed == 2
    after = (home / "index" / "CURRENT").read_text()
    assert before != after
    assert [p.name for p in (home / "index").iterdir() if p.is_dir()] == [after]


def test_input_walk_skips_hidden_and_symlink_loops(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("x", encoding="utf-8")
    (folder / ".hidden").write_text("x", encoding="utf-8")
    (folder / "sub" / "loop").symlink_to(folder, target_is_directory=True)
    items = list(iter_input_files([str(folder)], tmp_path / "home" / "raw"))
    assert [Path(i.given).name for i in items] == ["a.txt"]  # type: ignore[union-attr]
