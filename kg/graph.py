"""Graph stage: linked reports as RDF triples in the terms of ``ontology/governance.ttl``.

A build's graph has two parts.  Each report owns its description, its ``mentions``/``cites`` and its evidence
nodes (every subject there is the report or one of its evidence nodes), so a report's triples depend on that
report alone and can be made in a worker, cached, and replaced when the file changes.  The shared part holds
every other entity, as merged across reports, and the governments' direct edges.

Triples are N-Triples lines; pyoxigraph (Rust) parses them into the store and writes Turtle and JSON-LD.
"""
from __future__ import annotations

import re
import zlib
from collections.abc import Iterator

import pyoxigraph as ox

from . import __version__
from .link import Entity, LinkedCorpus, Occurrence, digest
from .nlp.extract import PROGRAM, REGULATION


class Vocabulary:
    """A namespace whose attributes and items are IRIs: ``GOV.Regulation``, ``KIND["law"]``."""

    def __init__(self, iri: str):
        self.iri = iri

    def __getattr__(self, name: str) -> ox.NamedNode:
        if name.startswith("__"):
            raise AttributeError(name)
        return ox.NamedNode(self.iri + name)

    def __getitem__(self, name: str) -> ox.NamedNode:
        return ox.NamedNode(self.iri + name)

    def __str__(self) -> str:
        return self.iri


