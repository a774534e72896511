"""The citation graph: links, relations and resolution, on real documents and small cases."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from alucorpus import Corpus, RecordNotFoundError
from alucorpus.citations import (
    EDGE_COLUMNS,
    Resolver,
    extract_links,
    links_of,
    relation_near,
    title_key,
)
from alucorpus.cli import main
from alucorpus.records import Attachment, Record

ALUMINIUM = "f4a8790949a1d1e6"  # 工信部联原〔2011〕177号
ELECTRICITY_2007 = "030be5257f2b787a"  # 国办发〔2007〕19号, GOV_PRC row 93 (a 转发 notice)
ELECTRICITY_2002 = "c613c07b6b3db0cf"  # 国发〔2002〕5号 电力体制改革方案, cited inside the corpus
SEED_NOTICE = "496cdaedacb8c0e2"  # 工信部联原〔2025〕62号 关于印发《铝产业高质量发展实施方案…》
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"


@pytest.fixture(scope="session")
def corpus(research_corpus: Corpus) -> Corpus:
    return research_corpus


def record(paragraphs: list[str], **fields: object) -> Record:
    values: dict[str, object] = {
        "id": "r1",
        "source": "test",
        "format": "plaintext",
        "lang": "zh",
        "sha256": "0",
    }
    values.update(fields)
    return Record(paragraphs=tuple(paragraphs), **values)  # type: ignore[arg-type]


def summary(links: list) -> list[tuple[str, str | None, str | None]]:  # type: ignore[type-arg]
    return [(link.relation, link.number, link.title) for link in links]


# -- relations and extraction ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("根据《中华人民共和国矿产资源法》，制定本条例。", "basis"),
        ("依据《安全生产法》的规定", "basis"),
        ("认真贯彻《国务院关于促进煤炭工业健康发展的若干意见》", "implementation"),
        ("《矿产资源勘查登记管理暂行办法》同时废止。", "repeal"),
        ("做好《中华人民共和国电力法》修订的相关工作", "amendment"),
        ("现将《全国矿产资源规划》印发给你们", "issues"),
        ("《关于深化改革的实施方案》收悉。", "cites"),
        # A 根据 after the citation governs another object.
        ("《组建方案》由你委根据本批复精神作出安排。", "cites"),
    ],
)
def test_relation_near(text: str, expected: str) -> None:
    start, end = text.index("《"), text.index("》") + 1
    assert relation_near(text, start, end) == expected


def test_a_keyword_between_two_citations_belongs_to_the_second() -> None:
    links = extract_links(
        record(["认真执行财政部《关于税收的规定》和国务院批转财政部《关于减轻税负的报告》。"])
    )
    assert summary(links) == [
        ("implementation", None, "关于税收的规定"),
        ("issues", None, "关于减轻税负的报告"),
    ]


def test_a_keyword_inside_a_cited_title_does_not_count() -> None:
    text = "按《国务院关于印发电力体制改革方案的通知》（国发〔2002〕5号）精神办理。"
    assert summary(extract_links(record([text]))) == [
        ("cites", "国发〔2002〕5号", "国务院关于印发电力体制改革方案的通知")
    ]


def test_aliases_self_references_and_own_number_are_not_new_links() -> None:
    links = extract_links(
        record(
            [
                "要依照《中华人民共和国公司法》(以下简称《公司法》)进行改组。",
                "可依照《公司法》等有关规定，集中部分收益。自本《通知》下发之日起执行。",
                "本通知（国发〔2011〕12号）自印发之日起施行。",
            ],
            doc_number="国发〔2011〕12号",
        )
    )
    assert summary(links) == [("basis", None, "中华人民共和国公司法")]


def test_a_number_and_a_title_of_the_same_document_merge() -> None:
    links = extract_links(
        record(
            [
                "《国务院关于加强地质工作的决定》（国发〔2006〕4号）收悉。",
                "认真落实国发〔2006〕4号文件。",
            ]
        )
    )
    assert summary(links) == [("implementation", "国发〔2006〕4号", "国务院关于加强地质工作的决定")]
    assert (links[0].paragraph, links[0].context) == (2, "认真落实国发〔2006〕4号文件。")


def test_an_issuing_notice_links_to_its_attachment() -> None:
    notice = record(
        ["现将《稀土行业发展规划》印发给你们，请认真贯彻执行。"],
        title="国务院关于印发《稀土行业发展规划》的通知",
        attachments=(Attachment("稀土行业发展规划", ("一、总体要求",)),),
    )
    [link] = links_of(notice, Resolver())
    assert (link.relation, link.kind, link.node) == ("issues", "attachment", "r1#attachment=1")


def test_resolution_by_number_title_and_title_without_issuer() -> None:
    corpus = [
        record([], id="a", title="国务院关于加强地质工作的决定", doc_number="国发〔2006〕4号"),
        record([], id="b", title="中华人民共和国矿产资源法"),
        record([], id="c", title="国务院关于促进煤炭工业健康发展的若干意见"),
    ]
    resolver = Resolver.from_records(corpus)
    citing = record(
        [
            "按照国发〔2006〕4号文件和《矿产资源法》的规定，落实《关于促进煤炭工业健康发展的若干意见》。",
            "执行《国务院关于不存在的决定》（国发〔1999〕99号）。",
        ]
    )
    links = links_of(citing, resolver)
    assert [(link.number or link.title, link.targets, link.kind) for link in links] == [
        ("国发〔2006〕4号", ("a",), "document"),
        ("矿产资源法", ("b",), "document"),
        ("关于促进煤炭工业健康发展的若干意见", ("c",), "document"),
        ("国发〔1999〕99号", (), "external"),
    ]
    assert links[3].node == "ext:国发〔1999〕99号"


def test_title_key_folds_script_spaces_and_quotes() -> None:
    assert title_key("國務院關於“十一五” 規劃的通知") == title_key("国务院关于十一五规划的通知")


# -- the real corpus ------------------------------------------------------------------------------


def test_cites_of_the_aluminium_notice(corpus: Corpus) -> None:
    links = corpus.cites(ALUMINIUM)
    assert [(lk.relation, lk.number, lk.title, lk.kind) for lk in links] == [
        ("implementation", "国发〔2009〕14号", "有色金属产业调整和振兴规划", "external"),
        (
            "implementation",
            "国发〔2009〕38号",
            "关于抑制部分行业产能过剩和重复建设引导产业健康发展若干意见的通知",
            "external",
        ),
    ]
    assert all(lk.paragraph == 5 for lk in links)


def test_cites_of_a_forwarding_notice(corpus: Corpus) -> None:
    links = corpus.cites(ELECTRICITY_2007)
    assert [(lk.relation, lk.kind, lk.number, lk.title) for lk in links] == [
        ("issues", "attachment", None, "关于“十一五”深化电力体制改革的实施意见"),
        ("basis", "document", "国发〔2002〕5号", "国务院关于印发电力体制改革方案的通知"),
        ("basis", "external", None, "中华人民共和国公司法"),
        ("basis", "external", "国办发〔2003〕62号", "国务院办公厅关于印发电价改革方案的通知"),
        ("amendment", "external", None, "中华人民共和国电力法"),
        ("amendment", "external", None, "电网调度管理条例"),
        ("amendment", "external", None, "电力供应与使用条例"),
        ("amendment", "external", None, "电力设施保护条例"),
    ]
    assert links[1].target == ELECTRICITY_2002


def test_cited_by_inside_the_corpus(corpus: Corpus) -> None:
    links = corpus.cited_by(ELECTRICITY_2002)
    assert sorted(lk.source_number or "" for lk in links) == [
        "国函〔2003〕114号",  # GOV_PRC holds this one twice: one document, one link
        "国函〔2003〕18号",
        "国函〔2003〕26号",
        "国函〔2003〕32号",
        "国函〔2003〕9号",  # twice too
        "国办发〔2007〕19号",
    ]
    assert {lk.relation for lk in links} == {"basis"}
    assert corpus.cited_by(ALUMINIUM) == []


def test_unknown_id(corpus: Corpus) -> None:
    with pytest.raises(RecordNotFoundError):
        corpus.cites("ffffffffffffffff")


def test_graph_exports(corpus: Corpus, tmp_path: Path) -> None:
    graph = corpus.graph()
    kinds = {
        kind: sum(1 for n in graph.nodes.values() if n.kind == kind)
        for kind in ("document", "attachment", "external")
    }
    # GOV_PRC.csv's 108 rows are 102 documents (6 rows repeat a URL): 102 + the
    # aluminium notice + 礦業法 + the 2 seeds; the repeated rows' links are gone.
    assert kinds == {"document": 106, "attachment": 28, "external": 139}
    assert len(graph.links) == 210

    assert graph.write(tmp_path / "g.graphml", "graphml") == 210
    root = ET.parse(tmp_path / "g.graphml").getroot()
    nodes = root.findall(f"{GRAPHML}graph/{GRAPHML}node")
    edges = root.findall(f"{GRAPHML}graph/{GRAPHML}edge")
    assert (len(nodes), len(edges)) == (273, 210)
    node_ids = {n.get("id") for n in nodes}
    assert all(e.get("source") in node_ids and e.get("target") in node_ids for e in edges)
    into = [e for e in edges if e.get("target") == ELECTRICITY_2002]
    assert len(into) == 6  # the six citing documents of test_cited_by_inside_the_corpus
    relation = into[0].find(f"{GRAPHML}data[@key='e_relation']")
    assert relation is not None and relation.text == "basis"

    graph.write(tmp_path / "g.csv", "csv")
    raw = (tmp_path / "g.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, for Excel
    with (tmp_path / "g.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(EDGE_COLUMNS)
    assert len(rows) == 210
    aluminium = [r for r in rows if r["source"] == ALUMINIUM]
    assert [(r["target"], r["kind"], r["relation"]) for r in aluminium] == [
        ("ext:国发〔2009〕14号", "external", "implementation"),
        ("ext:国发〔2009〕38号", "external", "implementation"),
    ]


def test_cli_cites_and_cited_by_exact_output(corpus: Corpus) -> None:
    runner = CliRunner()
    home = ["--home", str(corpus.home)]
    result = runner.invoke(main, [*home, "cites", ALUMINIUM[:8]])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "implementation  external  国发〔2009〕14号  《有色金属产业调整和振兴规划》\n"
        "implementation  external  国发〔2009〕38号  "
        "《关于抑制部分行业产能过剩和重复建设引导产业健康发展若干意见的通知》\n"
    )
    assert result.stderr == "2 links (0 in the corpus, 2 external)\n"

    result = runner.invoke(main, [*home, "cites", SEED_NOTICE])
    assert result.stdout == "issues  attachment 1  -  《铝产业高质量发展实施方案(2025—2027年)》\n"

    result = runner.invoke(main, [*home, "cited-by", "ab3ddb58"])  # 国发〔2005〕18号
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "implementation  72b58b474484ef20  国函〔2006〕52号   2006-06-15  "
        "国务院关于同意在山西省开展煤炭工业可持续发展政策措施试点意见的批复\n"
        "implementation  079b6b6f8152fc76  国函〔2006〕102号  2006-09-30  "
        "国务院关于同意深化煤炭资源有偿使用制度改革试点实施方案的批复\n"
    )


def test_cli_graph_and_bad_id(corpus: Corpus, tmp_path: Path) -> None:
    runner = CliRunner()
    home = ["--home", str(corpus.home)]
    out = tmp_path / "graph.graphml"
    result = runner.invoke(main, [*home, "graph", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote 273 nodes and 210 edges to {out}\n"
    result = runner.invoke(main, [*home, "cites", "ffffffffffffffff"])
    assert result.exit_code == 1
    assert result.stderr.startswith("alucorpus: error: ffffffffffffffff: no record with this id")
