"""The Corpus API: ingest, store, reindex and reading back, on real files."""

from __future__ import annotations

import json
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


# -- two language sides of one law --------------------------------------------------------------

FIXTURES = Path(__file__).parent / "fixtures"


def _law_sides(folder: Path) -> tuple[Path, Path]:
    """The Chinese fixture law and an English side with the same PCODE, in two folders."""
    zh = folder / "FalVMingLing" / "O9999999.json"
    en = folder / "Eng_FalVMingLing" / "O9999999.json"
    zh.parent.mkdir(parents=True)
    en.parent.mkdir(parents=True)
    shutil.copy(FIXTURES / "tw_small_zh.json", zh)
    english = {
        "英文法規名稱": "Test Emission Standards",
        "中文法規名稱": "測試排放標準",
        "法規網址": "https://law.moj.gov.tw/ENG/LawClass/LawAll.aspx?pcode=O9999999",
        "最新英文異動日期": "20240301",
        "法規內容": [{"條號": "Article 1", "條文內容": "These Standards are tests."}],
    }
    en.write_text(json.dumps(english, ensure_ascii=False), encoding="utf-8")
    return zh, en


def test_sides_in_two_batches_become_one_record_as_parse_shows(tmp_path: Path) -> None:
    zh, en = _law_sides(tmp_path / "in")
    parsed = [
        r for _, rs in Corpus.parse([str(zh), str(en)]) if not isinstance(rs, str) for r in rs
    ]
    assert len(parsed) == 1
    assert parsed[0].paragraphs_en == ("Article 1 These Standards are tests.",)

    corpus = Corpus(tmp_path / "home")
    corpus.ingest([str(zh)])
    report = corpus.ingest([str(en)])
    assert report.summary() == "1 added, 0 updated, 0 unchanged, 0 failed"
    stored = list(corpus.records())
    assert [r.id for r in stored] == [parsed[0].id]  # the Chinese side alone was replaced
    assert corpus.search("Test Emission Standards").total == 1


def test_two_chinese_versions_of_one_law_both_stay(tmp_path: Path) -> None:
    """Same PCODE, no English side: nothing to join, and neither file loses its copy."""
    zh, _ = _law_sides(tmp_path / "in")
    other = tmp_path / "in" / "older" / "O9999999.json"
    other.parent.mkdir()
    data = json.loads(zh.read_text(encoding="utf-8"))
    data["法規內容"] = data["法規內容"][:2]
    other.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    corpus = Corpus(tmp_path / "home")
    corpus.ingest([str(zh)])
    corpus.ingest([str(other)])
    assert len(list(corpus.copies())) == 2
    # Same URL (the PCODE's page) and the same version date: one document, two copies.
    (document,) = corpus.records()
    assert len(document.copies) == 2
