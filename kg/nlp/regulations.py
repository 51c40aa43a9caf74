"""Regulations and policies: title marks, nested notices, unmarked laws, back-references, kinds.

The recogniser reads the Doc's text and labels each cited document as a
REGULATION span carrying the full title, its kind (Legislation Law
hierarchy), the issuer the text names and the jurisdiction.  Back-references
(以下简称《纲要》, a later bare 《办法》) become spans of the document they refer
to, never documents of their own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..gazetteer import Gazetteer, read_tsv
from ..refdata import DATA_DIR
from ..textnorm import NATIONAL_PREFIX, normalize_title
from .names import Jurisdiction, complete_agency, is_national

OPEN_MARKS = {"《": "》", "〈": "〉", "<": ">", "＜": "＞"}
TRAILING_PAREN = re.compile(r"[(（][^()（）]{0,20}[)）]$|[(（][^()（）]{0,20}$")
NOTICE_OF = re.compile(r"^(?:[^关]{2,30}?)?关于(?:印发|转发|颁发|下发|发布|公布)"
                       r"[《〈<]?(?P<inner>.+?)[》〉>]?的(?:通知|决定)$")
SHORT_NAME = re.compile(r"^[(（]?\s*以下简称\s*[“\"《〈]?(?P<alias>[^”\"》〉)）]{1,12})[”\"》〉]?")
ZONE_WORDS = ("高新区", "高新技术", "经开区", "经济技术开发区", "经济开发区", "开发区", "新区", "工业园区", "保税区")
NOT_CITED_AFTER = re.compile(r"^(宣传|日|周|月|杯|知识|竞赛|宣誓)")  # 宪法宣传周, 宪法杯: events named after a law
TITLE_ISSUER = re.compile(r"^([\u4e00-\u9fff、]{2,30}?)关于")
OPEN_QUALIFIER = re.compile(r"[(（][0-9\-—–~至年度版试行修订暂\s]{1,20}$")
DEPARTMENT_AFTER_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,10}?(局|厅|委员会|办公室|办)(?!法|理)")
LOOSE_CHARS = re.compile(r"[市权的省]")
LAW_TAIL = re.compile(r"(法典|条例|修正案|法(?![律规治院人制官学典庭条务宝医案理]))")
UNMARKED_NOTICE = re.compile(r"关于(?:印发|转发|颁发|下发)(?P<inner>[^，。；,;：:《》〈〉“”\n]{4,60}?)的通知")
BOUNDARY = re.compile(r"[。；;！？\n：:，,]")
ISSUER_VERBS = re.compile(
    r"(认真|深入|全面|严格|积极|及时|坚决|切实|进一步)?(贯彻|落实|执行|学习|宣传|按照|根据|依据|依照|对照|遵照|参照|结合|围绕|"
    r"印发|出台|制定|下发|转发|发布|颁布|实施|施行|修订|制发|起草|编制|审议|通过|出台了|印发了|制定了|下发了|报送|推行|"
    r"组织|开展|推进|完善|健全|建立|以|在|和|与|及|对|将|把|为|由|是|了|等)+")
ISSUER_TAIL = re.compile(r"(中共中央|党中央|国务院|中央|委|政府|办公厅|办公室|厅|局|部|院|办|委员会|常委会|管委会|"
                         r"署|领导小组)"
                         r"(联合)?(印发|出台|制定|下发|发布|颁布)?(的|之)?$")
PARTY_ISSUER = re.compile(r"^(中共|中国共产党|党中央)|^(省|市|区|县|州|旗)委(?!员会办公室)|[省市区县州旗]委(、|$)|"
                          r"党工委|党委|纪委|中央办公厅")
PARTY_TITLE = re.compile(r"^(中共|中国共产党)|党工委|党委|党组|纪委|八项规定|党政主要负责人|党内")


@dataclass(frozen=True)
class DocumentForm:
    suffix: str
    role: str
    kind: str


@dataclass
class Citation:
    """One occurrence of a document in the text."""

    start: int
    end: int
    title: str  # full title, marks of nested titles kept
    kind: str
    issuer: str = ""
    jurisdiction: str = ""
    surface: str = ""  # what the text says (may be a back-reference)
    aliases: list[str] = field(default_factory=list)


def load_forms() -> list[DocumentForm]:
    rows = read_tsv(DATA_DIR / "document_forms.tsv")
    return sorted((DocumentForm(r["suffix"], r["role"], r["kind"]) for r in rows), key=lambda f: -len(f.suffix))


def core_title(title: str) -> str:
    """The title without trailing qualifiers: (试行), (2015-2020年), (2024年版)."""
    core = title.strip()
    for _ in range(3):
        stripped = TRAILING_PAREN.sub("", core).strip()
        if stripped == core:
            break
        core = stripped
    return core


def find_marked_titles(text: str, recover=None) -> list[tuple[int, int, str, list[tuple[int, int, str]]]]:
    """Top-level titles in marks: (start, end, inner text, nested titles) with offsets of the marks.

    ``recover(text, start)`` may return the end of a title whose closing mark is
    missing (scraped pages lose them); without it such a mark is ignored.
    """
    found = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in ("《", "〈"):
            end = _matching(text, i)
            if end is not None:
                inner = text[i + 1:end]
                nested = [(i + 1 + s, i + 1 + e, t) for s, e, t, _ in find_marked_titles(inner)] if ch == "《" else []
                found.append((i, end + 1, inner, nested))
                i = end + 1
                continue
            title_end = recover(text, i + 1) if recover else None
            if title_end:
                found.append((i, title_end, text[i + 1:title_end], []))
                i = title_end
                continue
        i += 1
    return found


def _matching(text: str, start: int) -> int | None:
    close = OPEN_MARKS[text[start]]
    depth = 0
    for j in range(start, min(len(text), start + 160)):
        ch = text[j]
        if ch == "\n":
            return None
        if ch == text[start]:
            depth += 1
        elif ch == close:
            depth -= 1
            if depth == 0:
                return j
    return None


class RegulationRecogniser:
    """The logic behind the ``govkg_regulations`` component (usable without spaCy in tests)."""

    def __init__(self, gazetteer: Gazetteer, max_backref_len: int = 6):
        self.gaz = gazetteer
        self.forms = load_forms()
        self.max_backref_len = max_backref_len
        self.law_titles = self._law_index()
        self.max_law_len = max((len(t) for t in self.law_titles), default=0)

    def _law_index(self) -> dict[str, str]:
        """Every way an unmarked national law or regulation is written -> its official title."""
        index = {}
        for law in self.gaz.laws.values():
            short = law.title[len(NATIONAL_PREFIX):] if law.title.startswith(NATIONAL_PREFIX) else law.title
            index[short] = law.title
            index[law.title] = law.title
        for abbreviation, title in self.gaz.abbreviations.items():
            index.setdefault(abbreviation, title)
        return index

    # --- classification -------------------------------------------------
    def form_of(self, title: str) -> DocumentForm | None:
        core = core_title(title)
        return next((f for f in self.forms if core.endswith(f.suffix)), None)

    def is_document(self, title: str) -> bool:
        if self.gaz.law(title) or title in self.gaz.abbreviations:
            return True  # a national law or regulation whatever its last word (民法总则)
        form = self.form_of(title)
        if form is None or form.role != "document":
            return False
        core = core_title(title)
        if form.kind == "law" and (len(core) < 2 or core.endswith(("办法", "方法", "做法", "工作法"))):
            return False
        return len(core) > len(form.suffix) or core in ("宪法",)

    def classify(self, title: str, issuer: str, where: Jurisdiction) -> str:
        """Kind by title form and issuer, following the Legislation Law hierarchy."""
        form = self.form_of(title)
        core = core_title(re.sub(r"[《》〈〉<>]", "", title))
        kind = form.kind if form else "normative_document"
        place = self._leading_place(core)
        party = bool(PARTY_TITLE.search(core) or PARTY_ISSUER.search(issuer or ""))
        if kind == "law":
            return "law"
        if kind == "plan":
            return "plan"
        if kind == "party_document" or (party and not core.endswith("条例")):
            return "party_document"
        if kind == "administrative_regulation":
            if core.startswith("中国共产党"):
                return "party_document"
            if place or re.search(r"人大|人民代表大会", issuer or ""):
                return "local_regulation"
            return "administrative_regulation"
        if kind == "rule":
            if place in ("province", "city") or self._rule_issuer(issuer, where):
                return "rule"
            return "normative_document"
        return "normative_document"

    def _leading_place(self, title: str) -> str:
        """The level of the most specific place a title starts with: province, city, county, zone or ''.

        淄博市行政规范性文件管理办法 -> city; 青岛市即墨区…规定 -> county; 淄博高新区…办法 -> zone.
        """
        level, rest = self._place_prefix(title)
        if not level:
            return ""
        if rest.startswith(ZONE_WORDS):
            return "development_zone"
        if DEPARTMENT_AFTER_PLACE.match(rest):
            return "department"  # 佛山市生态环境局…细则: a department's own document
        inner, _ = self._place_prefix(rest)
        return inner if inner == "county" else level

    def _place_prefix(self, title: str) -> tuple[str, str]:
        for length in range(min(len(title), 10), 1, -1):
            divisions = self.gaz.lookup(title[:length])
            if divisions:
                return divisions[0].level, title[length:]
        for length in (2, 3, 4):
            if self.gaz.city_by_short(title[:length]):
                return "city", title[length:]
        return "", title

    @staticmethod
    def _rule_issuer(issuer: str, where: Jurisdiction) -> bool:
        if not issuer:
            return False
        if re.search(r"(部|总局|国务院|省政府|省人民政府|市政府|市人民政府)$", issuer):
            if issuer.startswith(("区", "县")):
                return False
            # In a county-level city's report 市政府 is that city's own government: not a rule-maker.
            return not (issuer.startswith("市") and where.level == "county" and where.local.endswith("市"))
        return False

    # --- issuer and jurisdiction ---------------------------------------
    def issuer_before(self, text: str, start: int, floor: int) -> str:
        """The agencies named right before a title (中共中央、国务院《…》), '' if none."""
        window = text[max(floor, start - 40):start]
        window = BOUNDARY.split(window)[-1]
        window = re.sub(r"(联合)?(印发|出台|制定|下发|发布|颁布)?(了)?(的|之)?$", "", window)
        segment = ISSUER_VERBS.split(window)[-1] if ISSUER_VERBS.search(window) else window
        segment = segment.strip("、和及与 ")
        if len(segment) < 2 or not ISSUER_TAIL.search(segment):
            return ""
        return segment

    def complete_issuer(self, issuer: str, where: Jurisdiction) -> str:
        parts = [p for p in re.split(r"[、和及]", issuer) if p]
        done = []
        previous_place = ""
        for part in parts:
            if part in ("市政府", "区政府", "县政府") and previous_place:
                part = previous_place + part[1:]  # 青岛市委、市政府: the second shares the first's place
            full = complete_agency(part, where, self.gaz)
            m = re.match(r"^(中共)?(.+?[省市区县])(委|政府|人民政府)", part)
            previous_place = m.group(2) if m else previous_place
            done.append(full)
        return "、".join(done)

    def jurisdiction(self, title: str, kind: str, issuer: str, where: Jurisdiction) -> str:
        if kind in ("law", "administrative_regulation") or is_national(issuer) or self.gaz.policy(title):
            return "national"
        core = re.sub(r"^(关于|中共)", "", title)
        if any(own and core.startswith(own) for own in (where.local_full, where.local)):
            return where.local_full  # 淄博高新区…办法 is the zone's own, though it starts with 淄博
        for name in (where.province, where.city):
            if name and (core.startswith(name) or core.startswith(name.rstrip("省市")) or
                         issuer.startswith(("中共" + name, name))):
                return name
        level = self._leading_place(core)
        if level in ("province", "city"):
            for length in range(min(len(core), 10), 1, -1):
                if self.gaz.lookup(core[:length]):
                    return core[:length]
        if issuer.startswith(("省", "中共" + where.province)) or "省委" in issuer[:3]:
            return where.province
        if issuer.startswith(("市", "中共" + where.city)) or "市委" in issuer[:3]:
            return where.city
        return where.local_full

    # --- recognition ----------------------------------------------------
    def recover_unclosed(self, text: str, start: int, window: int = 60) -> int | None:
        """End of the longest well-formed title after an opening mark that is never closed."""
        limit = start
        while limit < min(len(text), start + window) and text[limit] not in "，,。；;：:“\"《》\n":
            limit += 1
        for end in range(limit, start + 3, -1):
            candidate = text[start:end]
            if self.is_document(candidate) and self.form_of(candidate) and not candidate.endswith(("(", "（")):
                return end
        return None

    def recognise(self, text: str, where: Jurisdiction) -> list[Citation]:
        citations: list[Citation] = []
        aliases: dict[str, Citation] = {}
        marked = find_marked_titles(text, self.recover_unclosed)
        covered = [(s, e) for s, e, _, _ in marked]
        previous_end = 0
        definition_end = 0
        for start, end, inner, nested in marked:
            if start < definition_end:
                continue  # the 《纲要》 of (以下简称《纲要》) defines an alias; it cites nothing
            inner_clean = inner.strip()
            after = text[end:end + 20]
            short = SHORT_NAME.match(after)
            target = self._resolve_backref(inner_clean, aliases, citations)
            if target is not None:
                citations.append(self._copy(target, start, end, text[start:end]))
            elif self.is_document(inner_clean):
                issuer_text = self.issuer_before(text, start, previous_end)
                citation = self._citation(inner_clean, start, end, issuer_text, where, text[start:end])
                citations.append(citation)
                citations += self._nested(text, citation, nested, where)
                if short:
                    alias = short.group("alias").strip()
                    aliases[alias] = citation
                    citation.aliases.append(alias)
            previous_end = end
            if short:
                previous_end = definition_end = end + short.end()
        citations += self._unmarked_laws(text, covered, where)
        citations += self._unmarked_notices(text, covered, where)
        citations.sort(key=lambda c: (c.start, c.end))
        return self.resolve_editions(merge_variants(citations), where)

    def resolve_editions(self, citations: list[Citation], where: Jurisdiction) -> list[Citation]:
        """A year-less central title the report does not date itself: the edition in force that year.

        《法治政府建设实施纲要》 in a 2017 report is the 2015-2020 edition.
        """
        for c in citations:
            policy = self.gaz.policy(c.title, where.year)
            if policy and normalize_title(policy.title) != normalize_title(c.title):
                c.aliases.append(c.title)
                c.title = policy.title
        return citations

    def _citation(self, title: str, start: int, end: int, issuer_text: str, where: Jurisdiction,
                  surface: str) -> Citation:
        aliases = []
        if title in self.gaz.abbreviations:  # 《固废法》 -> its official title, the abbreviation kept as alias
            aliases, title = [title], self.gaz.abbreviations[title]
        policy = self.gaz.policy(title, where.year)
        if not issuer_text:
            leading = TITLE_ISSUER.match(title)  # 中共中央关于…的决定, 市政府法制办关于…的通知
            if leading and ISSUER_TAIL.search(leading.group(1)):
                issuer_text = leading.group(1)
        issuer = self.complete_issuer(issuer_text, where) if issuer_text else ""
        if policy and not issuer:
            issuer = policy.issuer
        law = self.gaz.law(title)
        kind = law.kind if law and not issuer_text else self.classify(title, issuer_text, where)
        if policy:
            kind = policy.kind
        if law and not issuer:
            issuer = law.issuer
        if kind in ("law",) and not issuer:
            issuer = "全国人民代表大会常务委员会"
        if kind == "administrative_regulation" and not issuer:
            issuer = "国务院"
        return Citation(start, end, title, kind, issuer, self.jurisdiction(title, kind, issuer, where), surface,
                        aliases)

    def _nested(self, text: str, outer: Citation, nested: list, where: Jurisdiction) -> list[Citation]:
        """Documents inside a notice's title: marked (《关于印发<X>的通知》) or not (关于印发X的通知)."""
        found = []
        for s, e, inner in nested:
            inner = inner.strip()
            if self.is_document(inner):
                found.append(self._inherit(outer, inner, s, e, where, text[s:e]))
        if not found:
            m = NOTICE_OF.match(outer.title)
            if m and self.is_document(m.group("inner")):
                found.append(self._inherit(outer, m.group("inner").strip(), outer.start, outer.end, where,
                                           text[outer.start:outer.end]))
        return found

    def _inherit(self, outer: Citation, title: str, start: int, end: int, where: Jurisdiction,
                 surface: str) -> Citation:
        kind = self.classify(title, outer.issuer, where)
        if outer.kind == "party_document" and kind == "normative_document":
            kind = "party_document"  # what a Party notice issues is a Party document
        return Citation(start, end, title, kind, outer.issuer, self.jurisdiction(title, kind, outer.issuer, where),
                        surface)

    def _resolve_backref(self, title: str, aliases: dict[str, Citation], earlier: list[Citation]) -> Citation | None:
        if title in aliases:
            return aliases[title]
        if len(title) > self.max_backref_len:
            return None
        form = self.form_of(title)
        if form is None or core_title(title) != title or not self._is_generic(title):
            return None
        for citation in reversed(earlier):
            if core_title(citation.title).endswith(title) and citation.title != title:
                return citation
        return None

    def _is_generic(self, title: str) -> bool:
        """办法, 实施意见, 纲要: a document type with no subject of its own."""
        form = self.form_of(title)
        if form is None:
            return False
        stem = title[: len(title) - len(form.suffix)]
        return len(stem) <= 2 and self._leading_place(title) == ""

    @staticmethod
    def _copy(target: Citation, start: int, end: int, surface: str) -> Citation:
        return Citation(start, end, target.title, target.kind, target.issuer, target.jurisdiction, surface)

    def _unmarked_notices(self, text: str, covered: list[tuple[int, int]], where: Jurisdiction) -> list[Citation]:
        """关于印发X的通知 written without title marks: the notice and X, as with marks."""
        found = []
        for m in UNMARKED_NOTICE.finditer(text):
            if any(s <= m.start() < e for s, e in covered) or not self.is_document(m.group("inner")):
                continue
            notice = self._citation(m.group(0), m.start(), m.end(), self.issuer_before(text, m.start(), 0), where,
                                    m.group(0))
            found += [notice, *self._nested(text, notice, [], where)]
        return found

    def _unmarked_laws(self, text: str, covered: list[tuple[int, int]], where: Jurisdiction) -> list[Citation]:
        """Law names written without marks (行政复议法, 中华人民共和国公务员法), from the law gazetteer."""
        found = []
        for m in LAW_TAIL.finditer(text):
            end = m.end()
            if any(s <= m.start() < e for s, e in covered):
                continue
            for length in range(min(self.max_law_len, end), 1, -1):
                candidate = text[end - length:end]
                if candidate in self.law_titles:
                    start = end - length
                    if NOT_CITED_AFTER.match(text[end:end + 3]) or text[max(0, start - 2):start] == "国家":
                        break
                    if text[max(0, start - len(NATIONAL_PREFIX)):start] == NATIONAL_PREFIX:
                        start -= len(NATIONAL_PREFIX)
                    title = self.law_titles[candidate]
                    law = self.gaz.law(title)
                    kind = law.kind if law else "law"
                    citation = Citation(start, end, title, kind, law.issuer if law else "", "national",
                                        text[start:end])
                    if candidate in self.gaz.abbreviations:
                        citation.aliases.append(candidate)
                    found.append(citation)
                    break
        return found


