"""Agencies (suffix grammar + completion) and programs (lexicon + quoted-term classifier) on the real pipeline."""
from __future__ import annotations

from kg.nlp import annotate
from kg.nlp.programs import is_program_term


def agencies(nlp, text, district):
    doc = annotate(text, district, nlp)
    return {m.surface: m.name for m in doc._.govkg["AGENCY"]}


def programs(nlp, text, district=None):
    doc = annotate(text, district, nlp)
    return {m.surface: m.name for m in doc._.govkg["PROGRAM"]}


def test_agencies_are_completed_with_the_jurisdiction(nlp, make_district):
    county = make_district("常德市桃源县", "桃源县", "常德市", "湖南省", "county")
    found = agencies(nlp, "县司法局会同县市场监管局开展执法检查,市委、市政府高度重视,省政府督查组来县指导。", county)
    assert found["县司法局"] == "桃源县司法局"
    assert found["县市场监管局"] == "桃源县市场监督管理局"
    assert found["市委"] == "中共常德市委员会"
    assert found["省政府"] == "湖南省人民政府"


def test_zone_reports_complete_with_the_city_and_zone(nlp, make_district):
    zone = make_district("芜湖经济技术开发区", "芜湖经开区", "芜湖市", "安徽省", "development_zone")
    found = agencies(nlp, "经开区党工委、管委会研究部署,市法制办具体指导。", zone)
    assert found["市法制办"] == "芜湖市法制办公室"
    assert found["管委会"] == "芜湖经济技术开发区管理委员会"


def test_generic_plurals_and_roles_are_not_agencies(nlp, make_district):
    county = make_district("常德市桃源县", "桃源县", "常德市", "湖南省", "county")
    found = agencies(nlp, "各部门、相关单位和各级人民政府要落实责任,局长带头办理案件,形成工作新格局。", county)
    assert found == {}


def test_lexicon_programs_with_quotes_and_heads(nlp):
    found = programs(nlp, "深化“放管服”改革,推行“双随机、一公开”监管,实现“一网通办”,坚持和发展新时代“枫桥经验”。")
    names = set(found.values())
    assert {"放管服改革", "一网通办", "枫桥经验"} <= names
    assert any("双随机" in n for n in names)


def test_quoted_slogans_are_not_programs():
    assert not is_program_term("统一、整合、全面、细致、规范", "")
    assert not is_program_term("一个定位、三个着力", "")
    assert not is_program_term("十个新突破", "")
    assert is_program_term("拿地即开工", "")
    assert is_program_term("逢五议事", "工作法")
