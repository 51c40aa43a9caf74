"""Graph stage: the linked corpus as an rdflib graph in the terms of ``ontology/governance.ttl``."""
from __future__ import annotations

import re

from rdflib import RDF, RDFS, SKOS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV

from . import __version__
from .link import LinkedCorpus, digest
from .nlp.extract import AGENCY, PROGRAM, REGULATION

GOV = Namespace("https://w3id.org/govkg/ontology#")
KIND = Namespace("https://w3id.org/govkg/kind/")
ATYPE = Namespace("https://w3id.org/govkg/agency-type/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
OA = Namespace("http://www.w3.org/ns/oa#")

PREFIXES = {"gov": GOV, "kind": KIND, "atype": ATYPE, "eli": ELI, "org": ORG, "schema": SCHEMA, "oa": OA,
            "skos": SKOS, "dct": DCTERMS, "prov": PROV, "rdfs": RDFS, "xsd": XSD}
KINDS = ("law", "administrative_regulation", "local_regulation", "rule", "normative_document", "party_document",
         "plan")
MENTION_PREDICATE = {REGULATION: GOV.mentions, AGENCY: GOV.mentions, PROGRAM: GOV.mentions}


CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def text_literal(value, lang: str | None = None, datatype=None) -> Literal:
    """A literal without control characters, which N-Triples and XML readers reject."""
    if isinstance(value, str):
        value = CONTROL.sub("", value)
    return Literal(value, lang=lang, datatype=datatype)


def new_graph() -> Graph:
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    graph.bind("id", Namespace("https://w3id.org/govkg/id/"))
    return graph


def build_graph(corpus: LinkedCorpus, config_fingerprint: str = "") -> Graph:
    """Every entity typed, every citation and mention both as a direct edge and as an evidence node."""
    g = new_graph()
    g.bind("id", Namespace(corpus.base))
    activity = URIRef(f"{corpus.base}build/{digest(__version__ + '|' + config_fingerprint)}")
    g.add((activity, RDF.type, GOV.BuildActivity))
    g.add((activity, RDFS.label, text_literal(f"govkg {__version__} build")))
    g.add((activity, GOV.softwareVersion, text_literal(f"govkg {__version__}")))
    for entity in sorted(corpus.entities.values(), key=lambda e: e.iri):
        _add_entity(g, entity)
    for occ in corpus.occurrences:
        report, subject, entity = URIRef(occ.report), URIRef(occ.subject), URIRef(occ.entity)
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
    node = URIRef(e.iri)
    label = text_literal(e.label, lang="zh")
    if e.type == "Report":
        g.add((node, RDF.type, GOV.Report))
        g.add((node, RDFS.label, label))
        g.add((node, GOV.reportingGovernment, URIRef(e.attrs["government"])))
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
            g.add((node, GOV.serves, URIRef(e.attrs["area"])))
    elif e.type == "Area":
        g.add((node, RDF.type, GOV.AdministrativeArea))
        g.add((node, RDF.type, SCHEMA.AdministrativeArea))
        g.add((node, RDFS.label, label))
        g.add((node, DCTERMS.identifier, text_literal(e.attrs["code"])))
        if e.attrs.get("parent"):
            g.add((node, SCHEMA.containedInPlace, URIRef(e.attrs["parent"])))
    elif e.type == "Regulation":
        g.add((node, RDF.type, GOV.Regulation))
        g.add((node, RDFS.label, label))
        g.add((node, ELI.type_document, KIND[e.attrs["kind"]]))
        g.add((node, GOV.normalizedTitle, text_literal(e.attrs["normalized"])))
        if e.attrs.get("issuer"):
            g.add((node, GOV.issuerText, text_literal(e.attrs["issuer"], lang="zh")))
        for agency in e.attrs.get("passed_by") or []:
            g.add((node, ELI.passed_by, URIRef(agency)))
        if e.attrs.get("jurisdiction_area"):
            g.add((node, ELI.jurisdiction, URIRef(e.attrs["jurisdiction_area"])))
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
            g.add((node, ORG.subOrganizationOf, URIRef(e.attrs["parent"])))
        for alt in sorted(e.alt_labels):
            g.add((node, SKOS.altLabel, text_literal(alt, lang="zh")))
    elif e.type == "Program":
        g.add((node, RDF.type, GOV.Program))
        g.add((node, RDFS.label, label))
        g.add((node, SKOS.prefLabel, label))
        g.add((node, SKOS.inScheme, GOV.programScheme))
        for alt in sorted(e.alt_labels):
            g.add((node, SKOS.altLabel, text_literal(alt, lang="zh")))


def _add_evidence(g: Graph, base: str, occ, ev, report: URIRef, subject: URIRef, entity: URIRef,
                  activity: URIRef) -> None:
    node = URIRef(f"{base}evidence/{digest(f'{occ.report}|{occ.entity}|{ev.start}|{ev.end}')}")
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


def _skolem(node: URIRef, part: str) -> URIRef:
    # Named (not blank) nodes keep output byte-identical from build to build; "-part" rather than "#part"
    # keeps every evidence IRI in the one evidence/ namespace.
    return URIRef(f"{node}-{part}")


INSTANCE_KINDS = ("report", "government", "area", "regulation", "agency", "program", "evidence", "build")


def prefixes(base: str) -> dict[str, str]:
    """Prefixes for serialisations: the vocabularies, and one per kind of instance under ``base``."""
    names = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    names.update({kind: f"{base}{kind}/" for kind in INSTANCE_KINDS})
    return names


__all__ = ["GOV", "KIND", "ATYPE", "ELI", "ORG", "SCHEMA", "OA", "build_graph", "new_graph", "BNode"]
