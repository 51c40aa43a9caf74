"""Recognise who reports (the government), the year covered and the publication date.

Evidence comes from several places of a page, each with a weight: the title,
the signature at the end of the body, metadata and footer lines, the opening
sentence.  Every place is parsed with the same small grammar::

    [place] [zone type] [government word | department suffix]

where places come from the division gazetteer (with the years each name was in
use), zone types from ``kg/data/zone_types.tsv`` and department suffixes from
``kg/data/agency_types.tsv``.  Candidates are merged by weight; an incomplete
one (高新区 with no city) is completed from the others.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass

from ..gazetteer import Division, Gazetteer
from .page import Page

CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
DATE = re.compile(r"(20\d{2}|19\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
CN_DATE = re.compile(r"([二〇○零一三四五六七八九O]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
YEAR_IN_TITLE = re.compile(r"(20\d{2})\s*年度?")
CN_YEAR = re.compile(r"([二〇○零一三四五六七八九O]{4})年度?")
GOV_WORDS = ("人民政府", "政府", "管理委员会", "管委会", "党工委", "工委")
DEPARTMENT_TYPES_EXCLUDED = {"people_government", "party_committee", "management_committee", "party_work_committee",
                             "people_congress", "cppcc", "leading_group", "other"}
NATIONAL_DEPARTMENT = re.compile(r"^(国家|中国)?[\u4e00-\u9fff]{2,12}?(部|总局|委员会|署)"
                                 r"(?=\d|关于|[\u4e00-\u9fff]{0,2}年|$)")
WEIGHTS = {"title": 6, "signature": 4, "meta": 2, "footer": 2, "opening": 2, "html": 2}


@dataclass(frozen=True)
class District:
    """The reporting government, in the gold format of ``entities.md`` plus its division code."""

    name: str
    short: str
    city: str
    province: str
    level: str
    code: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class Candidate:
    level: str  # province | city | county | development_zone | department
    division: Division | None
    zone_suffix: str = ""
    department: str = ""  # the department name as written after the place
    position: int = 0  # where in its string it was read: the first reading is the string's subject
    stem: str = ""  # a zone's own name when no city can be read from it (西咸 of 西咸新区)
    zone_full: str = ""  # the zone type written out (高新区 -> 高新技术产业开发区): one key for both spellings


@dataclass
class ReportIdentity:
    district: District | None
    year: int | None
    published: str | None


def chinese_number(text: str) -> int:
    """二〇一九 -> 2019 (digit by digit); 十二 -> 12; 二十一 -> 21."""
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (CN_DIGITS.get(ones, 0) if ones else 0)
    return int("".join(str(CN_DIGITS[ch]) for ch in text if ch in CN_DIGITS) or 0)


def find_dates(text: str) -> list[tuple[int, str]]:
    """ISO dates in ``text`` with their offsets, in Arabic or Chinese numerals."""
    found = []
    for m in DATE.finditer(text):
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if 1 <= mo <= 12 and 1 <= d <= 31:
            found.append((m.start(), f"{y:04d}-{mo:02d}-{d:02d}"))
    for m in CN_DATE.finditer(text):
        y, mo, d = chinese_number(m.group(1)), chinese_number(m.group(2)), chinese_number(m.group(3))
        if 1900 < y < 2100 and 1 <= mo <= 12 and 1 <= d <= 31:
            found.append((m.start(), f"{y:04d}-{mo:02d}-{d:02d}"))
    return sorted(found)


def recognise_published(page: Page) -> str | None:
    for line in page.meta_lines:
        dates = find_dates(line)
        if dates:
            return dates[0][1]
    for key in ("pubdate", "publishdate", "firstpublishedtime", "article:published_time", "date"):
        if key in page.html_meta:
            dates = find_dates(page.html_meta[key])
            if dates:
                return dates[0][1]
    tail = "\n".join(page.body.split("\n")[-6:])
    dates = find_dates(tail)
    return dates[-1][1] if dates else None


def recognise_year(page: Page, published: str | None) -> int | None:
    """The year the report covers: from the title, else the opening, else the year before publication."""
    pub_year = int(published[:4]) if published else None
    candidates: list[int] = []
    for text in (page.title, page.html_title):
        candidates += [int(m.group(1)) for m in YEAR_IN_TITLE.finditer(text or "")]
        candidates += [chinese_number(m.group(1)) for m in CN_YEAR.finditer(text or "")]
    if not candidates:
        opening = page.body[len(page.title):][:300]
        m = YEAR_IN_TITLE.search(opening)
        if m:
            candidates.append(int(m.group(1)))
    for year in candidates:
        if 1990 < year < 2100 and (pub_year is None or year <= pub_year):
            return year
    if pub_year:
        month = int(published[5:7]) if published else 1
        return pub_year - 1 if month <= 6 else pub_year
    return None


class GovernmentParser:
    """Parse naming strings (a title, a signature) into reporting-government candidates."""

    def __init__(self, gazetteer: Gazetteer, year: int | None):
        self.gaz = gazetteer
        self.year = year
        self.zone_suffixes = sorted(gazetteer.zone_types, key=lambda z: -len(z.suffix))
        self.department_suffixes = sorted(
            (a for a in gazetteer.agency_types if a.type not in DEPARTMENT_TYPES_EXCLUDED and len(a.suffix) >= 2),
            key=lambda a: -len(a.suffix))

    def places(self, text: str) -> list[tuple[int, int, list[Division]]]:
        """Longest division-name matches, left to right, outside zone types (新区 in 高新区 is no place)."""
        zone_spans = [(m.start(), m.end()) for z in self.zone_suffixes for m in re.finditer(re.escape(z.suffix), text)]
        found = []
        i = 0
        while i < len(text):
            for length in range(min(self.gaz.max_name_len, len(text) - i), 1, -1):
                divisions = self.gaz.lookup(text[i:i + length], self.year)
                end = i + length
                if divisions and not any(s < end and i < e for s, e in zone_spans) and \
                        self._plausible(text, i, end, divisions, found):
                    found.append((i, end, divisions))
                    i = end
                    break
            else:
                i += 1
        return found

    @staticmethod
    def _plausible(text: str, start: int, end: int, divisions: list[Division], found: list) -> bool:
        """A two-character county name (城区, 郊区) counts only after its city or before a government word."""
        if end - start > 2 or divisions[0].level != "county":
            return True
        after_city = bool(found) and found[-1][1] == start
        return after_city or text.startswith(GOV_WORDS, end)

    def parse(self, text: str) -> list[Candidate]:
        text = re.sub(r"\s+", "", text)
        candidates = self._zones(text)
        places = self.places(text)
        national = NATIONAL_DEPARTMENT.match(text)
        if national and not places and not candidates:
            candidates.append(Candidate("department", None, department=national.group(0)))
        for index, (start, end, divisions) in enumerate(places):
            division = self._most_specific(divisions, places[index - 1][2] if index else None)
            rest = text[end:]
            if any(rest.startswith(z.suffix) for z in self.zone_suffixes) and division.level != "county":
                continue  # 淄博高新区: the zone, handled above
            department = next((a.suffix for a in self.department_suffixes if rest.startswith(a.suffix)), "")
            if department:
                candidates.append(Candidate("department", division, department=department, position=start))
            else:
                candidates.append(Candidate(division.level, division, position=start))
        # Keep the most specific reading: a county after its city (青岛市即墨区) replaces the city.
        # The most specific reading wins: 重庆市北碚区 is 北碚区, not 重庆市.
        parents = {p for c in candidates if c.division and c.level in ("county", "city")
                   for p in (c.division.city, c.division.province) if p != c.division.name}
        kept = [c for c in candidates
                if not (c.level in ("city", "province") and c.division and c.division.name in parents)]
        return sorted(kept, key=lambda c: c.position)

    def _most_specific(self, divisions: list[Division], previous: list[Division] | None) -> Division:
        if previous:
            parents = {d.name for d in previous}
            for division in divisions:
                if division.city in parents or division.province in parents:
                    return division
        return divisions[0]

    def _zones(self, text: str) -> list[Candidate]:
        candidates = []
        for zone in self.zone_suffixes:
            for m in re.finditer(re.escape(zone.suffix), text):
                if any(m.start() >= c_start and m.end() <= c_end for c_start, c_end in self._zone_spans(text, zone)):
                    continue
                city = self._city_before(text, m.start())
                stem = "" if city else re.search(r"[\u4e00-\u9fff]{0,4}$", text[:m.start()]).group(0)
                stem = re.sub(r"^.*?(关于|的|和|、)", "", stem)
                candidates.append(Candidate("development_zone", city, zone_suffix=zone.suffix, position=m.start(),
                                            stem=stem, zone_full=zone.full))
            if candidates:
                break  # the longest zone type written wins (高新技术产业开发区 over 开发区)
        return candidates

    def _zone_spans(self, text: str, zone) -> list[tuple[int, int]]:
        longer = [z.suffix for z in self.zone_suffixes if len(z.suffix) > len(zone.suffix) and zone.suffix in z.suffix]
        return [(m.start(), m.end()) for s in longer for m in re.finditer(re.escape(s), text)]

    def _city_before(self, text: str, end: int) -> Division | None:
        for length in range(min(8, end), 1, -1):
            name = text[end - length:end]
            found = [d for d in self.gaz.lookup(name, self.year) if d.level in ("city", "province", "county")]
            found = found or self.gaz.city_by_short(name, self.year)
            if found:
                return found[0]
        return None


def _signature_lines(page: Page) -> list[str]:
    lines = [line for line in page.body.split("\n")[-5:] if len(line) <= 40 and not find_dates(line)]
    return lines


def _naming_strings(page: Page) -> list[tuple[str, str]]:
    strings = [("title", page.title)] if page.title else []
    strings += [("html", page.html_title)] if page.html_title else []
    strings += [("signature", line) for line in _signature_lines(page)]
    for line in page.meta_lines:
        if re.search(r"来源|发布机构|编辑|发文机关|发布单位", line):
            strings.append(("meta", line.split(":", 1)[-1].split("：", 1)[-1]))
    for line in page.chrome_lines:
        m = re.search(r"(版权所有|主办|网络实名|主办单位)\s*[:：]?\s*(\S+)", line)
        if m:
            strings.append(("footer", m.group(2)))
    body = page.body[len(page.title):].lstrip()
    opening = re.split(r"[,，。]", body[:120], maxsplit=2)
    strings += [("opening", part) for part in opening[:2]]
    return strings


def recognise_district(page: Page, gazetteer: Gazetteer, year: int | None) -> District | None:
    parser = GovernmentParser(gazetteer, year)
    votes: Counter = Counter()
    parsed: list[Candidate] = []
    for source, text in _naming_strings(page):
        for rank, candidate in enumerate(parser.parse(text)[:2]):
            parsed.append(candidate)
            votes[_key(candidate)] += WEIGHTS[source] / (rank + 1)
    if not votes:
        return None
    # A zone named without its city (高新区) supports every reading of the same zone type with one.
    for key in [k for k in votes if k[0] == "development_zone" and not k[1]]:
        for other in [k for k in votes if k[0] == "development_zone" and k[1] and k[3] == key[3]]:
            votes[other] += votes[key]
    context = page.title + page.body + "\n".join(page.chrome_lines)
    best_key = max(votes, key=lambda k: (votes[k], _context_score(k, context), k))
    best = next(c for c in parsed if _key(c) == best_key)
    if best.level == "development_zone" and best.division is None:
        best = _complete_zone(best, parsed, votes, context)
    return _district(best, gazetteer)


def _key(c: Candidate) -> tuple:
    return (c.level, c.division.code if c.division else "", c.division.name if c.division else c.stem,
            c.zone_full or c.zone_suffix, c.department)


def _context_score(key: tuple, context: str) -> int:
    return context.count(key[2]) if key[2] else 0


def _complete_zone(zone: Candidate, parsed: list[Candidate], votes: Counter, context: str) -> Candidate:
    """A zone named without its city (高新区): take the city from another zone reading or the page."""
    with_city = [c for c in parsed if c.level == "development_zone" and c.division is not None]
    if with_city:
        return max(with_city, key=lambda c: votes[_key(c)])
    cities = [c for c in parsed if c.division is not None and c.level in ("city", "county")]
    if cities:
        top = max(cities, key=lambda c: (votes[_key(c)], _context_score(_key(c), context)))
        return Candidate("development_zone", top.division, zone_suffix=zone.zone_suffix)
    return zone


def _district(c: Candidate, gaz: Gazetteer) -> District | None:
    div = c.division
    if c.level == "development_zone":
        zone = next(z for z in gaz.zone_types if z.suffix == c.zone_suffix)
        if div is None:
            province = _province_in(c.stem, gaz)  # 贵州贵安新区: the zone's name says its province
            return District(c.stem + zone.full, c.stem + zone.short, "", province, "development_zone")
        city = div if div.level in ("city", "province") else _city_of(div, gaz)
        stem = city.short or city.name.rstrip("市")
        return District(stem + zone.full, stem + zone.short, city.name, city.province, "development_zone",
                        city.code)
    if c.level == "department" and div is None:
        return District(c.department, c.department, "", "", "department")  # a national ministry: 生态环境部
    if div is None:
        return None
    if c.level == "department":
        full = next((a.full_form for a in gaz.agency_types if a.suffix == c.department and a.full_form), c.department)
        city = div.city if div.level == "county" else (div.name if div.level == "city" else "")
        return District(div.full_name + full, div.name + c.department, city, div.province, "department", div.code)
    if div.level == "province":
        return District(div.name, div.name, "", div.name, "province", div.code)
    if div.level == "city":
        return District(div.name, div.name, div.name, div.province, "city", div.code)
    return District(div.full_name, div.name, div.city, div.province, "county", div.code)


def _province_in(stem: str, gaz: Gazetteer) -> str:
    for division in gaz.divisions:
        if division.level == "province" and division.short and stem.startswith(division.short):
            return division.name
    return ""


def _city_of(div: Division, gaz: Gazetteer) -> Division:
    found = [d for d in gaz.lookup(div.city) if d.level in ("city", "province")]
    return found[0] if found else div


def recognise(page: Page, gazetteer: Gazetteer) -> ReportIdentity:
    """District, year and publication date of one page."""
    published = recognise_published(page)
    year = recognise_year(page, published)
    return ReportIdentity(recognise_district(page, gazetteer, year), year, published)