GOV = Vocabulary("https://w3id.org/govkg/ontology#")
KIND = Vocabulary("https://w3id.org/govkg/kind/")
ATYPE = Vocabulary("https://w3id.org/govkg/agency-type/")
ELI = Vocabulary("http://data.europa.eu/eli/ontology#")
ORG = Vocabulary("http://www.w3.org/ns/org#")
SCHEMA = Vocabulary("https://schema.org/")
OA = Vocabulary("http://www.w3.org/ns/oa#")
SKOS = Vocabulary("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Vocabulary("http://purl.org/dc/terms/")
PROV = Vocabulary("http://www.w3.org/ns/prov#")
RDF = Vocabulary("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Vocabulary("http://www.w3.org/2000/01/rdf-schema#")
XSD = Vocabulary("http://www.w3.org/2001/XMLSchema#")

PREFIXES = {"gov": GOV, "kind": KIND, "atype": ATYPE, "eli": ELI, "org": ORG, "schema": SCHEMA, "oa": OA,
            "skos": SKOS, "dct": DCTERMS, "prov": PROV, "rdfs": RDFS, "xsd": XSD}
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def nt_iri(value: str) -> str:
    return f"<{value}>"


def nt_literal(value, lang: str | None = None, datatype: Vocabulary | str | None = None) -> str:
    """An N-Triples literal, without the control characters that N-Triples and XML readers reject."""
    text = CONTROL.sub("", str(value)).replace("\\", "\\\\").replace('"', '\\"')
    text = text.replace("\n", "\\n").replace("\r", "\\r")
    if lang:
        return f'"{text}"@{lang}'
    return f'"{text}"^^<{datatype}>' if datatype else f'"{text}"'


class Graph:
    """Triples as N-Triples lines, in the order they were made.  Lines rather than term objects: a build makes
    millions, and every serialisation (and the store) is produced from N-Triples by pyoxigraph in Rust."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, subject: str, predicate: str, obj: str) -> None:
        self.lines.append(f"{subject} {predicate} {obj} .\n")

    def text(self) -> str:
        return "".join(self.lines)

    def __len__(self) -> int:
        return len(self.lines)

    def __iter__(self):
        """The triples as pyoxigraph terms."""
        return iter(ox.parse(self.text().encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))


class Terms:
    """N-Triples spellings of the vocabulary terms, made once: ``T.gov("cites")`` -> ``<...#cites>``."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], str] = {}

    def __call__(self, vocabulary: Vocabulary, name: str) -> str:
        key = (vocabulary.iri, name)
        term = self._cache.get(key)
        if term is None:
            term = self._cache[key] = f"<{vocabulary.iri}{name}>"
        return term


T = Terms()


def activity_iri(base: str, config_fingerprint: str = "") -> str:
    """The build activity: one per software version and pipeline configuration."""
    return f"{base}build/{digest(__version__ + '|' + config_fingerprint)}"


def build_graph(corpus: LinkedCorpus, config_fingerprint: str = "") -> Graph:
    """A whole linked corpus as one graph (tests and small jobs): the shared part, then each report's part."""
    g = shared_graph(corpus, config_fingerprint)
    activity = activity_iri(corpus.base, config_fingerprint)
    reports = {e.iri: e for e in corpus.entities.values() if e.type == "Report"}
    by_report: dict[str, list] = {}
    for occ in corpus.occurrences:
        by_report.setdefault(occ.report, []).append(occ)
    for iri in sorted(reports):
        g.lines += report_graph(reports[iri], by_report.get(iri, []), corpus.base, activity).lines
    return g


def shared_graph(corpus: LinkedCorpus, config_fingerprint: str = "", edges: dict | None = None) -> Graph:
    """What no single report owns, as one graph (see :func:`shared_chunks`)."""
    g = Graph()
    for chunk in shared_chunks(corpus, config_fingerprint, edges):
        g.lines += chunk.lines
    return g


SHARED_CHUNK = 20_000  # a chunk ends after the unit that reaches this many triples: the shared part is made,
# written and loaded a chunk at a time
CHUNK_MIN = 1_000  # fewest triples in a chunk before a content-chosen cut
CUT_ONE_IN = 256  # after the minimum, a chunk ends after about one unit (entity or edge) in this many


def _cut_after(key: str, size: int) -> bool:
    """Whether a chunk of ``size`` triples ends after the unit named ``key``.  The cut is chosen by the unit's
    content, not by a count from the start, so adding or dropping an entity moves only the cut beside it, and a
    rebuild finds every other chunk byte for byte as it was (and copies its Turtle and JSON-LD)."""
    return size >= SHARED_CHUNK or (size >= CHUNK_MIN and zlib.crc32(key.encode("utf-8")) % CUT_ONE_IN == 0)


def shared_chunks(corpus: LinkedCorpus, config_fingerprint: str = "", edges: dict | None = None) -> Iterator[Graph]:
    """What no single report owns: the build activity, every entity but reports, and the governments' direct
    ``cites`` and ``runsProgram`` edges (``edges``: (government, entity) -> relation; else from occurrences).

    In graphs of at most about :data:`SHARED_CHUNK` triples, cut between subjects (see :func:`_cut_after`), so memory
    stays flat on a national corpus; the cuts depend only on the content."""
    g = Graph()
    activity = nt_iri(activity_iri(corpus.base, config_fingerprint))
    g.add(activity, T(RDF, "type"), T(GOV, "BuildActivity"))
    g.add(activity, T(RDFS, "label"), nt_literal(f"govkg {__version__} build"))
    g.add(activity, T(GOV, "softwareVersion"), nt_literal(f"govkg {__version__}"))
    for iri in sorted(corpus.entities):
        entity = corpus.entities[iri]
        if entity.type != "Report":
            _add_entity(g, entity)
        if _cut_after(iri, len(g)):
            yield g
            g = Graph()
    if edges is None:
        edges = {(o.subject, o.entity): o.label for o in corpus.occurrences}
    for (subject, entity), relation in sorted(edges.items()):
        if relation == REGULATION:
            g.add(nt_iri(subject), T(GOV, "cites"), nt_iri(entity))
        elif relation == PROGRAM:
            g.add(nt_iri(subject), T(GOV, "runsProgram"), nt_iri(entity))
        if _cut_after(subject + entity, len(g)):
            yield g
            g = Graph()
    if len(g):
        yield g


def report_graph(report: Entity, occurrences: list, base: str, activity: str) -> Graph:
    """What one report owns: its description, what it mentions and cites, and the evidence for each."""
    g = Graph()
    _add_entity(g, report)
    node = nt_iri(report.iri)
    activity_term = nt_iri(activity)
    for occ in occurrences:
        entity = nt_iri(occ.entity)
        g.add(node, T(GOV, "mentions"), entity)
        if occ.label == REGULATION:
            g.add(node, T(GOV, "cites"), entity)
        for ev in occ.evidence:
            _add_evidence(g, base, occ, ev, node, entity, activity_term)
    g.lines = list(dict.fromkeys(g.lines))  # one evidence node for a span found twice
    return g


def _add_entity(g: Graph, e: Entity) -> None:
    node = nt_iri(e.iri)
    label = nt_literal(e.label, lang="zh")
    a = T(RDF, "type")
    if e.type == "Report":
        g.add(node, a, T(GOV, "Report"))
        g.add(node, T(RDFS, "label"), label)
        g.add(node, T(GOV, "reportingGovernment"), nt_iri(e.attrs["government"]))
        if e.attrs.get("year"):
            g.add(node, T(GOV, "year"), nt_literal(str(e.attrs["year"]), datatype=XSD.iri + "gYear"))
        if e.attrs.get("published"):
            g.add(node, T(DCTERMS, "issued"), nt_literal(e.attrs["published"], datatype=XSD.iri + "date"))
        g.add(node, T(GOV, "sourceFile"), nt_literal(e.attrs["source"]))
        g.add(node, T(GOV, "sha256"), nt_literal(e.attrs["sha256"]))
    elif e.type == "Government":
        g.add(node, a, T(GOV, "Government"))
        g.add(node, a, T(GOV, "Agency"))
        g.add(node, T(RDFS, "label"), label)
        g.add(node, T(GOV, "level"), nt_literal(e.attrs.get("level") or "unknown"))
        for alt in sorted(e.alt_labels):
            g.add(node, T(GOV, "shortName"), nt_literal(alt, lang="zh"))
        if e.attrs.get("area"):
            g.add(node, T(GOV, "serves"), nt_iri(e.attrs["area"]))
    elif e.type == "Area":
        g.add(node, a, T(GOV, "AdministrativeArea"))
        g.add(node, a, T(SCHEMA, "AdministrativeArea"))
        g.add(node, T(RDFS, "label"), label)
        g.add(node, T(DCTERMS, "identifier"), nt_literal(e.attrs["code"]))
        if e.attrs.get("parent"):
            g.add(node, T(SCHEMA, "containedInPlace"), nt_iri(e.attrs["parent"]))
    elif e.type == "Regulation":
        _add_regulation(g, e, node, label)
    elif e.type == "Agency":
        g.add(node, a, T(GOV, "Agency"))
        g.add(node, T(RDFS, "label"), label)
        g.add(node, T(ORG, "classification"), nt_iri(ATYPE.iri + (e.attrs.get("agency_type") or "other")))
        if e.attrs.get("parent"):
            g.add(node, T(ORG, "subOrganizationOf"), nt_iri(e.attrs["parent"]))
        _add_alt_labels(g, node, e)
    elif e.type == "Program":
        g.add(node, a, T(GOV, "Program"))
        g.add(node, T(RDFS, "label"), label)
        g.add(node, T(SKOS, "prefLabel"), label)
        g.add(node, T(SKOS, "inScheme"), T(GOV, "programScheme"))
        _add_alt_labels(g, node, e)


def _add_regulation(g: Graph, e: Entity, node: str, label: str) -> None:
    g.add(node, T(RDF, "type"), T(GOV, "Regulation"))
    g.add(node, T(RDFS, "label"), label)
    g.add(node, T(ELI, "type_document"), nt_iri(KIND.iri + e.attrs["kind"]))
    g.add(node, T(GOV, "normalizedTitle"), nt_literal(e.attrs["normalized"]))
    if e.attrs.get("issuer"):
        g.add(node, T(GOV, "issuerText"), nt_literal(e.attrs["issuer"], lang="zh"))
    for agency in e.attrs.get("passed_by") or []:
        g.add(node, T(ELI, "passed_by"), nt_iri(agency))
    if e.attrs.get("jurisdiction_area"):
        g.add(node, T(ELI, "jurisdiction"), nt_iri(e.attrs["jurisdiction_area"]))
    if e.attrs.get("registry_id"):
        g.add(node, T(GOV, "lawRegistryId"), nt_literal(e.attrs["registry_id"]))
    if e.attrs.get("date") and len(e.attrs["date"]) == 10:
        g.add(node, T(ELI, "date_document"), nt_literal(e.attrs["date"], datatype=XSD.iri + "date"))
    _add_alt_labels(g, node, e)


def _add_alt_labels(g: Graph, node: str, e: Entity) -> None:
    for alt in sorted(e.alt_labels):
        g.add(node, T(SKOS, "altLabel"), nt_literal(alt, lang="zh"))


def _add_evidence(g: Graph, base: str, occ: Occurrence, ev, report: str, entity: str, activity: str) -> None:
    iri = f"{base}evidence/{digest(f'{occ.report}|{occ.entity}|{ev.start}|{ev.end}')}"
    node, target, position, quote = (nt_iri(iri), nt_iri(f"{iri}-target"), nt_iri(f"{iri}-position"),
                                     nt_iri(f"{iri}-quote"))  # named, not blank: output stays byte-identical
    a = T(RDF, "type")
    g.add(node, a, T(GOV, "Evidence"))
    g.add(node, T(GOV, "inReport"), report)
    g.add(node, T(GOV, "evidenceSubject"), nt_iri(occ.subject))
    g.add(node, T(GOV, "evidenceFor"), entity)
    g.add(node, T(GOV, "sentence"), nt_literal(ev.sentence, lang="zh"))
    g.add(node, T(PROV, "wasGeneratedBy"), activity)
    g.add(node, T(OA, "hasTarget"), target)
    g.add(target, T(OA, "hasSource"), report)
    g.add(target, T(OA, "hasSelector"), position)
    g.add(target, T(OA, "hasSelector"), quote)
    g.add(position, a, T(OA, "TextPositionSelector"))
    g.add(position, T(OA, "start"), nt_literal(ev.start, datatype=XSD.iri + "integer"))
    g.add(position, T(OA, "end"), nt_literal(ev.end, datatype=XSD.iri + "integer"))
    g.add(quote, a, T(OA, "TextQuoteSelector"))
    g.add(quote, T(OA, "exact"), nt_literal(ev.exact, lang="zh"))


INSTANCE_KINDS = ("report", "government", "area", "regulation", "agency", "program", "evidence", "build")


def prefixes(base: str) -> dict[str, str]:
    """Prefixes for serialisations: the vocabularies, and one per kind of instance under ``base``."""
    names = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    names.update({kind: f"{base}{kind}/" for kind in INSTANCE_KINDS})
    return names


__all__ = ["GOV", "KIND", "ATYPE", "ELI", "ORG", "SCHEMA", "OA", "Graph", "build_graph", "prefixes"]
