"""Agencies by suffix grammar on pkuseg tokens: [place or level] stem suffix.

A suffix from ``kg/data/agency_types.tsv`` must end exactly where a pkuseg
token ends (so 局长, 办理, 委员 are not agencies).  The name extends left over
tokens that can be part of a name, stopping at verbs and function words
(``kg/data/agency_stopwords.txt``), and must begin at a jurisdiction anchor:
a place name, a level word (区/市/县…), a zone word, 中共 or a national body.
So 区市场监管稽查大队 is an agency while 建设法治政府 and 履行政府职能 are not.  Only
a specific type (公安局, 信访局) may stand without an anchor.  Generic plurals
(各部门, 有关单位) are rejected; names are completed with the report's
jurisdiction.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..gazetteer import AgencyType, Gazetteer
from ..refdata import DATA_DIR
from .names import LEVEL_PREFIXES, Jurisdiction, complete_agency

CJK = re.compile(r"^[\u4e00-\u9fff]+$")
GENERIC_START = re.compile(r"^(各|有关|相关|其他|其它|所属|下属|基层|上级|下级|同级|本级|全市|全区|全县|全省|"
                           r"全旗|多个|多家|若干|部分|涉及|成员|主管|业务|职能)")
SELF_STANDING = {"国务院", "中共中央", "党中央", "党工委", "管委会", "人大常委会", "政协", "法制办", "纪委监委",
                 "工委", "管委"}
MAX_NAME = 24
ROLE_AFTER = ("委员", "代表")
JOINERS = ("和", "与")
BODY_ENDINGS = ("局", "委", "办", "院", "会", "厅", "部", "中心", "队", "所", "组", "室", "政府")
PLURAL_INSIDE = re.compile(r"各|[两三四五多]级|首家")
SEPARATE_BODIES = ("党工委", "管委会", "党委")  # 党工委管委会: two bodies, not one name
ZONE_WORDS = ("高新区", "高新技术", "开发区", "经开区", "经济技术开发区", "新区", "园区", "综保区")
NATIONAL_ANCHORS = ("中共", "中央", "国家", "国务院", "全国", "最高", "党中央")
NOT_LEVEL_WORDS = ("市场", "市民", "市容", "区域", "县域", "市级", "区级", "县级", "省级", "省内", "市内", "区内",
                   "县内", "乡村", "镇村", "州府")
GENERIC_TYPES = ("other", "leading_group", "general_office", "sub_bureau", "enforcement_team", "people_government",
                 "subdistrict_office")
# Bodies that exist in every township or are named generically (人民法院 依法受理): a place must name them.
NEEDS_ANCHOR = ("派出所", "司法所", "财政所", "税务所", "市场监管所", "中心",
                "人民法院", "法院", "人民检察院", "检察院")
# A Party organ inside an agency (司法局党委书记): the mention is of the agency.
INNER_PARTY = ("党委", "党组", "党支部", "党总支")


@dataclass
class AgencyMention:
    start: int
    end: int
    surface: str
    name: str  # completed full name
    type: str


def load_stopwords() -> set[str]:
    words = set()
    with open(DATA_DIR / "agency_stopwords.txt", encoding="utf-8") as fh:
        for line in fh:
            line = line.split("#", 1)[0].strip()
            if line:
                words.update(line.split())
    return words


class AgencyRecogniser:
    """The logic behind the ``govkg_agencies`` component."""

    def __init__(self, gazetteer: Gazetteer, min_generic_stem: int = 2):
        self.gaz = gazetteer
        self.stopwords = load_stopwords()
        self.types = sorted(gazetteer.agency_types, key=lambda a: -len(a.suffix))
        self.min_generic_stem = min_generic_stem
        self.by_last_char: dict[str, list[AgencyType]] = {}
        for agency_type in self.types:  # longest first within each list
            self.by_last_char.setdefault(agency_type.suffix[-1], []).append(agency_type)

    def recognise(self, text: str, token_starts: list[int], token_ends: set[int], where: Jurisdiction,
                  skip: list[tuple[int, int]] = ()) -> list[AgencyMention]:
        found: list[AgencyMention] = []
        for end in sorted(token_ends):
            agency_type = self._suffix_ending_at(text, end)
            if agency_type is None:
                continue
            if any(s <= end - 1 < e for s, e in skip):
                continue
            suffix_start = end - len(agency_type.suffix)
            start = self._name_start(text, token_starts, suffix_start, agency_type, where)
            if start is None:
                continue
            surface = text[start:end]
            if text.startswith(ROLE_AFTER, end):
                continue  # 政协委员, 人大代表: people, not the body
            if not self._acceptable(surface, agency_type, where) or \
                    self._common_word(text, token_starts, end, agency_type):
                continue
            if agency_type.suffix in INNER_PARTY and len(surface) > len(agency_type.suffix) + 2:
                inner = self._suffix_ending_at(text, suffix_start)
                if inner is not None and inner.suffix not in INNER_PARTY:
                    end, surface, agency_type = suffix_start, text[start:suffix_start], inner
            if found and found[-1].end > start:  # overlapping: keep the longer
                if found[-1].end - found[-1].start >= end - start:
                    continue
                found.pop()
            name = complete_agency(surface[1:] if surface.startswith("原") else surface, where, self.gaz)
            if not name:
                continue  # names no single body (市政府 in a province's report)
            found.append(AgencyMention(start, end, surface, name, agency_type.type))
        return found

    def _suffix_ending_at(self, text: str, end: int) -> AgencyType | None:
        for agency_type in self.by_last_char.get(text[end - 1], ()) if end > 0 else ():
            n = len(agency_type.suffix)
            if text[end - n:end] == agency_type.suffix:
                return agency_type
        return None

    def _candidate_starts(self, text: str, token_starts: list[int], suffix_start: int) -> list[int]:
        """Token starts from the suffix leftwards while every token can be part of a name (nearest first)."""
        index = bisect.bisect_right(token_starts, suffix_start) - 1
        token_start = token_starts[index] if index >= 0 else suffix_start
        # Level words inside the token that holds the suffix's start (和县人大|常委会) may begin the name.
        starts = [p for p in range(suffix_start - 1, token_start, -1) if text[p] in LEVEL_PREFIXES]
        starts.append(token_start)
        while index > 0:
            prev_start = token_starts[index - 1]
            token = text[prev_start:token_starts[index]]
            glued_level = CJK.match(token) and len(token) > 1 and token[-1] in LEVEL_PREFIXES
            if glued_level:
                starts.append(token_starts[index] - 1)  # a level word glued to a verb (整合区|市场…) begins a name
            if token in JOINERS and self._joins_one_name(text, token_starts, index - 1):
                starts.append(prev_start)
                index -= 1  # 绿化和市容管理局: 和 inside one name
                continue
            if not CJK.match(token) or token in self.stopwords or suffix_start - prev_start > MAX_NAME or \
                    token.endswith(SEPARATE_BODIES):
                break
            starts.append(prev_start)
            index -= 1
        return starts

    def _joins_one_name(self, text: str, token_starts: list[int], index: int) -> bool:
        """Is the 和 at token ``index`` inside a name (城市管理和综合执法局), not between two bodies?"""
        if index < 1 or index + 1 >= len(token_starts):
            return False
        before = text[token_starts[index - 1]:token_starts[index]]
        after = text[token_starts[index + 1]:token_starts[index + 2] if index + 2 < len(token_starts) else None]
        if not CJK.match(before) or before in self.stopwords or before.endswith(BODY_ENDINGS):
            return False
        return not (after[:1] in LEVEL_PREFIXES and not after.startswith(NOT_LEVEL_WORDS)) and \
            not self._place_at(text, token_starts[index + 1], Jurisdiction())

    def _name_start(self, text: str, token_starts: list[int], suffix_start: int, agency_type: AgencyType,
                    where: Jurisdiction) -> int | None:
        """Where the name begins: the nearest anchor, widened over places before it (淄博|高新区|…)."""
        starts = self._candidate_starts(text, token_starts, suffix_start)
        if suffix_start not in starts and self._anchor_at(text, suffix_start, where):
            starts.insert(0, suffix_start)  # the suffix itself begins with a level word: 市委, 区政府
        for i, pos in enumerate(starts):
            if self._anchor_at(text, pos, where):
                while i + 1 < len(starts) and self._place_at(text, starts[i + 1], where):
                    i += 1
                return starts[i]
        if agency_type.full_form and len(agency_type.suffix) >= 3:
            return suffix_start  # an abbreviation that names one body: 政府办, 安委办
        if agency_type.type in GENERIC_TYPES or len(agency_type.suffix) == 1 or agency_type.suffix in NEEDS_ANCHOR:
            return None
        return suffix_start  # a specific body named by its type alone: 公安局, 信访局, 人民法院

    def _place_expression(self, stem: str, where: Jurisdiction) -> bool:
        """Only place names and level words: 市, 青岛市即墨区, 淄博高新区, 县人民 (of 县人民政府)."""
        stem = stem.removesuffix("人民").removeprefix("原")
        if not stem or stem in LEVEL_PREFIXES or stem in (where.local, where.local_full, where.city, where.province):
            return True
        pos = 0
        while pos < len(stem):
            for length in range(min(8, len(stem) - pos), 0, -1):
                piece = stem[pos:pos + length]
                if piece in LEVEL_PREFIXES or piece in ZONE_WORDS or self.gaz.lookup(piece) or \
                        (length >= 2 and self.gaz.city_by_short(piece)):
                    pos += length
                    break
            else:
                return False
        return True

    def _anchor_at(self, text: str, pos: int, where: Jurisdiction) -> bool:
        if pos > 0 and text[pos - 1] == "治":
            return False  # the 省 of 依法治省委员会 is part of the name, not where it begins
        if self._place_at(text, pos, where) or text.startswith(NATIONAL_ANCHORS + ("自治区", "自治州", "自治县"), pos):
            return True
        return text[pos] in LEVEL_PREFIXES and not text.startswith(NOT_LEVEL_WORDS, pos)

    def _place_at(self, text: str, pos: int, where: Jurisdiction) -> bool:
        """A place name (division, city short name, the report's own names, a zone word) starts at ``pos``."""
        if text.startswith(ZONE_WORDS, pos):
            return True
        if any(name and text.startswith(name, pos) for name in (where.local, where.local_full, where.city)):
            return True
        for length in range(2, 8):
            piece = text[pos:pos + length]
            if len(piece) < length:
                break
            if length == 2 and piece[0] in self.stopwords:
                continue  # 和县, 在县: a function word before a level word, not the county 和县
            if self.gaz.lookup(piece) or (length <= 4 and self.gaz.city_by_short(piece)):
                return True
        return False

    def _acceptable(self, surface: str, agency_type: AgencyType, where: Jurisdiction) -> bool:
        if not CJK.match(surface) or GENERIC_START.match(surface) or PLURAL_INSIDE.search(surface):
            return False
        stem = surface[: len(surface) - len(agency_type.suffix)]
        if agency_type.type == "people_government" and stem and not self._place_expression(stem, where):
            return False  # 法治政府, 履行政府: a government is named by its place
        generic = len(agency_type.suffix) == 1 or agency_type.type in GENERIC_TYPES
        if not stem:
            # 市委, 省政府, 公安局, 法制办 name a body by themselves; 委员会, 办公室, 人民政府 do not.
            return (surface in SELF_STANDING or surface[0] in LEVEL_PREFIXES or
                    (len(surface) >= 3 and (not generic or bool(agency_type.full_form))))
        if generic:
            return len(stem.lstrip("原")) >= self.min_generic_stem or stem in LEVEL_PREFIXES
        return True

    @staticmethod
    def _common_word(text: str, token_starts: list[int], end: int, agency_type: AgencyType) -> bool:
        """A one-character suffix inside a two-character word: 格局, 全部, 医院, 举办."""
        if len(agency_type.suffix) != 1:
            return False
        index = bisect.bisect_right(token_starts, end - 1) - 1
        token_start = token_starts[index] if index >= 0 else end - 1
        return end - token_start == 2
