"""Agencies by suffix grammar on pkuseg tokens: [place or level] stem suffix.

A suffix from ``kg/data/agency_types.tsv`` must end exactly where a pkuseg
token ends (so 局长, 办理, 委员 are not agencies), and the name extends left
over tokens that can be part of a name, stopping at verbs and function words
(``kg/data/agency_stopwords.txt``).  Generic plurals (各部门, 有关单位) are
rejected; names are completed with the report's jurisdiction.
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
GENERIC_TYPES = ("other", "leading_group", "general_office", "sub_bureau", "enforcement_team", "people_government")


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
        alternation = "|".join(re.escape(a.suffix) for a in self.types)
        self.pattern = re.compile(f"(?:{alternation})")
        self.by_suffix = {a.suffix: a for a in self.types}

    def recognise(self, text: str, token_starts: list[int], token_ends: set[int], where: Jurisdiction,
                  skip: list[tuple[int, int]] = ()) -> list[AgencyMention]:
        found: list[AgencyMention] = []
        for end in sorted(token_ends):
            agency_type = self._suffix_ending_at(text, end)
            if agency_type is None:
                continue
            suffix_start = end - len(agency_type.suffix)
            start = self._extend_left(text, token_starts, suffix_start)
            start = self._trim(text, start, suffix_start)
            if start is None:
                continue
            surface = text[start:end]
            if not self._acceptable(surface, agency_type) or self._common_word(text, token_starts, end, agency_type):
                continue
            if found and found[-1].end > start:  # overlapping: keep the longer
                if found[-1].end - found[-1].start >= end - start:
                    continue
                found.pop()
            name = complete_agency(surface[1:] if surface.startswith("原") else surface, where, self.gaz)
            found.append(AgencyMention(start, end, surface, name, agency_type.type))
        return found

    def _suffix_ending_at(self, text: str, end: int) -> AgencyType | None:
        for agency_type in self.types:
            n = len(agency_type.suffix)
            if text[end - n:end] == agency_type.suffix:
                return agency_type
        return None

    def _extend_left(self, text: str, token_starts: list[int], suffix_start: int) -> int:
        """Leftmost token start such that every token in between can be part of a name."""
        index = bisect.bisect_right(token_starts, suffix_start) - 1
        start = token_starts[index] if index >= 0 else suffix_start
        while index > 0:
            prev_start = token_starts[index - 1]
            token = text[prev_start:token_starts[index]]
            if not CJK.match(token) or token in self.stopwords or suffix_start - prev_start > MAX_NAME:
                break
            start = prev_start
            index -= 1
        return start

    def _trim(self, text: str, start: int, suffix_start: int) -> int | None:
        """Drop leading characters that are stopwords glued into a token (的, 在)."""
        while start < suffix_start and text[start] in self.stopwords:
            start += 1
        return start

    def _acceptable(self, surface: str, agency_type: AgencyType) -> bool:
        if not CJK.match(surface) or GENERIC_START.match(surface):
            return False
        stem = surface[: len(surface) - len(agency_type.suffix)]
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
