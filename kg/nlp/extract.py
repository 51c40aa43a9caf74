"""From an annotated Doc to a report's extraction: the gold format of ``entities.md`` plus evidence."""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from spacy.tokens import Doc

from ..textnorm import normalize_title

REGULATION, AGENCY, PROGRAM = "REGULATION", "AGENCY", "PROGRAM"


@dataclass(frozen=True)
class Evidence:
    """One occurrence of an entity: where it is in the report body and the sentence around it."""

    label: str
    key: str  # the entity's key within the report (normalised title, full name, canonical name)
    start: int
    end: int
    exact: str
    sentence: str


@dataclass
class Extraction:
    doc: str
    path: str
    sha256: str
    district: dict | None
    year: int | None
    published: str | None
    regulations: list[dict] = field(default_factory=list)
    agencies: list[dict] = field(default_factory=list)
    programs: list[dict] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def record(self) -> dict:
        """The JSON object of ``extractions.jsonl`` (gold format, with kind and mentions)."""
        return {"doc": self.doc, "district": self.district, "year": self.year, "published": self.published,
                "regulations": self.regulations, "agencies": self.agencies, "programs": self.programs}


class Sentences:
    """The Doc's sentences, found once; ``around(offset)`` is a binary search, not a walk of the Doc."""

    def __init__(self, doc: Doc):
        self.text = doc.text
        self.bounds = [(s.start_char, s.end_char) for s in doc.sents]
        self.starts = [b[0] for b in self.bounds]

    def around(self, start: int) -> str:
        index = bisect.bisect_right(self.starts, start) - 1
        if index < 0:
            return ""
        s, e = self.bounds[index]
        return self.text[s:e].strip()


def extract(report, doc: Doc) -> Extraction:
    """Group the Doc's spans into one entry per distinct entity, with every occurrence as evidence."""
    records = doc._.govkg
    sentences = Sentences(doc)
    out = Extraction(report.doc, report.path, report.sha256,
                     report.district.as_dict() if report.district else None,
                     report.year, report.published, warnings=list(report.warnings))
    regulations: dict[str, dict] = {}
    for c in records.get(REGULATION, []):
        key = normalize_title(c.title)
        entry = regulations.setdefault(key, {"title": c.title, "kind": c.kind, "issuer": c.issuer,
                                             "jurisdiction": c.jurisdiction, "aliases": []})
        if not entry["issuer"] and c.issuer:
            entry["issuer"], entry["jurisdiction"] = c.issuer, c.jurisdiction
        for alias in c.aliases:
            if alias not in entry["aliases"]:
                entry["aliases"].append(alias)
        out.evidence.append(Evidence(REGULATION, key, c.start, c.end, doc.text[c.start:c.end],
                                     sentences.around(c.start)))
    agencies: dict[str, dict] = {}
    for m in records.get(AGENCY, []):
        entry = agencies.setdefault(m.name, {"name": m.name, "type": m.type, "mentions": []})
        if m.surface not in entry["mentions"]:
            entry["mentions"].append(m.surface)
        out.evidence.append(Evidence(AGENCY, m.name, m.start, m.end, m.surface, sentences.around(m.start)))
    programs: dict[str, dict] = {}
    for m in records.get(PROGRAM, []):
        key = normalize_title(m.name)
        entry = programs.setdefault(key, {"name": m.name, "mentions": []})
        for form in (m.surface, m.core):
            if form and form not in entry["mentions"]:
                entry["mentions"].append(form)
        out.evidence.append(Evidence(PROGRAM, key, m.start, m.end, m.surface, sentences.around(m.start)))
    out.regulations = list(regulations.values())
    out.agencies = list(agencies.values())
    out.programs = list(programs.values())
    return out
