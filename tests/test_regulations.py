"""Regulation recogniser on sentences written for these tests (no seed text)."""
from __future__ import annotations

import pytest

from kg.nlp.names import Jurisdiction
from kg.nlp.regulations import RegulationRecogniser

CHANGDE_COUNTY = Jurisdiction("湖南省", "常德市", "桃源县", "常德市桃源县", "county")
SHANDONG_CITY = Jurisdiction("山东省", "烟台市", "烟台市", "烟台市", "city")


@pytest.fixture(scope="module")
def rec(gazetteer):
    return RegulationRecogniser(gazetteer)


def titles(rec, text, where=CHANGDE_COUNTY):
    return {c.title: c for c in rec.recognise(text, where)}


def test_title_marks_and_kinds(rec):
    found = titles(rec, "全面贯彻《中华人民共和国行政处罚法》《优化营商环境条例》和《湖南省行政程序规定》,"
                        "制定《桃源县行政规范性文件管理办法》。")
    assert found["中华人民共和国行政处罚法"].kind == "law"
    assert found["优化营商环境条例"].kind == "administrative_regulation"
    assert found["湖南省行政程序规定"].kind == "rule"
    assert found["桃源县行政规范性文件管理办法"].kind == "normative_document"


def test_national_versus_local_regulation(rec):
    found = titles(rec, "宣传《山东省行政执法监督条例》和《重大行政决策程序暂行条例》。", SHANDONG_CITY)
    assert found["山东省行政执法监督条例"].kind == "local_regulation"
    assert found["山东省行政执法监督条例"].jurisdiction == "山东省"
    assert found["重大行政决策程序暂行条例"].kind == "administrative_regulation"
    assert found["重大行政决策程序暂行条例"].jurisdiction == "national"


def test_notice_gives_two_documents_marked_or_not(rec):
    found = titles(rec, "印发《关于印发〈桃源县法治政府建设实施方案〉的通知》和"
                        "《桃源县人民政府关于印发桃源县行政执法公示办法的通知》。")
    assert "关于印发〈桃源县法治政府建设实施方案〉的通知" in found
    assert "桃源县法治政府建设实施方案" in found
    assert "桃源县行政执法公示办法" in found
    assert "桃源县人民政府关于印发桃源县行政执法公示办法的通知" in found


def test_back_references_resolve_and_are_never_entries(rec):
    text = ("深入落实《法治政府建设实施纲要(2021-2025年)》(以下简称《纲要》),出台《桃源县重大行政决策程序规定》。"
            "对照《纲要》要求逐项落实,严格执行《规定》。")
    citations = rec.recognise(text, CHANGDE_COUNTY)
    assert {c.title for c in citations} == {"法治政府建设实施纲要(2021-2025年)", "桃源县重大行政决策程序规定"}
    assert len([c for c in citations if c.surface == "《纲要》"]) == 1  # the later one, not the definition
    assert "纲要" in next(c for c in citations if c.title.startswith("法治政府")).aliases


def test_non_documents_in_title_marks_are_rejected(rec):
    text = ("在《法治桃源》栏目播出《局长访谈》,组织《湖南省党内法规知识专题考试》,"
            "下发《行政处罚决定书》,订阅《法治日报》。")
    assert titles(rec, text) == {}


def test_unmarked_laws_from_the_gazetteer(rec):
    found = titles(rec, "组织学习行政复议法和中华人民共和国行政许可法,开展民法典进社区活动,举办国家宪法日宣传。")
    assert set(found) == {"中华人民共和国行政复议法", "中华人民共和国行政许可法", "中华人民共和国民法典"}
    assert all(c.kind == "law" for c in found.values())


def test_issuer_and_jurisdiction_from_the_words_before(rec):
    found = titles(rec, "认真贯彻中共中央、国务院印发的《法治政府建设实施纲要(2021—2025年)》和"
                        "省委、省政府《关于加强法治政府建设的意见》,落实市委、市政府《关于加强法治政府建设的意见》。",
                   SHANDONG_CITY)
    outline = found["法治政府建设实施纲要(2021—2025年)"]
    assert outline.issuer == "中共中央、国务院" and outline.kind == "plan"
    opinions = [c for c in rec.recognise("省委、省政府《关于加强法治政府建设的意见》", SHANDONG_CITY)]
    assert opinions[0].issuer == "中共山东省委员会、山东省人民政府"
    assert opinions[0].kind == "party_document" and opinions[0].jurisdiction == "山东省"


def test_issuer_decides_rule_or_normative_document(rec):
    found = titles(rec, "执行生态环境部《环境行政处罚办法》,落实县政府《桃源县行政执法公示办法》,"
                        "按照市政府法制办《关于做好规范性文件清理工作的通知》要求。")
    assert found["环境行政处罚办法"].kind == "rule" and found["环境行政处罚办法"].jurisdiction == "national"
    assert found["桃源县行政执法公示办法"].kind == "normative_document"
    notice = found["关于做好规范性文件清理工作的通知"]
    assert notice.issuer == "常德市法制办公室" and notice.jurisdiction == "常德市"


def test_ministry_rule_and_department_document(rec):
    found = titles(rec, "执行《河北省重大行政决策程序暂行办法》和《佛山市生态环境局行政执法全过程记录实施细则》。")
    assert found["河北省重大行政决策程序暂行办法"].kind == "rule"
    assert found["佛山市生态环境局行政执法全过程记录实施细则"].kind == "normative_document"


def test_unclosed_title_mark_is_recovered(rec):
    found = titles(rec, "根据《法治政府建设实施纲要(2015—2020年)中“每年第一季度报告”的要求,现报告如下。")
    assert "法治政府建设实施纲要(2015—2020年)" in found


def test_spelling_variants_in_one_report_are_one_document(rec):
    text = ("制定《烟台规范行政处罚自由裁量办法》。开展《烟台市规范行政处罚自由裁量权办法》落实检查。"
            "学习《法治政府建设实施纲要(2015-2020年)》。再次学习《法治政府建设实施纲要》。")
    citations = rec.recognise(text, SHANDONG_CITY)
    assert len({c.title for c in citations}) == 2
