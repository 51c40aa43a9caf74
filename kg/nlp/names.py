"""Completing short agency names with the jurisdiction the report implies.

区司法局 in 即墨区's report is 即墨区司法局; 市法制办 in an 淄博 zone's report is
淄博市法制办公室; 省委 in a 山东 report is 中共山东省委员会.  The rules are the
naming conventions of Chinese bodies; the place names come from the report's
recognised district, so nothing here is specific to one report.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..gazetteer import Gazetteer

# Level words that stand for "this report's province/city/district" at the start of a name.
LEVEL_PREFIXES = ("省", "市", "区", "县", "旗", "州", "盟")
NOT_LEVEL_WORDS = ("市场", "市民", "市容", "区域", "县域", "市级", "区级", "县级", "省级", "州府")
ZONE_WORDS = ("高新区", "开发区", "经开区", "新区")
NATIONAL_STARTS = ("中共中央", "党中央", "国务院", "全国人大", "全国人民代表大会", "最高人民法院", "最高人民检察院",
                   "国家", "中央", "中华人民共和国")


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
        if district.level == "department":
            # A department's report: 市 and 区 mean the government it belongs to, not the department.
            place = district.city or district.province
            return cls(district.province, district.city, place, place, "city" if district.city else "province", year)
        return cls(district.province, district.city, district.short, district.name, district.level, year)

    def for_level(self, level_char: str) -> str:
        """The place a level word stands for in this report (市 in a county-level city's report is that city)."""
        if level_char == "省":
            return self.province
        if level_char in ("市", "州", "盟"):
            if self.level == "county" and self.local.endswith(level_char):
                return self.local
            return self.city or (self.local if self.level == "city" else "")
        return self.local

    def full(self, place: str) -> str:
        """The full name of a place written short (淄博高新区 -> 淄博高新技术产业开发区)."""
        return self.local_full if place in (self.local, self.local_full) and self.local_full else place


def expand_suffix(name: str, gaz: Gazetteer) -> str:
    """Write the name's (longest) abbreviated suffix out: 法制办 -> 法制办公室, 人大常委会 -> 人民代表大会常务委员会."""
    for agency_type in gaz.agency_types_longest_first:
        if name.endswith(agency_type.suffix):
            full = agency_type.full_form
            if full and not name.endswith(full):
                return name[: len(name) - len(agency_type.suffix)] + full
            return name
    return name


def is_national(name: str) -> bool:
    return name.startswith(NATIONAL_STARTS) or (name.endswith("部") and len(name) <= 8)


def split_jurisdiction(name: str, where: Jurisdiction, gaz: Gazetteer) -> tuple[str, str, bool] | None:
    """(place the name belongs to, the rest, whether the text wrote the place); None if it names no one place.

    市政府 in a province's report is every city's government: no single body.
    """
    for own in (where.local_full, where.local):
        if own and name.startswith(own) and len(name) > len(own):
            return own, name[len(own):], True
    if name.startswith(("自治区", "自治州", "自治县")) and len(name) > 3:
        place = where.province if name.startswith("自治区") else where.for_level("州" if "州" in name[:3] else "县")
        return (place, name[3:], True) if place else None
    if name[0] in LEVEL_PREFIXES and not name.startswith(NOT_LEVEL_WORDS) and len(name) > 1:
        if where.level == "development_zone" and name[0] == "区":
            return where.local, name[1:], True
        place = where.for_level(name[0])
        if place:
            return place, name[1:], True
        if where.level:
            return None
    for zone_word in ZONE_WORDS:
        if name.startswith(zone_word) and where.level == "development_zone" and len(name) > len(zone_word):
            return where.local, name[len(zone_word):], True
    place_end = _place_prefix_end(name, gaz)
    if place_end:
        place, rest = name[:place_end], name[place_end:]
        if rest in ("政府", "人民政府", "委") or rest.startswith("委"):
            cities = [] if gaz.lookup(place) else gaz.city_by_short(place)
            place = cities[0].name if cities else place  # 唐山政府 -> 唐山市人民政府, but 淄博仲裁委员会 stays
        return place, rest, True
    return where.local, name, False


def complete_agency(name: str, where: Jurisdiction, gaz: Gazetteer) -> str:
    """The full name of an agency mention, completed with the jurisdiction it implies."""
    name = name.strip()
    name = name[1:] if name.startswith("原") and len(name) > 2 else name
    if name == "政协" and where.local:
        return f"政协{where.local}委员会"
    if not name or is_national(name) or name.startswith("中共"):
        return expand_suffix(name, gaz)
    split = split_jurisdiction(name, where, gaz)
    if split is None:
        return ""
    place, rest, written = split
    if place == where.local_full and where.local:
        place = where.local  # the report's own bodies go by its short name (即墨区司法局), one IRI either way
    if rest in ("党工委", "工委"):
        return f"中共{where.full(place)}工作委员会"
    if rest in ("管委会", "管委", "管理委员会"):
        return f"{where.full(place)}管理委员会" if written or where.level == "development_zone" else ""
    if rest in ("管委会办公室", "管理委员会办公室"):
        return f"{where.full(place)}管理委员会办公室"
    if rest == "委" or rest.startswith("委") and not rest.startswith(("委员", "委托")):
        # 市委 -> 中共常德市委员会; 市委编办 -> 中共常德市委机构编制委员会办公室
        return f"中共{place}委员会" if rest == "委" else f"中共{place}委{expand_suffix(rest[1:], gaz)}"
    if rest in ("政府", "人民政府"):
        return f"{place}人民政府"
    if rest == "党委":
        return f"中共{place}委员会"  # 自治区党委
    if rest == "政协":
        return f"政协{place}委员会"
    for government in ("人民政府", "政府"):
        # 市政府法制办 is the city's 法制办; 政府办公室 is the government's own office and keeps the word.
        if rest.startswith(government) and not rest[len(government):].startswith(("办", "网")):
            rest = rest[len(government):]
            break
    if not place:
        return expand_suffix(name, gaz)
    return place + expand_suffix(rest, gaz)


def _place_prefix_end(name: str, gaz: Gazetteer) -> int:
    """Length of the place names a name starts with (青岛市即墨区…), 0 if none."""
    end = 0
    while end < len(name) - 1:
        for length in range(min(len(name) - end - 1, gaz.max_name_len), 1, -1):
            if gaz.lookup(name[end:end + length]):
                end += length
                break
        else:
            if end == 0:
                for length in (4, 3, 2):
                    if len(name) > length and gaz.city_by_short(name[:length]):
                        return length
            return end
    return end
