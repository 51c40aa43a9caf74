"""Link stage: one IRI per real-world thing across all reports.

IRI scheme (under a configurable base, default ``https://w3id.org/govkg/id/``)::

    report/<sha256 of the file, 16 hex>
    government/<division code>-<level>   or  government/<hash of name>
    area/<division code>
    regulation/<hash of identity key>     identity key = normalised title, plus the
                                          issuing scope when the title does not
                                          name its own place (two 《关于加强法治政府
                                          建设的意见》 of 国务院 and 青岛市 stay two)
    agency/<hash of full name>
    program/<hash of normalised canonical name>
    evidence/<hash of report, entity, offsets>

Hashes are the first 16 hex digits of SHA-1 over UTF-8, so IRIs are identical
from build to build and from machine to machine.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from .gazetteer import Gazetteer
from .gazetteer import load as load_gazetteer
from .nlp.extract import AGENCY, PROGRAM, REGULATION, Extraction
from .nlp.regulations import loose_key
from .textnorm import normalize_title

DEFAULT_BASE = "https://w3id.org/govkg/id/"
CHINA_CODE = "100000"
EDITION = re.compile(r"\((\d{4})[^()]*?-(\d{4})年?\)$")


def digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


@dataclass(slots=True)  # a national build holds hundreds of thousands
class Entity:
    iri: str
    type: str  # Report | Government | Area | Regulation | Agency | Program
    label: str
    attrs: dict = field(default_factory=dict)
    alt_labels: set[str] = field(default_factory=set)


@dataclass
class Occurrence:
    """An entity occurring in a report, with the evidence (offsets, sentences) behind it."""

    report: str  # report IRI
    subject: str  # government IRI (who cites / mentions)
    entity: str  # entity IRI
    label: str  # REGULATION | AGENCY | PROGRAM
    evidence: list = field(default_factory=list)


@dataclass
class LinkedCorpus:
    """Entities by IRI and the occurrences behind them: one report's, or a whole build's merged.

    Merging is independent of the order reports arrive in: where reports disagree on a label or an attribute,
    the report that sorts first (by file name, then content hash) wins, and alternative labels are pooled.
    """

    base: str
    entities: dict[str, Entity] = field(default_factory=dict)
    occurrences: list[Occurrence] = field(default_factory=list)
    ranks: dict[str, tuple] = field(default_factory=dict)  # IRI -> rank of the report its label came from
    attr_ranks: dict[tuple[str, str], tuple] = field(default_factory=dict)  # (IRI, attr) -> rank, where not the label's

    def add(self, entity: Entity) -> Entity:
        existing = self.entities.get(entity.iri)
        if existing is None:
            self.entities[entity.iri] = entity
            return entity
        existing.alt_labels |= entity.alt_labels
        for key, value in entity.attrs.items():
            existing.attrs.setdefault(key, value)
        return existing

    def merge(self, links: ReportLinks | ReportSummary) -> None:
        """Add one report's entities (not its occurrences: those stay with the report's fragment)."""
        rank = links.rank
        for entity in links.entities:
            existing = self.entities.get(entity.iri)
            if existing is None:
                self.entities[entity.iri] = Entity(entity.iri, entity.type, entity.label, dict(entity.attrs),
                                                   set(entity.alt_labels))
                self.ranks[entity.iri] = rank  # the rank of the label, and of attributes without their own
                continue
            existing.alt_labels |= entity.alt_labels
            held = self.ranks[entity.iri]
            if rank < held:
                # attributes without a rank of their own came with the label: they keep the old rank
                for key in existing.attrs:
                    self.attr_ranks.setdefault((entity.iri, key), held)
                existing.label, self.ranks[entity.iri] = entity.label, rank
            for key, value in entity.attrs.items():
                if key in existing.attrs and self.attr_ranks.get((entity.iri, key), self.ranks[entity.iri]) <= rank:
                    continue
                existing.attrs[key] = value
                if rank == self.ranks[entity.iri]:
                    self.attr_ranks.pop((entity.iri, key), None)
                else:
                    self.attr_ranks[(entity.iri, key)] = rank

    def of_type(self, type_: str) -> list[Entity]:
        return sorted((e for e in self.entities.values() if e.type == type_), key=lambda e: e.iri)


@dataclass
class ReportLinks:
    """One report linked on its own: the entities it names (with its view of their labels and attributes)
    and its occurrences.  Nothing here depends on other reports, so it can be made in a worker and cached."""

    report: str  # report IRI
    government: str  # the reporting government's IRI
    year: int | None
    rank: tuple  # (file name, content hash): the order in which disagreements between reports are settled
    entities: list[Entity]
    occurrences: list[Occurrence]

    def edges(self) -> list[list]:
        """(subject, entity, label, distinct sentences) of each occurrence: what networks and counts need."""
        return [[o.subject, o.entity, o.label, len({ev.sentence for ev in o.evidence})] for o in self.occurrences]


@dataclass
class ReportSummary:
    """What the merge needs of a report whose triples are already written: its entities and edges."""

    report: str
    year: int | None
    rank: tuple
    entities: list[Entity]
    edges: list[list]

    @classmethod
    def of(cls, links: ReportLinks) -> ReportSummary:
        return cls(links.report, links.year, links.rank, links.entities, links.edges())

    def to_json(self) -> dict:
        return {"report": self.report, "year": self.year, "rank": list(self.rank), "edges": self.edges,
                "entities": [[e.iri, e.type, e.label, e.attrs, sorted(e.alt_labels)] for e in self.entities]}

    @classmethod
    def from_json(cls, data: dict) -> ReportSummary:
        return cls(data["report"], data["year"], tuple(data["rank"]),
                   [Entity(i, t, label, attrs, set(alts)) for i, t, label, attrs, alts in data["entities"]],
                   data["edges"])


class Linker:
    """Assigns IRIs; keeps editions seen so far so a year-less title resolves to the edition in force."""

    def __init__(self, base: str = DEFAULT_BASE, gazetteer: Gazetteer | None = None):
        self.base = base if base.endswith(("/", "#")) else base + "/"
        self._gaz = gazetteer

    @property
    def gaz(self) -> Gazetteer:
        if self._gaz is None:
            self._gaz = load_gazetteer()
        return self._gaz

    def iri(self, kind: str, key: str) -> str:
        return f"{self.base}{kind}/{key}"

    def regulation_key(self, reg: dict, district: dict | None) -> str:
        # loose_key: dashes, brackets, 中华人民共和国, a dropped 市 or 权 do not make another document
        title = loose_key(reg["title"])
        kind = reg.get("kind", "")
        jurisdiction = reg.get("jurisdiction") or ""
        if kind in ("law", "administrative_regulation") or jurisdiction == "national":
            return f"national|{title}"
        names_place = district and any(
            title.startswith(normalize_title(p)) for p in (district.get("province"), district.get("city")) if p)
        if names_place or _starts_with_scope(title, jurisdiction):
            return title
        return f"{normalize_title(jurisdiction)}|{title}"

    def government(self, district: dict | None, corpus: LinkedCorpus) -> Entity:
        if not district:
            return corpus.add(Entity(self.iri("government", "unknown"), "Government", "(unrecognised government)",
                                     {"level": "unknown"}))
        code = district.get("code") or ""
        key = f"{code}-{district['level']}" if code and district["level"] != "department" else digest(district["name"])
        gov = Entity(self.iri("government", key), "Government", district["name"],
                     {k: district.get(k) for k in ("short", "city", "province", "level", "code")},
                     {district["short"]} - {district["name"], ""})
        if code:
            gov.attrs["area"] = self.area_by_code(code, corpus).iri
        return corpus.add(gov)

    def area_by_code(self, code: str, corpus: LinkedCorpus) -> Entity:
        """An administrative area with its division code, contained in its city, province and China."""
        iri = self.iri("area", code)
        if iri in corpus.entities:
            return corpus.entities[iri]
        if code == CHINA_CODE:
            return corpus.add(Entity(iri, "Area", "中华人民共和国", {"code": code}))
        division = self.gaz.division_by_code(code)
        if division is None:
            return corpus.add(Entity(iri, "Area", code, {"code": code}))
        parent_name = division.city if division.level == "county" else division.province
        parent = self.gaz.place(parent_name) if division.level != "province" else None
        parent_iri = (self.area_by_code(parent.code, corpus).iri if parent and parent.code != code
                      else self.area_by_code(CHINA_CODE, corpus).iri)
        return corpus.add(Entity(iri, "Area", division.full_name, {"code": code, "parent": parent_iri}))

    def jurisdiction_area(self, jurisdiction: str, district: dict | None, corpus: LinkedCorpus) -> str | None:
        if jurisdiction == "national":
            return self.area_by_code(CHINA_CODE, corpus).iri
        place = self.gaz.place(jurisdiction) if jurisdiction else None
        if place:
            return self.area_by_code(place.code, corpus).iri
        if district and district.get("code") and jurisdiction in (district.get("name"), district.get("short")):
            return self.area_by_code(district["code"], corpus).iri
        return None

    def issuers(self, issuer: str, corpus: LinkedCorpus) -> list[str]:
        """The agencies that passed a document (中共中央、国务院 -> two agencies)."""
        iris = []
        for name in (p for p in re.split(r"[、和]", issuer or "") if len(p) >= 2):
            entity = corpus.add(Entity(self.iri("agency", digest(name)), "Agency", name,
                                       {"agency_type": self.gaz.agency_type_of(name)}))
            iris.append(entity.iri)
        return iris

    def link(self, extractions: list[Extraction]) -> LinkedCorpus:
        """A whole corpus in memory (for tests and small jobs; builds merge report by report)."""
        corpus = LinkedCorpus(self.base)
        for ex in extractions:
            links = self.link_report(ex)
            corpus.merge(links)
            corpus.occurrences.extend(links.occurrences)
        corpus.occurrences.sort(key=lambda o: (o.report, o.entity))
        return corpus

    def link_report(self, ex: Extraction) -> ReportLinks:
        """One report's entities and occurrences, with IRIs that do not depend on any other report."""
        local = LinkedCorpus(self.base)
        self._link_one(ex, local)
        gov = next(e for e in local.entities.values() if e.type == "Government")
        return ReportLinks(self.iri("report", ex.sha256[:16]), gov.iri, ex.year, (ex.doc, ex.sha256),
                           list(local.entities.values()), local.occurrences)

    def _link_one(self, ex: Extraction, corpus: LinkedCorpus) -> None:
        report_iri = self.iri("report", ex.sha256[:16])
        gov = self.government(ex.district, corpus)
        corpus.add(Entity(report_iri, "Report", f"{gov.label} {ex.year or ''} 法治政府建设情况报告".replace("  ", " "),
                          {"year": ex.year, "published": ex.published, "source": ex.doc, "sha256": ex.sha256,
                           "government": gov.iri}))
        by_key: dict[tuple[str, str], str] = {}
        for reg in ex.regulations:
            attrs = {"kind": reg["kind"], "issuer": reg.get("issuer", ""),
                     "jurisdiction": reg.get("jurisdiction", ""), "normalized": normalize_title(reg["title"]),
                     "passed_by": self.issuers(reg.get("issuer", ""), corpus),
                     "jurisdiction_area": self.jurisdiction_area(reg.get("jurisdiction", ""), ex.district, corpus)}
            law = self.gaz.law(reg["title"])
            if law:
                attrs["registry_id"], attrs["date"] = law.registry_id, law.published
            entity = Entity(self.iri("regulation", digest(self.regulation_key(reg, ex.district))), "Regulation",
                            reg["title"], attrs, set(reg.get("aliases", [])))
            by_key[(REGULATION, normalize_title(reg["title"]))] = corpus.add(entity).iri
        own = tuple(n for n in ((ex.district or {}).get("short"), (ex.district or {}).get("name")) if n)
        for agency in ex.agencies:
            attrs = {"agency_type": agency.get("type", "other")}
            if own and agency["name"].startswith(own) and agency["name"] not in own:
                attrs["parent"] = gov.iri  # the district's own bodies sit under its government
            entity = Entity(self.iri("agency", digest(agency["name"])), "Agency", agency["name"], attrs,
                            set(agency["mentions"]) - {agency["name"]})
            by_key[(AGENCY, agency["name"])] = corpus.add(entity).iri
        for program in ex.programs:
            key = normalize_title(program["name"])
            entity = Entity(self.iri("program", digest(key)), "Program", program["name"], {},
                            {normalize_mention(m) for m in program["mentions"]} - {program["name"]})
            by_key[(PROGRAM, key)] = corpus.add(entity).iri
        grouped: dict[str, Occurrence] = {}
        for ev in ex.evidence:
            entity_iri = by_key.get((ev.label, ev.key))
            if entity_iri is None:
                continue
            occurrence = grouped.get(entity_iri)
            if occurrence is None:
                occurrence = grouped[entity_iri] = Occurrence(report_iri, gov.iri, entity_iri, ev.label)
            occurrence.evidence.append(ev)
        corpus.occurrences.extend(grouped[k] for k in sorted(grouped))


def normalize_mention(mention: str) -> str:
    return re.sub(r"[“”\"‘’]", "", mention)


def _starts_with_scope(title: str, jurisdiction: str) -> bool:
    return bool(jurisdiction) and title.startswith(normalize_title(jurisdiction)[:2])