def repair_parentheses(title: str) -> str:
    """Close a parenthesis the page left open: …方案(2015-2020 -> …方案(2015-2020)."""
    return title + ")" if OPEN_QUALIFIER.search(title) else title


def loose_key(title: str) -> str:
    """A key that survives the variants one report writes of one title (a dropped 市 or 权, an open bracket)."""
    return LOOSE_CHARS.sub("", normalize_title(repair_parentheses(title)))


def merge_variants(citations: list[Citation]) -> list[Citation]:
    """Within one report: spelling variants and a year-less title become the first full spelling.

    The variant spelling is kept as an alias, so nothing the text says is lost.
    """
    canonical: dict[str, Citation] = {}
    editions: dict[str, Citation] = {}
    for c in citations:
        c.title = repair_parentheses(c.title)
        key = loose_key(c.title)
        if key not in canonical:
            canonical[key] = c
        core = loose_key(core_title(c.title))
        if core != key:
            editions.setdefault(core, c)
    for c in citations:
        key = loose_key(c.title)
        target = canonical[key]
        if key in editions and core_title(c.title) == c.title:
            target = editions[key]  # 《法治政府建设实施纲要》 after …纲要(2015-2020年) in the same report
        if target is not c and target.title != c.title:
            if c.title not in target.aliases:
                target.aliases.append(c.title)
            c.title, c.kind, c.issuer, c.jurisdiction = target.title, target.kind, target.issuer, target.jurisdiction
    return citations
