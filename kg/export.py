"""Export stage: Turtle, N-Triples, GraphML, JSON Lines and the build report, each written atomically."""
from __future__ import annotations

import gc
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import networkx as nx
import pyoxigraph
from rdflib import Graph

from .graph import PREFIXES
from .link import LinkedCorpus, citation_weights
from .nlp.extract import REGULATION, Extraction

NODE_TYPES = ("Government", "Regulation", "Agency", "Program")


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


def write_turtle(graph: Graph, path: Path) -> None:
    write_text(path, graph.serialize(format="turtle"))


def write_ntriples(graph: Graph, path: Path) -> None:
    """N-Triples, one triple a line, sorted: diffable and byte-identical from build to build."""
    lines = sorted(set(graph.serialize(format="nt").split("\n")) - {""})  # not splitlines(): U+0085 is data
    write_text(path, "\n".join(lines) + "\n")


def write_jsonld(graph: Graph, path: Path) -> None:
    """JSON-LD with the project's prefixes as context; nodes sorted by @id so builds compare byte for byte."""
    used = {str(ns) for ns in PREFIXES.values()} | {str(ns) for p, ns in graph.namespaces() if p == "id"}
    context = {prefix: str(ns) for prefix, ns in graph.namespaces() if prefix and str(ns) in used}
    data = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
    nodes = data.get("@graph", [data] if "@id" in data else [])
    for node in nodes:
        for key, value in node.items():
            if isinstance(value, list):
                node[key] = sorted(value, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    body = {"@context": data.get("@context", context), "@graph": sorted(nodes, key=lambda n: n.get("@id", ""))}
    write_text(path, json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True) + "\n")


def write_store(ntriples: Path, path: Path) -> None:
    """An embedded pyoxigraph store of the graph, swapped into place only once it is complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        store = pyoxigraph.Store(str(building))
        with open(ntriples, "rb") as fh:
            store.bulk_load(fh, format=pyoxigraph.RdfFormat.N_TRIPLES)
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


def network(corpus: LinkedCorpus) -> nx.DiGraph:
    """The graph Gephi users want: governments, regulations, agencies, programs; weighted edges."""
    net = nx.DiGraph()
    for entity in sorted(corpus.entities.values(), key=lambda e: e.iri):
        if entity.type not in NODE_TYPES:
            continue
        attrs = {"label": entity.label, "type": entity.type, "iri": entity.iri}
        if entity.type == "Regulation":
            attrs["kind"] = entity.attrs.get("kind", "")
            attrs["issuer"] = entity.attrs.get("issuer", "")
        if entity.type == "Government":
            attrs["level"] = entity.attrs.get("level") or ""
            attrs["province"] = entity.attrs.get("province") or ""
        attrs["aliases"] = "|".join(sorted(entity.alt_labels))
        net.add_node(entity.iri, **{k: xml_safe(v) if isinstance(v, str) else v for k, v in attrs.items()})
    weights = citation_weights(corpus)
    counts: dict[tuple[str, str, str], int] = {}
    for occ in corpus.occurrences:
        relation = "cites" if occ.label == REGULATION else "mentions"
        key = (occ.subject, occ.entity, relation)
        counts[key] = counts.get(key, 0) + len(occ.evidence)
    for (source, target, relation), count in sorted(counts.items()):
        if source not in net or target not in net:
            continue
        weight = weights.get((source, target), count) if relation == "cites" else count
        net.add_edge(source, target, relation=relation, weight=int(weight), label=relation)
    return net


def write_graphml(corpus: LinkedCorpus, path: Path) -> None:
    net = network(corpus)
    with atomic_path(path) as tmp:
        nx.write_graphml(net, tmp, encoding="utf-8", prettyprint=True, named_key_ids=True,
                         edge_id_from_attribute=None)
        _add_edge_ids(tmp)


def _add_edge_ids(path: Path) -> None:
    """Gephi wants unique edge ids; networkx writes none for a DiGraph."""
    text = path.read_text(encoding="utf-8")
    parts = text.split("<edge ")
    out = [parts[0]] + [f'<edge id="e{i}" {part}' for i, part in enumerate(parts[1:])]
    path.write_text("".join(out), encoding="utf-8")


def write_build_report(report: dict, path: Path) -> None:
    write_text(path, json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
