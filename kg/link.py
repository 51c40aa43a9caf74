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
from collections import defaultdict
from dataclasses import dataclass, field

from .nlp.extract import AGENCY, PROGRAM, REGULATION, Extraction
from .textnorm import normalize_title

DEFAULT_BASE = "https://w3id.org/govkg/id/"
EDITION = re.compile(r"\((\d{4})[^()]*?-(\d{4})年?\)$")


def digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


@dataclass
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
    base: str
    entities: dict[str, Entity] = field(default_factory=dict)
    occurrences: list[Occurrence] = field(default_factory=list)

    def add(self, entity: Entity) -> Entity:
        existing = self.entities.get(entity.iri)
        if existing is None:
            self.entities[entity.iri] = entity
            return entity
        existing.alt_labels |= entity.alt_labels
        for key, value in entity.attrs.items():
            existing.attrs.setdefault(key, value)
        return existing

    def of_type(self, type_: str) -> list[Entity]:
        return sorted((e for e in self.entities.values() if e.type == type_), key=lambda e: e.iri)


class Linker:
    """Assigns IRIs; keeps editions seen so far so a year-less title resolves to the edition in force."""

    def __init__(self, base: str = DEFAULT_BASE):
        self.base = base if base.endswith(("/", "#")) else base + "/"

    def iri(self, kind: str, key: str) -> str:
        return f"{self.base}{kind}/{key}"

    def regulation_key(self, reg: dict, district: dict | None) -> str:
        title = normalize_title(reg["title"])
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
            gov.attrs["area"] = self.area(code, district, corpus).iri
        return corpus.add(gov)

    def area(self, code: str, district: dict, corpus: LinkedCorpus) -> Entity:
        area_name = district["name"] if district["level"] in ("province", "city", "county") else district["city"]
        return corpus.add(Entity(self.iri("area", code), "Area", area_name or code,
                                 {"code": code, "province": district.get("province", "")}))

    def link(self, extractions: list[Extraction]) -> LinkedCorpus:
        corpus = LinkedCorpus(self.base)
        for ex in sorted(extractions, key=lambda e: (e.doc, e.sha256)):
            self._link_one(ex, corpus)
        return corpus

    def _link_one(self, ex: Extraction, corpus: LinkedCorpus) -> None:
        report_iri = self.iri("report", ex.sha256[:16])
        gov = self.government(ex.district, corpus)
        corpus.add(Entity(report_iri, "Report", f"{gov.label} {ex.year or ''} 法治政府建设情况报告".replace("  ", " "),
                          {"year": ex.year, "published": ex.published, "source": ex.doc, "sha256": ex.sha256,
                           "government": gov.iri}))
        by_key: dict[tuple[str, str], str] = {}
        for reg in ex.regulations:
            entity = Entity(self.iri("regulation", digest(self.regulation_key(reg, ex.district))), "Regulation",
                            reg["title"], {"kind": reg["kind"], "issuer": reg.get("issuer", ""),
                                           "jurisdiction": reg.get("jurisdiction", ""),
                                           "normalized": normalize_title(reg["title"])},
                            set(reg.get("aliases", [])))
            by_key[(REGULATION, normalize_title(reg["title"]))] = corpus.add(entity).iri
        for agency in ex.agencies:
            entity = Entity(self.iri("agency", digest(agency["name"])), "Agency", agency["name"],
                            {"agency_type": agency.get("type", "other"), "government": gov.iri},
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


def citation_weights(corpus: LinkedCorpus) -> dict[tuple[str, str], int]:
    """(government, regulation) -> number of citing sentences, over all reports."""
    weights: dict[tuple[str, str], set] = defaultdict(set)
    for occ in corpus.occurrences:
        if occ.label == REGULATION:
            for ev in occ.evidence:
                weights[(occ.subject, occ.entity)].add((occ.report, ev.sentence))
    return {k: len(v) for k, v in weights.items()}
