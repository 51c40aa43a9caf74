"""Export stage: Turtle, N-Triples, GraphML, JSON Lines and the build report, each written atomically."""
from __future__ import annotations

import gc
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import networkx as nx
import pyoxigraph

from .nlp.extract import Extraction


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` that replaces it only when the block succeeds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    os.chmod(tmp, 0o644)  # mkstemp creates 0600; outputs are for sharing
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_text(path: Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _dump(store: pyoxigraph.Store, path: Path, fmt: pyoxigraph.RdfFormat, names: dict[str, str] | None) -> None:
    # The store's own index order: independent of load order, so the output is the same from build to build,
    # and grouped by subject, so Turtle comes out compact.  Written in Rust, without a Python object per triple.
    with atomic_path(path) as tmp:
        options = {"prefixes": names} if names else {}
        store.dump(str(tmp), format=fmt, from_graph=pyoxigraph.DefaultGraph(), **options)


def write_ntriples(store: pyoxigraph.Store, path: Path) -> None:
    """Canonical N-Triples from the store, one triple a line."""
    _dump(store, path, pyoxigraph.RdfFormat.N_TRIPLES, None)


def write_turtle(store: pyoxigraph.Store, path: Path, names: dict[str, str]) -> None:
    """Turtle from the store, written by pyoxigraph (rdflib's writer is quadratic in the number of prefixes)."""
    _dump(store, path, pyoxigraph.RdfFormat.TURTLE, names)


def write_jsonld(store: pyoxigraph.Store, path: Path, names: dict[str, str]) -> None:
    """JSON-LD from the store, with the prefixes as context."""
    _dump(store, path, pyoxigraph.RdfFormat.JSON_LD, names)


def write_store(triples: Iterable[pyoxigraph.Triple], path: Path) -> None:
    """An embedded pyoxigraph store of the triples, swapped into place only once it is complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        store = pyoxigraph.Store(str(building))
        default = pyoxigraph.DefaultGraph()
        store.bulk_extend(pyoxigraph.Quad(t.subject, t.predicate, t.object, default) for t in triples)
        store.flush()
        del store
        gc.collect()  # the store's files are closed when the object goes
        old = None
        if path.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.old.", dir=path.parent))
            os.replace(path, old / "store")
        os.replace(building, path)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if building.exists():
            shutil.rmtree(building, ignore_errors=True)


def write_jsonl(extractions: list[Extraction], path: Path) -> None:
    lines = [json.dumps(ex.record(), ensure_ascii=False, sort_keys=False) for ex in
             sorted(extractions, key=lambda e: e.doc)]
    write_text(path, "\n".join(lines) + ("\n" if lines else ""))


XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(value: str) -> str:
    """GraphML is XML: characters XML 1.0 forbids are dropped from labels and attributes."""
    return XML_FORBIDDEN.sub("", value)


def _add_edge_ids(path: Path) -> None:
    """Gephi wants unique edge ids; networkx writes none."""
    text = path.read_text(encoding="utf-8")
    parts = text.split("<edge ")
    out = [parts[0]] + [f'<edge id="e{i}" {part}' for i, part in enumerate(parts[1:])]
    path.write_text("".join(out), encoding="utf-8")


def write_build_report(report: dict, path: Path) -> None:
    write_text(path, json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True) + "\n")


# --- Gephi networks ---------------------------------------------------------------------------------------------
# Built from the RDF graph with SPARQL, so `kg build` and `kg export` draw the same networks from the same facts.

GOV_NS = "https://w3id.org/govkg/ontology#"
NETWORK_NODES = f"""
PREFIX gov: <{GOV_NS}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
SELECT ?node ?type ?label ?kind ?level ?issuer WHERE {{
  VALUES ?cls {{ gov:Government gov:Regulation gov:Agency gov:Program }}
  ?node a ?cls ; rdfs:label ?label .
  FILTER NOT EXISTS {{ ?node a gov:Government . FILTER(?cls != gov:Government) }}
  BIND(REPLACE(STR(?cls), "^.*#", "") AS ?type)
  OPTIONAL {{ ?node eli:type_document ?k . BIND(REPLACE(STR(?k), "^.*/", "") AS ?kind) }}
  OPTIONAL {{ ?node gov:level ?level }}
  OPTIONAL {{ ?node gov:issuerText ?issuer }}
}}"""
NETWORK_EDGES = f"""
PREFIX gov: <{GOV_NS}>
SELECT ?subject ?entity ?cls ?year ?report ?sentence WHERE {{
  ?ev gov:evidenceFor ?entity ; gov:evidenceSubject ?subject ; gov:inReport ?report ; gov:sentence ?sentence .
  ?entity a ?cls . VALUES ?cls {{ gov:Regulation gov:Agency gov:Program }}
  OPTIONAL {{ ?report gov:year ?year }}
}}"""
TYPE_COLORS = {"Government": (214, 69, 65), "Regulation": (52, 120, 190), "Agency": (39, 174, 96),
               "Program": (142, 68, 173)}
VIEWS = ("full", "citations", "cocitation")


def _rows(store: pyoxigraph.Store, sparql: str) -> list[dict[str, str]]:
    solutions = store.query(sparql)
    names = [v.value for v in solutions.variables]
    return [{n: (s[n].value if s[n] is not None else "") for n in names} for s in solutions]


def networks(store: pyoxigraph.Store, view: str = "full") -> nx.DiGraph | nx.Graph:
    """The Gephi network of a view: ``full`` (all types), ``citations`` (governments and regulations), or
    ``cocitation`` (governments linked by the number of regulations both cite)."""
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; choose one of {', '.join(VIEWS)}")
    nodes = {r["node"]: r for r in _rows(store, NETWORK_NODES)}
    evidence: dict[tuple[str, str], dict] = {}
    for row in _rows(store, NETWORK_EDGES):
        relation = "cites" if row["cls"].endswith("Regulation") else "mentions"
        edge = evidence.setdefault((row["subject"], row["entity"]), {"relation": relation, "sentences": set(),
                                                                     "years": set()})
        edge["sentences"].add((row["report"], row["sentence"]))
        if row["year"]:
            edge["years"].add(int(row["year"]))
    if view == "cocitation":
        return _cocitation(nodes, evidence)
    keep_types = {"Government", "Regulation"} if view == "citations" else set(TYPE_COLORS)
    net = nx.DiGraph()
    years_of: dict[str, set[int]] = {}
    for (source, target), edge in evidence.items():
        if view == "citations" and edge["relation"] != "cites":
            continue
        years_of.setdefault(source, set()).update(edge["years"])
        years_of.setdefault(target, set()).update(edge["years"])
    for iri in sorted(nodes):
        row = nodes[iri]
        if row["type"] not in keep_types or (view == "citations" and iri not in years_of):
            continue
        net.add_node(iri, label=xml_safe(row["label"]), type=row["type"], kind=row.get("kind") or "",
                     level=row.get("level") or "", issuer=xml_safe(row.get("issuer") or ""),
                     years=sorted(years_of.get(iri, ())))
    for (source, target), edge in sorted(evidence.items()):
        if source in net and target in net and (view == "full" or edge["relation"] == "cites"):
            net.add_edge(source, target, relation=edge["relation"], weight=len(edge["sentences"]),
                         years=sorted(edge["years"]))
    return net


def _cocitation(nodes: dict, evidence: dict) -> nx.Graph:
    cited: dict[str, dict[str, set[int]]] = {}
    for (source, target), edge in evidence.items():
        if edge["relation"] == "cites":
            cited.setdefault(source, {})[target] = edge["years"]
    net = nx.Graph()
    governments = sorted(cited)
    for iri in governments:
        row = nodes.get(iri, {"label": iri, "level": ""})
        net.add_node(iri, label=xml_safe(row["label"]), type="Government", kind="", level=row.get("level") or "",
                     issuer="", years=sorted({y for ys in cited[iri].values() for y in ys}))
    for i, a in enumerate(governments):
        for b in governments[i + 1:]:
            shared = set(cited[a]) & set(cited[b])
            if shared:
                years = sorted({y for reg in shared for y in cited[a][reg] | cited[b][reg]})
                net.add_edge(a, b, relation="cocites", weight=len(shared), years=years)
    return net


def _color(node_type: str) -> tuple[int, int, int]:
    return TYPE_COLORS.get(node_type, (127, 127, 127))


def write_network_graphml(net: nx.Graph, path: Path) -> None:
    """GraphML as Gephi's importer reads it: keys named by attribute, one type each, no missing or list values."""
    flat = net.__class__()
    for node, data in net.nodes(data=True):
        flat.add_node(node, label=data["label"], type=data["type"], kind=data["kind"], level=data["level"],
                      issuer=data["issuer"], years=" ".join(str(y) for y in data["years"]),
                      degree=int(net.degree(node)))
    for source, target, data in net.edges(data=True):
        flat.add_edge(source, target, relation=data["relation"], weight=int(data["weight"]),
                      years=" ".join(str(y) for y in data["years"]))
    with atomic_path(path) as tmp:
        nx.write_graphml(flat, tmp, encoding="utf-8", prettyprint=True, named_key_ids=True)
        _add_edge_ids(tmp)


def write_gexf(net: nx.Graph, path: Path) -> None:
    """GEXF 1.3 for Gephi: label, type, viz color by type, viz size by degree, weights, and yearly spells so
    the timeline plays the spread of each regulation."""
    import xml.etree.ElementTree as ET

    ns, viz = "http://gexf.net/1.3", "http://gexf.net/1.3/viz"
    ET.register_namespace("", ns)
    ET.register_namespace("viz", viz)
    root = ET.Element(f"{{{ns}}}gexf", {"version": "1.3"})
    meta = ET.SubElement(root, f"{{{ns}}}meta")
    ET.SubElement(meta, f"{{{ns}}}creator").text = "govkg"
    ET.SubElement(meta, f"{{{ns}}}description").text = "Citations and mentions in rule-of-law government reports"
    graph = ET.SubElement(root, f"{{{ns}}}graph", {"defaultedgetype": "directed" if net.is_directed() else "undirected",
                                                   "mode": "dynamic", "timeformat": "date"})
    node_attrs = ET.SubElement(graph, f"{{{ns}}}attributes", {"class": "node", "mode": "static"})
    for name in ("type", "kind", "level", "issuer"):
        ET.SubElement(node_attrs, f"{{{ns}}}attribute", {"id": name, "title": name, "type": "string"})
    edge_attrs = ET.SubElement(graph, f"{{{ns}}}attributes", {"class": "edge", "mode": "static"})
    ET.SubElement(edge_attrs, f"{{{ns}}}attribute", {"id": "relation", "title": "relation", "type": "string"})
    nodes = ET.SubElement(graph, f"{{{ns}}}nodes")
    for node, data in net.nodes(data=True):
        element = ET.SubElement(nodes, f"{{{ns}}}node", {"id": node, "label": data["label"]})
        values = ET.SubElement(element, f"{{{ns}}}attvalues")
        for name in ("type", "kind", "level", "issuer"):
            ET.SubElement(values, f"{{{ns}}}attvalue", {"for": name, "value": str(data[name])})
        _spells(element, ns, data["years"])
        r, g, b = _color(data["type"])
        ET.SubElement(element, f"{{{viz}}}color", {"r": str(r), "g": str(g), "b": str(b), "a": "1.0"})
        ET.SubElement(element, f"{{{viz}}}size", {"value": f"{4 + 2 * net.degree(node) ** 0.5:.2f}"})
    edges = ET.SubElement(graph, f"{{{ns}}}edges")
    for index, (source, target, data) in enumerate(net.edges(data=True)):
        element = ET.SubElement(edges, f"{{{ns}}}edge", {"id": f"e{index}", "source": source, "target": target,
                                                         "weight": str(data["weight"])})
        values = ET.SubElement(element, f"{{{ns}}}attvalues")
        ET.SubElement(values, f"{{{ns}}}attvalue", {"for": "relation", "value": data["relation"]})
        _spells(element, ns, data["years"])
    ET.indent(root)
    with atomic_path(path) as tmp:
        ET.ElementTree(root).write(tmp, encoding="utf-8", xml_declaration=True)


def _spells(element, ns: str, years: list[int]) -> None:
    import xml.etree.ElementTree as ET

    if years:
        spells = ET.SubElement(element, f"{{{ns}}}spells")
        for year in years:
            ET.SubElement(spells, f"{{{ns}}}spell", {"start": f"{year}-01-01", "end": f"{year}-12-31"})


def write_views(store_path: Path, out: Path, views: tuple[str, ...] = ("full",)) -> dict[str, Path]:
    """GEXF and GraphML of each view, from the build's store: full -> out/graph.*, others -> out/views/."""
    store = pyoxigraph.Store.read_only(str(store_path))
    written = {}
    for view in views:
        net = networks(store, view)
        stem = out / "graph" if view == "full" else out / "views" / view
        write_gexf(net, stem.with_suffix(".gexf"))
        write_network_graphml(net, stem.with_suffix(".graphml"))
        written[view] = stem
    return written
