"""Ingest: decoding, chrome separation, reporting government, year and date."""
from __future__ import annotations

import pytest

from kg.ingest import IngestError, read_report, report_from_text
from kg.ingest.page import split_page
from kg.ingest.reader import decode
from kg.ingest.reporter import find_dates

BODY = ("2022年,我县坚持以习近平法治思想为指导,深入推进依法行政,全面落实《法治政府建设实施纲要(2021—2025年)》,"
        "县司法局牵头开展行政执法监督,各项工作取得新成效。现将有关情况报告如下:\n一、主要工作\n"
        "全面推行行政执法三项制度,严格规范公正文明执法。")


def page(title: str, body: str = BODY, meta: str = "发布时间:2023-01-20 09:30 来源:县司法局 浏览次数:321",
         sign: str = "") -> str:
    return "\n".join(["首页 > 政务公开 > 法治政府建设", title, meta, "", body, sign,
                      "版权所有:某某县人民政府 湘ICP备05000000号", "网站地图 | 联系我们 | 扫一扫"])


def test_decodes_gbk_utf8_bom_and_utf16():
    text = page("桃源县2022年法治政府建设情况报告")
    for data, encoding in ((text.encode("gb18030"), "gb18030"), (b"\xef\xbb\xbf" + text.encode(), "utf-8-sig"),
                           (text.encode("utf-16"), "utf-16")):
        decoded = decode(data)
        assert decoded.encoding == encoding
        assert "桃源县" in decoded.text


@pytest.mark.parametrize("data,reason", [
    (b"", "empty"), (b"   \n\t ", "empty"), (b"%PDF-1.7 binary", "PDF"), (b"PK\x03\x04zip", "ZIP"),
    (b"\x89PNG\r\n", "PNG"), (b"\xff\xfe\x00\xd8", "undecodable"),
])
def test_rejects_what_is_not_text(data, reason):
    with pytest.raises(IngestError, match=reason):
        decode(data)


def test_truncated_utf8_keeps_the_whole_characters():
    data = page("桃源县2022年法治政府建设情况报告").encode()
    decoded = decode(data + "报".encode()[:2])
    assert decoded.warnings and "truncated" in decoded.warnings[0]


def test_html_drops_script_style_and_keeps_blocks():
    html = ("<html><head><title>桃源县2022年法治政府建设情况报告_桃源县人民政府网</title>"
            "<style>p{color:red}</style><script>var a='《假文件》';</script></head><body>"
            "<div class='crumb'>首页 &gt; 政务公开</div><h1>桃源县2022年法治政府建设情况报告</h1>"
            f"<p>发布时间:2023-01-20</p><p>{BODY.replace(chr(10), '</p><p>')}</p></body></html>")
    report = report_from_text(html, "t.html", html=True)
    assert "假文件" not in report.body and "color" not in report.body
    assert report.page.title == "桃源县2022年法治政府建设情况报告"
    assert report.published == "2023-01-20"


def test_chrome_is_separated_from_body():
    parts = split_page(page("桃源县2022年法治政府建设情况报告"))
    assert parts.title == "桃源县2022年法治政府建设情况报告"
    assert "ICP" not in parts.body and "浏览次数" not in parts.body and "首页 >" not in parts.body
    assert "县司法局牵头" in parts.body


def test_a_paragraph_mentioning_wechat_is_still_body():
    body = BODY + "\n依托政务微信公众号和门户网站发布政策解读32篇,回应社会关切,提升政务公开质效,群众满意度稳步提高。"
    assert "政务微信" in split_page(page("桃源县2022年法治政府建设情况报告", body)).body


@pytest.mark.parametrize("title,name,level,city,province", [
    ("河南省人民政府关于2020年度法治政府建设情况的报告", "河南省", "province", "", "河南省"),
    ("绍兴市2021年法治政府建设年度报告", "绍兴市", "city", "绍兴市", "浙江省"),
    ("桃源县2022年法治政府建设情况报告", "常德市桃源县", "county", "常德市", "湖南省"),
    ("芜湖经开区管委会关于2023年度法治政府建设情况的报告", "芜湖经济技术开发区", "development_zone",
     "芜湖市", "安徽省"),
    ("佛山市生态环境局2020年法治政府建设年度报告", "佛山市生态环境局", "department", "佛山市", "广东省"),
    ("天津市静海区2019年法治政府建设情况报告", "天津市静海区", "county", "天津市", "天津市"),
    ("四川省司法厅2021年法治政府建设情况报告", "四川省司法厅", "department", "", "四川省"),
    ("生态环境部2020年法治政府建设年度报告", "生态环境部", "department", "", ""),
    ("西咸新区管委会2019年法治政府建设情况报告", "西咸新区", "development_zone", "", ""),
    ("苏州工业园区2020年法治政府建设工作情况报告", "苏州工业园区", "development_zone", "苏州市", "江苏省"),
])
def test_reporting_government_at_every_level(title, name, level, city, province):
    report = report_from_text(page(title))
    assert report.district is not None
    assert (report.district.name, report.district.level) == (name, level)
    assert report.district.city == city and report.district.province == province


def test_government_from_signature_when_there_is_no_title():
    report = report_from_text(page("", sign="重庆市北碚区人民政府\n2023年1月27日", meta=""))
    assert report.district.name == "重庆市北碚区"
    assert report.year == 2022  # from the opening sentence
    assert report.published == "2023-01-27"


def test_division_names_follow_their_history():
    # 即墨 was a county-level city until 2016 and a district of 青岛 from 2017.
    old = report_from_text(page("即墨市2016年度法治政府建设情况报告", meta="发布时间:2017-02-10"))
    new = report_from_text(page("即墨区2018年度法治政府建设情况报告", meta="发布时间:2019-02-10"))
    assert old.district.name == "即墨市" and new.district.name == "青岛市即墨区"


def test_year_covered_and_publication_date():
    report = report_from_text(page("关于2016年度法治政府建设情况的报告", meta="发布日期:2017/3/5 10:00:01"))
    assert report.year == 2016 and report.published == "2017-03-05"


@pytest.mark.parametrize("text,iso", [
    ("2018-1-2", "2018-01-02"), ("2018/01/11 17:13", "2018-01-11"), ("2020年2月29日", "2020-02-29"),
    ("2019.12.31", "2019-12-31"), ("二〇一八年一月三十日", "2018-01-30"), ("二〇二一年十二月三日", "2021-12-03"),
])
def test_date_forms(text, iso):
    assert find_dates(text)[0][1] == iso


def test_english_page_is_rejected(tmp_path):
    path = tmp_path / "english.txt"
    path.write_text("Annual report on the rule of law government.\n" * 20)
    with pytest.raises(IngestError, match="not a Chinese report"):
        read_report(path)
