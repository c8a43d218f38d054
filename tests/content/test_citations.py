"""Citations of the Party's documents: one form on every page, the short name for filtering."""

from __future__ import annotations

import pytest

from learnapp.citations import canonical, split_source


@pytest.mark.parametrize("written, short, cited", [
    ("《中国共产党章程》第一章第七条", "党章", "《中国共产党章程》第一章第七条"),
    ("党章第七条", "党章", "《中国共产党章程》第七条"),
    ("党章 第一章 第七条", "党章", "《中国共产党章程》第一章第七条"),
    ("细则第三章", "发展党员工作细则", "《中国共产党发展党员工作细则》第三章"),
    ("发展党员工作细则", "发展党员工作细则", "《中国共产党发展党员工作细则》"),
    ("党章", "党章", "《中国共产党章程》"),
    ("《中国共产党章程》总纲", "党章", "《中国共产党章程》总纲"),
    ("党章第十条（三）", "党章", "《中国共产党章程》第十条（三）"),
    ("《中国共产党章程》第一章第八条、第九条；细则第三章", "党章",
     "《中国共产党章程》第一章第八条、第九条；《中国共产党发展党员工作细则》第三章"),
    ("《中共中央关于加强党的政治建设的意见》", "中共中央关于加强党的政治建设的意见", "《中共中央关于加强党的政治建设的意见》"),
    ("党的二十大报告", "报告", "《高举中国特色社会主义伟大旗帜　为全面建设社会主义现代化国家而团结奋斗》"),
])
def test_a_citation_is_written_out_in_full(written, short, cited):
    assert split_source(written) == (short, cited)
    assert canonical(written) == cited
    assert split_source(cited) == (short, cited)  # the full form reads back as itself


@pytest.mark.parametrize("written", ["某单位内部材料", "党章的精神", "《党章》第一百条之后的说明", "网上看到的"])
def test_text_that_cites_no_document_keeps_its_text_and_has_no_citation(written):
    found = split_source(written)
    assert found.citation == ""
    assert found.short_name == written[:80]


def test_nothing_given_is_nothing():
    assert split_source(None) == ("", "")
    assert split_source("   ") == ("", "")
