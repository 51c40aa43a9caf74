"""Graph stage: the linked corpus as RDF triples in the terms of ``ontology/governance.ttl``.

Triples are pyoxigraph terms, loaded straight into the build's store; every file is then written from the
store (rdflib is used only to validate and in tests).
"""
from __future__ import annotations

import re

import pyoxigraph as ox

from . import __version__
from .link import LinkedCorpus, digest
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


def IRI(value: str) -> ox.NamedNode:  # noqa: N802 - reads like the rdflib URIRef it replaces
    return ox.NamedNode(value)


def text_literal(value, lang: str | None = None, datatype: ox.NamedNode | None = None) -> ox.Literal:
    """A literal without control characters, which N-Triples and XML readers reject."""
    text = CONTROL.sub("", str(value))
    if lang:
        return ox.Literal(text, language=lang)
    return ox.Literal(text, datatype=datatype) if datatype else ox.Literal(text)


class Graph:
    """The triples of a build, in the order they were made (the store orders them)."""

    def __init__(self) -> None:
        self.triples: list[ox.Triple] = []

    def add(self, triple: tuple) -> None:
        self.triples.append(ox.Triple(*triple))

    def __len__(self) -> int:
        return len(self.triples)

    def __iter__(self):
        return iter(self.triples)


def build_graph(corpus: LinkedCorpus, config_fingerprint: str = "") -> Graph:
    """Every entity typed, every citation and mention both as a direct edge and as an evidence node."""
    g = Graph()
    activity = IRI(f"{corpus.base}build/{digest(__version__ + '|' + config_fingerprint)}")
    g.add((activity, RDF.type, GOV.BuildActivity))
    g.add((activity, RDFS.label, text_literal(f"govkg {__version__} build")))
    g.add((activity, GOV.softwareVersion, text_literal(f"govkg {__version__}")))
    for entity in sorted(corpus.entities.values(), key=lambda e: e.iri):
        _add_entity(g, entity)
    for occ in corpus.occurrences:
        report, subject, entity = IRI(occ.report), IRI(occ.subject), IRI(occ.entity)
        g.add((report, GOV.mentions, entity))
        if occ.label == REGULATION:
            g.add((subject, GOV.cites, entity))
            g.add((report, GOV.cites, entity))
        elif occ.label == PROGRAM:
            g.add((subject, GOV.runsProgram, entity))
        for ev in occ.evidence:
            _add_evidence(g, corpus.base, occ, ev, report, subject, entity, activity)
    return g


