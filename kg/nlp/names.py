"""Completing short agency names with the jurisdiction the report implies.

区司法局 in 即墨区's report is 即墨区司法局; 市法制办 in an 淄博 zone's report is
淄博市法制办公室; 省委 in a 山东 report is 中共山东省委员会.  The rules are the
naming conventions of Chinese bodies; the place names come from the report's
recognised district, so nothing here is specific to one report.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..gazetteer import Gazetteer

# Level words that stand for "this report's province/city/district" at the start of a name.
LEVEL_PREFIXES = ("省", "市", "区", "县", "旗", "州", "盟")
NATIONAL_STARTS = ("中共中央", "党中央", "国务院", "全国人大", "全国人民代表大会", "最高人民法院", "最高人民检察院",
                   "国家", "中央", "中华人民共和国")
PARTY_COMMITTEE = re.compile(r"^(?P<place>.*?)(?P<level>省|市|区|县|旗|州|盟)委$")
PARTY_COMMITTEE_FULL = re.compile(r"^(?P<place>[^、]{2,12}?)(?P<level>省|市|区|县|旗|州|盟)委员会$")


@dataclass(frozen=True)
class Jurisdiction:
    """The places a report's short names can refer to (from its recognised district)."""

    province: str = ""
    city: str = ""
    local: str = ""  # the district's short name (即墨区, 淄博高新区)
    local_full: str = ""  # its full name (青岛市即墨区, 淄博高新技术产业开发区)
    level: str = ""
    year: int | None = None  # the year the report covers: picks the edition of a year-less title

    @classmethod
    def of(cls, district, year: int | None = None) -> Jurisdiction:
        if district is None:
            return cls(year=year)
        return cls(district.province, district.city, district.short, district.name, district.level, year)

    def for_level(self, level_char: str) -> str:
        if level_char == "省":
            return self.province
        if level_char in ("市", "州", "盟"):
            return self.city or (self.local if self.level == "city" else "")
        return self.local


def expand_suffix(name: str, gaz: Gazetteer) -> str:
    """Write an abbreviated suffix out (法制办 -> 法制办公室, 人大常委会 -> 人民代表大会常务委员会)."""
    for agency_type in gaz_agency_suffixes(gaz):
        if agency_type.full_form and name.endswith(agency_type.suffix):
            return name[: len(name) - len(agency_type.suffix)] + agency_type.full_form
    return name


_SUFFIX_CACHE: dict[int, list] = {}


def gaz_agency_suffixes(gaz: Gazetteer) -> list:
    key = id(gaz)
    if key not in _SUFFIX_CACHE:
        _SUFFIX_CACHE[key] = sorted(gaz.agency_types, key=lambda a: -len(a.suffix))
    return _SUFFIX_CACHE[key]


def is_national(name: str) -> bool:
    return name.startswith(NATIONAL_STARTS) or (name.endswith("部") and len(name) <= 8)


def complete_agency(name: str, where: Jurisdiction, gaz: Gazetteer) -> str:
    """The full name of an agency mention, completed with the jurisdiction it implies."""
    name = name.strip()
    if not name:
        return name
    if is_national(name) or _starts_with_place(name, gaz):
        return _party_full(expand_suffix(name, gaz))
    if name in ("党工委", "工委") and where.local_full:
        return f"中共{where.local_full}工作委员会"
    if name in ("管委会", "管委") and where.local_full:
        return f"{where.local_full}管理委员会"
    if name[0] in LEVEL_PREFIXES and len(name) > 1:
        place = where.for_level(name[0])
        if place:
            rest = name[1:]
            if where.level == "development_zone" and name[0] == "区":
                return _party_full(expand_suffix(place + rest, gaz))
            return _party_full(expand_suffix(_join(place, name[0], rest), gaz))
    for zone_word in ("高新区", "开发区", "经开区", "新区"):
        if name.startswith(zone_word) and where.level == "development_zone":
            return expand_suffix(where.local + name[len(zone_word):], gaz)
    if where.local and not is_national(name):
        return expand_suffix(where.local + name, gaz)
    return expand_suffix(name, gaz)


def _join(place: str, level_char: str, rest: str) -> str:
    # 市 + 政府 with place 淄博市 -> 淄博市政府 (the place already ends with its level word)
    return place + rest if place.endswith(level_char) or place[-1] in "省市区县旗州盟" else place + level_char + rest


def _party_full(name: str) -> str:
    """青岛市委 -> 中共青岛市委员会; 青岛市政府 -> 青岛市人民政府."""
    m = PARTY_COMMITTEE.match(name) or PARTY_COMMITTEE_FULL.match(name)
    if m and m.group("place") and not m.group("place").startswith(("中共", "政协")):
        return f"中共{m.group('place')}{m.group('level')}委员会"
    if name.endswith("政府") and not name.endswith("人民政府"):
        return name[:-2] + "人民政府"
    return name


def _starts_with_place(name: str, gaz: Gazetteer) -> bool:
    for length in range(min(len(name) - 1, gaz.max_name_len), 1, -1):
        if gaz.lookup(name[:length]):
            return True
    return any(len(name) > length and gaz.city_by_short(name[:length]) for length in (2, 3, 4))
