"""Separate a scraped page's chrome (crumbs, metadata, counters, footers) from the report body."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

CRUMB = re.compile(r"(你的位置|您的位置|当前位置|您现在的位置|所在位置)|首页\s*(>|＞|»|›|/|>>)|(>|＞|»|›)\s*正文")
META_KEYS = ("发布时间", "发布日期", "发文日期", "成文日期", "印发日期", "生成日期", "信息来源", "来源",
             "发布机构", "发文机关", "发布单位", "索引号", "文号", "主题分类", "内容概述", "点击", "浏览",
             "阅读", "访问", "阅览量", "字号", "字体", "编辑", "责任编辑", "审核", "作者", "分享", "打印",
             "关闭", "收藏", "时间", "日期", "所属机构", "公开方式", "有效性")
META_LINE = re.compile(r"^[•·\s【\[]*(" + "|".join(META_KEYS) + r")\s*[:：]")
INLINE_META = re.compile(r"(发布时间|发布日期|点击|浏览次数|阅读次数|访问量|阅览量|字号)\s*[:：]")
FOOTER = re.compile(
    r"版权所有|ICP|备\s*\d{5,}\s*号|网站地图|设为首页|加入收藏|技术支持|主办\s*[:：]|承办\s*[:：]|协办\s*[:：]|"
    r"地址\s*[:：]|邮编\s*[:：]|联系电话|联系我们|访客|RSS|扫一扫|微博|微信|Copyright|©|网站标识码|公网安备|"
    r"请输入|检索词|无障碍|关闭窗口|打印本页|返回顶部|网络实名|政府网站找错|分享到")
DATE_ONLY = re.compile(r"^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(\s+\d{1,2}:\d{2}(:\d{2})?)?$")
SENTENCE_PUNCT = re.compile(r"[。，,；;！？]")
TITLE_HINT = re.compile(r"法治|依法行政|报告|汇报|情况")
NAV_SEGMENT = re.compile(r"\S+")


@dataclass
class Page:
    """A page split into its parts; ``body`` is what the NLP stage reads."""

    title: str
    body: str
    meta_lines: list[str] = field(default_factory=list)
    chrome_lines: list[str] = field(default_factory=list)
    html_title: str = ""
    html_meta: dict[str, str] = field(default_factory=dict)


def is_chrome(line: str) -> bool:
    """Navigation, metadata or footer rather than report text."""
    if len(line) > 25 and "。" in line:
        return False  # prose: a paragraph may well mention 微信 or 地址 without being a footer
    if CRUMB.search(line) or META_LINE.match(line) or FOOTER.search(line):
        return True
    if len(INLINE_META.findall(line)) >= 1 and not SENTENCE_PUNCT.search(line):
        return True
    if line.isascii() and not any(ch.isdigit() for ch in line):
        return True  # stray ASCII ("gongkai", "English", "|")
    segments = NAV_SEGMENT.findall(line)
    # A menu: several short space-separated items and no sentence punctuation.
    return len(segments) >= 4 and max(len(s) for s in segments) <= 8 and not SENTENCE_PUNCT.search(line)


def is_meta(line: str) -> bool:
    return bool(META_LINE.match(line) or INLINE_META.search(line) or
                (DATE_ONLY.match(line.strip()) is not None))


def split_page(text: str, html_title: str = "", html_meta: dict[str, str] | None = None) -> Page:
    """Split decoded page text into title, body, metadata lines and other chrome."""
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    body_lines: list[str] = []
    meta: list[str] = []
    chrome: list[str] = []
    title = ""
    first_paragraph = next((i for i, line in enumerate(lines) if len(line) > 60 and SENTENCE_PUNCT.search(line)),
                           len(lines))
    for index, line in enumerate(lines):
        if is_meta(line) and (index < first_paragraph or not SENTENCE_PUNCT.search(line)):
            meta.append(line)
            if not DATE_ONLY.match(line):
                chrome.append(line)
            continue
        if is_chrome(line):
            chrome.append(line)
            continue
        if not title and index < first_paragraph and _looks_like_title(line):
            title = line
        body_lines.append(line)
    if not title and html_title and _looks_like_title(html_title):
        title = re.split(r"[_|－—-]{1,2}(?=[^_|]*(网|政府|门户)\s*$)", html_title)[0].strip()
    return Page(title=title, body="\n".join(body_lines), meta_lines=meta, chrome_lines=chrome,
                html_title=html_title, html_meta=dict(html_meta or {}))


def _looks_like_title(line: str) -> bool:
    if not 6 <= len(line) <= 80 or "。" in line or line.endswith(("：", ":")):
        return False
    return bool(TITLE_HINT.search(line))
