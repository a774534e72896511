"""The departments table and the issuer helpers, on names taken from the real corpus."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alucorpus.departments import (
    Department,
    all_departments,
    canonical_department,
    department_en,
    departments_at_end,
    departments_in_signature,
    lookup_department,
    split_departments,
)


def test_table_shape() -> None:
    rows = all_departments()
    assert len(rows) >= 120
    assert all(isinstance(r, Department) and r.name and r.name_en for r in rows)
    assert len({r.name for r in rows}) == len(rows)


def test_every_alias_names_one_body() -> None:
    """No short form, name or English abbreviation is claimed by two rows."""
    keys: Counter[str] = Counter()
    for row in all_departments():
        for alias in {row.name, *row.aliases}:
            keys[re.sub(r"\s+", "", alias).lower()] += 1
    assert [k for k, n in keys.items() if n > 1] == []


@pytest.mark.parametrize(
    ("name", "full", "english"),
    [
        ("国务院", "国务院", "State Council"),
        ("国 务 院", "国务院", "State Council"),
        ("国务院办公厅", "国务院办公厅", "General Office of the State Council"),
        (
            "全国人大常委会",
            "全国人民代表大会常务委员会",
            "Standing Committee of the National People's Congress",
        ),
        ("工信部", "工业和信息化部", "Ministry of Industry and Information Technology"),
        ("MIIT", "工业和信息化部", "Ministry of Industry and Information Technology"),
        ("发改委", "国家发展和改革委员会", "National Development and Reform Commission"),
        ("国家发展改革委", "国家发展和改革委员会", "National Development and Reform Commission"),
        ("ndrc", "国家发展和改革委员会", "National Development and Reform Commission"),
        (
            "国务院国资委",
            "国务院国有资产监督管理委员会",
            "State-owned Assets Supervision and Administration Commission of the State Council",
        ),
        ("市场监管总局", "国家市场监督管理总局", "State Administration for Market Regulation"),
        ("国家矿山安监局", "国家矿山安全监察局", "National Mine Safety Administration"),
        ("中华人民共和国商务部", "商务部", "Ministry of Commerce"),
        ("MOFCOM", "商务部", "Ministry of Commerce"),
        ("人民银行", "中国人民银行", "People's Bank of China"),
        ("银监会", "中国银行业监督管理委员会", "China Banking Regulatory Commission"),
        ("电监会", "国家电力监管委员会", "State Electricity Regulatory Commission"),
        ("国家经贸委", "国家经济贸易委员会", "State Economic and Trade Commission"),
        ("地矿部", "地质矿产部", "Ministry of Geology and Mineral Resources"),
        ("劳动保障部", "劳动和社会保障部", "Ministry of Labour and Social Security"),
        ("安全监管总局", "国家安全生产监督管理总局", "State Administration of Work Safety"),
        ("the State Council", "国务院", "State Council"),
        (
            "行政院環境保護署",
            "行政院环境保护署",
            "Environmental Protection Administration, Executive Yuan",
        ),
        ("經濟部", "经济部", "Ministry of Economic Affairs"),
    ],
)
def test_lookup(name: str, full: str, english: str) -> None:
    assert canonical_department(name) == full
    assert department_en(name) == english


def test_unknown_names() -> None:
    assert lookup_department("湖北省巴东县官渡口镇马鬃山村") is None
    assert canonical_department(" 湖 北 省 人 民 政 府 ") == "湖北省人民政府"
    assert department_en("某某委员会") == ""
    assert lookup_department("") is None


def test_split_departments_reconnect_seed(seeds: Path) -> None:
    """The Department line of the bundled ReConnect export: ten issuers, space-separated."""
    text = (seeds / "reconnect_gxbl_2025_62.txt").read_text("utf-8")
    line = text.splitlines()[text.splitlines().index("Department") + 1]
    assert split_departments(line) == [
        "工业和信息化部",
        "国家发展和改革委员会",
        "自然资源部",
        "生态环境部",
        "商务部",
        "应急管理部",
        "国务院国有资产监督管理委员会",
        "海关总署",
        "国家市场监督管理总局",
        "国家矿山安全监察局",
    ]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "国务院办公厅、中央军委办公厅",
            ["国务院办公厅", "中央军事委员会办公厅"],
        ),  # gov.cn 发文机关
        ("国务院、中央军委", ["国务院", "中央军事委员会"]),
        ("国务院办公厅", ["国务院办公厅"]),
        ("工业和信息化部国家发展改革委", ["工业和信息化部", "国家发展和改革委员会"]),
        ("财政部，税务总局\n财政部", ["财政部", "国家税务总局"]),
        ("国　务　院", ["国务院"]),
        ("山西省人民政府,能源部、劳动部", ["山西省人民政府", "能源部", "劳动部"]),
        ("", []),
    ],
)
def test_split_departments(text: str, names: list[str]) -> None:
    assert split_departments(text) == names


def test_split_aluminium_issuers(shared_corpus: Path) -> None:
    meta = json.loads(
        (shared_corpus / "aluminium" / "derived" / "gongxinbu_lianyuan_2011_177.json").read_text(
            "utf-8"
        )
    )
    lead = meta["news_lead"][0]
    named = lead[lead.index("，") + 1 : lead.index("等部门")]
    assert split_departments(named) == meta["issuers"]
    assert [department_en(n) for n in meta["issuers"]][-1] == "National Energy Administration"


def test_departments_in_signature() -> None:
    assert departments_in_signature(["国务院办公厅　中央军委办公厅           "]) == [
        "国务院办公厅",
        "中央军事委员会办公厅",
    ]
    assert departments_in_signature(["国务院　中央军委　　　      "]) == [
        "国务院",
        "中央军事委员会",
    ]
    assert departments_in_signature(["工业和信息化部", "国家发展改革委", "", "自然资源部"]) == [
        "工业和信息化部",
        "国家发展和改革委员会",
        "自然资源部",
    ]
    assert departments_in_signature(["山西省人民政府"]) == ["山西省人民政府"]
    assert departments_in_signature(["总理　　李克强"]) == []
    assert departments_in_signature(["湖北省巴东县官渡口镇马鬃山村", "地质险情调查专家组"]) == []


def test_departments_at_end() -> None:
    text = "现转发给你们，请认真贯彻执行。国土资源部国家发展改革委　工业和信息化部"
    assert departments_at_end(text) == (
        ["国土资源部", "国家发展和改革委员会", "工业和信息化部"],
        15,
    )
    assert departments_at_end("自公布之日起施行。总　理　 温家宝") == ([], 17)
    assert departments_at_end("请认真执行。中华人民共和国国务院") == (["国务院"], 6)
    assert departments_at_end("") == ([], 0)


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("国务院办公厅部委局、 \u3000\n中华人民共和国发改"))
        | st.characters(),
        max_size=60,
    )
)
def test_department_helpers_never_raise(text: str) -> None:
    split_departments(text)
    departments_in_signature(text.splitlines())
    _names, start = departments_at_end(text)
    assert 0 <= start <= len(text)
    lookup_department(text)
    canonical_department(text)