def _add_entity(g: Graph, e) -> None:
    node = IRI(e.iri)
    label = text_literal(e.label, lang="zh")
    if e.type == "Report":
        g.add((node, RDF.type, GOV.Report))
        g.add((node, RDFS.label, label))
        g.add((node, GOV.reportingGovernment, IRI(e.attrs["government"])))
        if e.attrs.get("year"):
            g.add((node, GOV.year, text_literal(str(e.attrs["year"]), datatype=XSD.gYear)))
        if e.attrs.get("published"):
            g.add((node, DCTERMS.issued, text_literal(e.attrs["published"], datatype=XSD.date)))
        g.add((node, GOV.sourceFile, text_literal(e.attrs["source"])))
        g.add((node, GOV.sha256, text_literal(e.attrs["sha256"])))
    elif e.type == "Government":
        for cls in (GOV.Government, GOV.Agency):
            g.add((node, RDF.type, cls))
        g.add((node, RDFS.label, label))
        g.add((node, GOV.level, text_literal(e.attrs.get("level") or "unknown")))
        for alt in sorted(e.alt_labels):
            g.add((node, GOV.shortName, text_literal(alt, lang="zh")))
        if e.attrs.get("area"):
            g.add((node, GOV.serves, IRI(e.attrs["area"])))
    elif e.type == "Area":
        g.add((node, RDF.type, GOV.AdministrativeArea))
        g.add((node, RDF.type, SCHEMA.AdministrativeArea))
        g.add((node, RDFS.label, label))
        g.add((node, DCTERMS.identifier, text_literal(e.attrs["code"])))
        if e.attrs.get("parent"):
            g.add((node, SCHEMA.containedInPlace, IRI(e.attrs["parent"])))
    elif e.type == "Regulation":
        g.add((node, RDF.type, GOV.Regulation))
        g.add((node, RDFS.label, label))
        g.add((node, ELI.type_document, KIND[e.attrs["kind"]]))
        g.add((node, GOV.normalizedTitle, text_literal(e.attrs["normalized"])))
        if e.attrs.get("issuer"):
            g.add((node, GOV.issuerText, text_literal(e.attrs["issuer"], lang="zh")))
        for agency in e.attrs.get("passed_by") or []:
            g.add((node, ELI.passed_by, IRI(agency)))
        if e.attrs.get("jurisdiction_area"):
            g.add((node, ELI.jurisdiction, IRI(e.attrs["jurisdiction_area"])))
        if e.attrs.get("registry_id"):
            g.add((node, GOV.lawRegistryId, text_literal(e.attrs["registry_id"])))
        if e.attrs.get("date") and len(e.attrs["date"]) == 10:
            g.add((node, ELI.date_document, text_literal(e.attrs["date"], datatype=XSD.date)))
        for alt in sorted(e.alt_labels):
            g.add((node, SKOS.altLabel, text_literal(alt, lang="zh")))
    elif e.type == "Agency":
        g.add((node, RDF.type, GOV.Agency))
        g.add((node, RDFS.label, label))
        g.add((node, ORG.classification, ATYPE[e.attrs.get("agency_type") or "other"]))
        if e.attrs.get("parent"):
            g.add((node, ORG.subOrganizationOf, IRI(e.attrs["parent"])))
        for alt in sorted(e.alt_labels):
            g.add((node, SKOS.altLabel, text_literal(alt, lang="zh")))
    elif e.type == "Program":
        g.add((node, RDF.type, GOV.Program))
        g.add((node, RDFS.label, label))
        g.add((node, SKOS.prefLabel, label))
        g.add((node, SKOS.inScheme, GOV.programScheme))
        for alt in sorted(e.alt_labels):
            g.add((node, SKOS.altLabel, text_literal(alt, lang="zh")))


def _add_evidence(g: Graph, base: str, occ, ev, report, subject, entity, activity) -> None:
    node = IRI(f"{base}evidence/{digest(f'{occ.report}|{occ.entity}|{ev.start}|{ev.end}')}")
    g.add((node, RDF.type, GOV.Evidence))
    g.add((node, GOV.inReport, report))
    g.add((node, GOV.evidenceSubject, subject))
    g.add((node, GOV.evidenceFor, entity))
    g.add((node, GOV.sentence, text_literal(ev.sentence, lang="zh")))
    g.add((node, PROV.wasGeneratedBy, activity))
    target = _skolem(node, "target")
    position = _skolem(node, "position")
    quote = _skolem(node, "quote")
    g.add((node, OA.hasTarget, target))
    g.add((target, OA.hasSource, report))
    g.add((target, OA.hasSelector, position))
    g.add((target, OA.hasSelector, quote))
    g.add((position, RDF.type, OA.TextPositionSelector))
    g.add((position, OA.start, text_literal(ev.start, datatype=XSD.integer)))
    g.add((position, OA.end, text_literal(ev.end, datatype=XSD.integer)))
    g.add((quote, RDF.type, OA.TextQuoteSelector))
    g.add((quote, OA.exact, text_literal(ev.exact, lang="zh")))


def _skolem(node: ox.NamedNode, part: str) -> ox.NamedNode:
    # Named (not blank) nodes keep output byte-identical from build to build; "-part" rather than "#part"
    # keeps every evidence IRI in the one evidence/ namespace.
    return IRI(f"{node.value}-{part}")


INSTANCE_KINDS = ("report", "government", "area", "regulation", "agency", "program", "evidence", "build")


def prefixes(base: str) -> dict[str, str]:
    """Prefixes for serialisations: the vocabularies, and one per kind of instance under ``base``."""
    names = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    names.update({kind: f"{base}{kind}/" for kind in INSTANCE_KINDS})
    return names


__all__ = ["GOV", "KIND", "ATYPE", "ELI", "ORG", "SCHEMA", "OA", "Graph", "build_graph", "prefixes"]
