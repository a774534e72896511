"""The command line, driven through click's CliRunner, with exact output where it matters."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from alucorpus import __version__
from alucorpus.cli import main

RECONNECT = "reconnect_gxbl_2025_62.txt"
ARTICLE = "aluminum_six_tasks_en.txt"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def sample(tmp_path: Path, seeds: Path) -> Path:
    """A copy of the bundled sample, so tests never write into the repository."""
    folder = tmp_path / "incoming"
    folder.mkdir()
    for name in (RECONNECT, ARTICLE):
        shutil.copy(seeds / name, folder / name)
    return folder


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"alucorpus, version {__version__}\n"


def test_help_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from alucorpus.cli import main\n"
        "CliRunner().invoke(main, ['--help'])\n"
        "heavy = [m for m in ('jieba', 'whoosh', 'opencc', 'bs4') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_every_command_has_help_and_is_in_readme() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    for name, command in main.commands.items():
        assert command.help, f"command {name} has no help text"
        assert f"alucorpus {name}" in readme, f"command {name} is not in README"


def test_parse_json_has_record_keys(runner: CliRunner, sample: Path) -> None:
    result = runner.invoke(main, ["parse", str(sample / RECONNECT), "--format", "json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert len(records) == 1
    record = records[0]
    for key in (
        "id",
        "source",
        "format",
        "lang",
        "sha256",
        "title",
        "title_en",
        "doc_number",
        "doc_number_raw",
        "departments",
        "departments_en",
        "issued",
        "published",
        "doc_type",
        "addressee",
        "paragraphs",
        "paragraphs_en",
        "summary_en",
        "attachments",
        "cites",
    ):
        assert key in record, key
    assert record["source"] == str(sample / RECONNECT)
    assert record["doc_number"] == "工信部联原〔2025〕62号"


def test_parse_jsonl_one_line_per_record(runner: CliRunner, sample: Path) -> None:
    result = runner.invoke(main, ["parse", str(sample), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 2
    langs = sorted(json.loads(line)["lang"] for line in lines)
    assert langs == ["en", "zh"]


def test_parse_missing_file_is_one_line_and_exit_1(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    result = runner.invoke(main, ["parse", str(missing)])
    assert result.exit_code == 1
    assert result.stderr == f"{missing}: no such file or folder\n"


def test_ingest_is_idempotent_and_reports(runner: CliRunner, sample: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = runner.invoke(main, ["--home", str(home), "ingest", str(sample)])
    assert first.exit_code == 0, first.output
    assert first.stderr.splitlines()[-1].startswith("2 added, 0 updated, 0 unchanged, 0 failed")
    assert (home / "raw" / "incoming" / RECONNECT).read_bytes() == (sample / RECONNECT).read_bytes()
    again = runner.invoke(main, ["--home", str(home), "ingest", str(sample)])
    assert again.exit_code == 0
    assert (
        again.stderr.splitlines()[-1]
        == "0 added, 0 updated, 2 unchanged, 0 failed; 0 documents indexed"
    )


def test_ingest_bad_file_goes_on_and_exits_1(
    runner: CliRunner, sample: Path, tmp_path: Path
) -> None:
    (sample / "broken.bin").write_bytes(b"\x00\x01\x02\xff" * 100)
    home = tmp_path / "home"
    result = runner.invoke(main, ["--home", str(home), "ingest", str(sample)])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if "broken.bin" in line]
    assert len(errors) == 1
    assert errors[0].startswith(f"{sample / 'broken.bin'}: ")
    assert "Traceback" not in result.output
    assert result.stderr.splitlines()[-1].startswith("2 added, 0 updated, 0 unchanged, 1 failed")


def test_ingest_changed_file_counts_as_updated(
    runner: CliRunner, sample: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    runner.invoke(main, ["--home", str(home), "ingest", str(sample)])
    article = sample / ARTICLE
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    result = runner.invoke(main, ["--home", str(home), "ingest", str(sample)])
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-1].startswith("0 added, 1 updated, 1 unchanged, 0 failed")
    stats = json.loads(
        runner.invoke(main, ["--home", str(home), "stats", "--format", "json"]).output
    )
    assert stats["documents"] == 2


def test_show_by_id_prefix(runner: CliRunner, sample: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    runner.invoke(main, ["--home", str(home), "ingest", str(sample / RECONNECT)])
    parsed = json.loads(
        runner.invoke(main, ["parse", str(sample / RECONNECT), "--format", "json"]).output
    )
    record_id = parsed[0]["id"]
    shown = runner.invoke(main, ["--home", str(home), "show", record_id[:8], "--format", "json"])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["id"] == record_id
    missing = runner.invoke(main, ["--home", str(home), "show", "ffffffffffff"])
    assert missing.exit_code == 1
    assert missing.stderr == f"alucorpus: error: ffffffffffff: no record with this id in {home}\n"


def test_home_from_environment(runner: CliRunner, sample: Path, tmp_path: Path) -> None:
    home = tmp_path / "envhome"
    result = runner.invoke(
        main, ["ingest", str(sample / ARTICLE)], env={"ALUCORPUS_HOME": str(home)}
    )
    assert result.exit_code == 0, result.output
    assert (home / "raw" / "incoming" / ARTICLE).is_file()


def test_stats_without_corpus_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["--home", str(tmp_path / "empty"), "stats"])
    assert result.exit_code == 1
    assert "Run `alucorpus ingest PATH` first." in result.stderr
