"""Export stage: Turtle, N-Triples, GraphML, JSON Lines and the build report, each written atomically."""
from __future__ import annotations

import functools
import gc
import json
import os
import queue
import re
import shutil
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, NamedTuple
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph
import pyoxigraph as ox

from .graph import Graph


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


# --- Per-report assembly ----------------------------------------------------------------------------------------
# extractions.jsonl, graph.nt, graph.ttl and graph.jsonld are each a header, one fragment per report in input
# order, the shared part and a footer.  Fragments are made once per report (in whichever process extracted it)
# and a rebuild copies the fragments of unchanged reports from the previous files byte for byte.

FRAGMENT_FILES = {"extractions": "extractions.jsonl", "ntriples": "graph.nt", "turtle": "graph.ttl",
                  "jsonld": "graph.jsonld"}


@dataclass
class Fragment:
    """One report's (or the shared part's) bytes in each per-report file."""

    extractions: bytes
    ntriples: bytes
    turtle: bytes
    jsonld: bytes


def turtle_header(names: dict[str, str]) -> bytes:
    return "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in sorted(names.items())).encode("utf-8") + b"\n"


def fragment_from_ntriples(record: str, ntriples: str, names: dict[str, str]) -> Fragment:
    """A fragment's Turtle (without prefix lines: the file has them once) and JSON-LD node objects (without the
    enclosing array), both written by pyoxigraph from the N-Triples."""
    nt = ntriples.encode("utf-8")
    triples = list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))
    turtle = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=names) if triples else b""
    lines = turtle.split(b"\n")
    while lines and (lines[0].startswith(b"@prefix ") or not lines[0].strip()):
        lines.pop(0)
    turtle = b"\n".join(lines)
    jsonld = ox.serialize(triples, format=ox.RdfFormat.JSON_LD).strip() if triples else b""
    if jsonld.startswith(b"[") and jsonld.endswith(b"]"):
        jsonld = jsonld[1:-1].strip()
    return Fragment(record.encode("utf-8"), nt, turtle, jsonld)


@dataclass
class Span:
    """Where a fragment sits in each file: name -> (offset, length)."""

    ranges: dict[str, tuple[int, int]]


class Assembly:
    """The per-report files being written beside the old ones; they replace them only in :meth:`commit`.

    Use: ``add`` or ``splice`` each report's fragment, ``add`` the shared part, ``close``, then ``commit``
    (or ``discard``)."""

    def __init__(self, out: Path, names: dict[str, str]):
        out.mkdir(parents=True, exist_ok=True)
        self.paths = {name: out / file for name, file in FRAGMENT_FILES.items()}
        self.temps: dict[str, Path] = {}
        self.files = {}
        for name, path in self.paths.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=out)
            os.chmod(tmp, 0o644)
            self.temps[name] = Path(tmp)
            self.files[name] = os.fdopen(fd, "wb", buffering=1 << 20)
        self.files["turtle"].write(turtle_header(names))
        self.files["jsonld"].write(b"[")
        self.jsonld_items = 0

    def add(self, fragment: Fragment) -> Span:
        ranges = {}
        for name in FRAGMENT_FILES:
            data = getattr(fragment, name)
            ranges[name] = self._write(name, data)
        return Span(ranges)

    def splice(self, old: dict[str, BinaryIO], span: Span, ntriples: bool = True) -> tuple[Span, bytes]:
        """Copy a fragment from the previous files, without parsing; returns where it went and, if asked for,
        its N-Triples.  What need not pass through Python is copied by the kernel."""
        ranges, data = {}, b""
        for name in FRAGMENT_FILES:
            offset, length = span.ranges[name]
            if name == "ntriples" and ntriples:
                old[name].seek(offset)
                data = old[name].read(length)
                ranges[name] = self._write(name, data)
            else:
                ranges[name] = self._copy(name, old[name], offset, length)
        return Span(ranges), data

    def _copy(self, name: str, source: BinaryIO, offset: int, length: int) -> tuple[int, int]:
        handle = self._separate(name, length)
        handle.flush()
        start = handle.tell()
        copied = 0
        try:
            while copied < length:
                done = os.copy_file_range(source.fileno(), handle.fileno(), length - copied, offset + copied)
                if done == 0:
                    break
                copied += done
        except OSError:  # a file system without it: copy through Python
            pass
        if copied < length:
            rest = os.pread(source.fileno(), length - copied, offset + copied)
            if len(rest) < length - copied:  # the previous file is shorter than its state said
                raise OSError(f"{self.paths[name].name}: a fragment to copy ends past the end of the previous file")
            handle.write(rest)
        return start, length

    def _separate(self, name: str, length: int) -> BinaryIO:
        """The file to write to, with a comma written first where a JSON-LD node list goes on."""
        handle = self.files[name]
        if name == "jsonld" and length:
            if self.jsonld_items:
                handle.write(b",\n")
            self.jsonld_items += 1
        return handle

    def _write(self, name: str, data: bytes) -> tuple[int, int]:
        handle = self._separate(name, len(data))
        offset = handle.tell()
        handle.write(data)
        return offset, len(data)

    def close(self) -> None:
        self.files["jsonld"].write(b"]\n")
        for handle in self.files.values():
            handle.close()

    def reader(self, name: str) -> BinaryIO:
        """One of the new files, to read back after :meth:`close` and before :meth:`commit`."""
        return open(self.temps[name], "rb")  # noqa: SIM115 - the caller closes it

    def commit(self) -> None:
        for name, tmp in self.temps.items():
            os.replace(tmp, self.paths[name])
        self.temps = {}

    def discard(self) -> None:
        for handle in self.files.values():
            handle.close()
        for tmp in self.temps.values():
            tmp.unlink(missing_ok=True)


# --- The store ----------------------------------------------------------------------------------------------------
# A full build loads a new store beside the old one and swaps it in.  A rebuild that changed a few reports edits
# the store in place in one SPARQL update (one transaction): the changed reports' triples out and in, and the
# lines of the shared part that changed.  A generation number kept in the store and in the build state tells a
# rebuild whether the store is the one the state describes.

STATE_GRAPH = "urn:govkg:build-state"


def generation_of(store_path: Path) -> str | None:
    """The generation recorded in a store, or None when there is no readable store."""
    if not store_path.is_dir():
        return None
    try:
        store = ox.Store.read_only(str(store_path))
        rows = list(store.quads_for_pattern(None, None, None, ox.NamedNode(STATE_GRAPH)))
    except OSError:
        return None
    return rows[0].object.value if rows else None


def _generation_quad(generation: str) -> bytes:
    return f"<{STATE_GRAPH}> <{STATE_GRAPH}#generation> \"{generation}\" <{STATE_GRAPH}> .\n".encode()


class StoreLoader:
    """A new store filled while the build runs, in batches (the bulk loader writes whole sorted files).

    Batches are loaded on a thread of their own: pyoxigraph's loader releases the GIL, so the store fills
    while the build goes on with the next reports.  At most two batches wait, which bounds the memory.
    After the last batch the store is compacted, while the build writes its last files.
    """

    BATCH = 16 << 20  # bytes of N-Triples per bulk load

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.building = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
        self.store = ox.Store(str(self.building))
        self.pending: list[bytes] = []
        self.pending_size = 0
        self.triples = 0
        self.batches: queue.Queue = queue.Queue(maxsize=2)
        self.failure: BaseException | None = None
        self.finished = False
        self.thread = threading.Thread(target=self._load_batches, name="govkg-store-loader", daemon=True)
        self.thread.start()

    def _load_batches(self) -> None:
        while (batch := self.batches.get()) is not None:
            self._step(functools.partial(self.store.bulk_load, batch, format=ox.RdfFormat.N_TRIPLES))
        # Each batch leaves sorted files of its own; reading a term's string then looks in every one.
        # Compacting them once made a cold query about four times faster on a 2 M-triple store.
        self._step(self.store.optimize)

    def _step(self, work: Callable[[], object]) -> None:
        """One step of the loading thread, skipped after a failure; :meth:`commit` raises the failure in the
        build's thread.  The queue is still drained, so the build never blocks on it."""
        if self.failure is None:
            try:
                work()
            except BaseException as err:
                self.failure = err

    def add(self, ntriples: bytes) -> None:
        self.pending.append(ntriples)
        self.pending_size += len(ntriples)
        self.triples += ntriples.count(b"\n")  # a line a triple, and no line twice (fragments own their subjects)
        if self.pending_size >= self.BATCH:
            self._send()

    def _send(self) -> None:
        if self.pending:
            self.batches.put(b"".join(self.pending))
            self.pending, self.pending_size = [], 0

    def finish(self) -> None:
        """Send what is left; the loading may go on while the caller does other work until :meth:`commit`."""
        self._send()
        self.batches.put(None)
        self.finished = True

    def commit(self, generation: str | None = None) -> int:
        """Swap the new store in; returns its number of triples (counted as loaded: counting the store
        itself reads it all).  A build records its ``generation``."""
        if not self.finished:
            self.finish()
        self.thread.join()
        if self.failure is not None:
            raise self.failure
        if generation:
            self.store.bulk_load(_generation_quad(generation), format=ox.RdfFormat.N_QUADS)
        self.store.flush()
        triples = self.triples
        del self.store
        gc.collect()  # the store's files are closed when the object goes
        _swap_in(self.building, self.path)
        return triples

    def discard(self) -> None:
        if self.thread.is_alive():
            self.failure = self.failure or RuntimeError("discarded")
            if not self.finished:
                self.batches.put(None)
            self.thread.join()
        if self.building.exists():
            self.store = None
            gc.collect()
            shutil.rmtree(self.building, ignore_errors=True)


def _swap_in(building: Path, path: Path) -> None:
    old = None
    if path.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{path.name}.old.", dir=path.parent))
        os.replace(path, old / "store")
    os.replace(building, path)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def update_store(path: Path, removed: bytes, added: bytes, generation: str) -> None:
    """Edit the store in place in one transaction."""
    store = ox.Store(str(path))
    state = f"<{STATE_GRAPH}>"
    store.update(f"DELETE DATA {{ {removed.decode('utf-8')} }} ;\n"
                 f"INSERT DATA {{ {added.decode('utf-8')} }} ;\n"
                 f"DELETE WHERE {{ GRAPH {state} {{ ?s ?p ?o }} }} ;\n"
                 f"INSERT DATA {{ GRAPH {state} {{ {state} <{STATE_GRAPH}#generation> \"{generation}\" }} }}")
    store.flush()
    del store
    gc.collect()


XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def write_graph(graph: Graph, out: Path, names: dict[str, str]) -> None:
    """A whole graph (tests, small jobs) as out/graph.{nt,ttl,jsonld} and out/store, as a build writes them."""
    assembly = Assembly(out, names)
    try:
        assembly.add(fragment_from_ntriples("", graph.text(), names))
        assembly.close()
        assembly.commit()
    finally:
        assembly.discard()
    write_store(graph, out / "store")


def write_store(graph: Graph, path: Path) -> int:
    """An embedded pyoxigraph store of a whole graph, swapped into place only once it is complete."""
    loader = StoreLoader(path)
    try:
        loader.add(graph.text().encode("utf-8"))
        return loader.commit()
    finally:
        loader.discard()


def xml_safe(value: str) -> str:
    """GraphML is XML: characters XML 1.0 forbids are dropped from labels and attributes."""
    return XML_FORBIDDEN.sub("", value)


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


class Edge(NamedTuple):
    relation: str  # cites, mentions, cocites
    weight: int  # sentences (or shared regulations)
    years: tuple[int, ...]  # sorted


@dataclass
class Network:
    """A Gephi network: node id -> attributes (label, type, kind, level, issuer, years) and
    (source, target) -> :class:`Edge` (a tuple: a national network has millions)."""

    directed: bool
    nodes: dict[str, dict]
    edges: dict[tuple[str, str], Edge]

    def degrees(self) -> Counter:
        degree: Counter = Counter()
        for source, target in self.edges:
            degree[source] += 1
            degree[target] += 1
        return degree


def networks(store: pyoxigraph.Store, view: str = "full") -> Network:
    """The Gephi network of a view, drawn from a store with SPARQL: ``full`` (all types), ``citations``
    (governments and regulations), or ``cocitation`` (governments linked by the number of regulations both cite)."""
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; choose one of {', '.join(VIEWS)}")
    nodes = {r["node"]: r for r in _rows(store, NETWORK_NODES)}
    sentences: dict[tuple[str, str], set] = {}
    relations: dict[tuple[str, str], str] = {}
    years: dict[tuple[str, str], set[int]] = {}
    for row in _rows(store, NETWORK_EDGES):
        key = (row["subject"], row["entity"])
        relations[key] = "cites" if row["cls"].endswith("Regulation") else "mentions"
        sentences.setdefault(key, set()).add((row["report"], row["sentence"]))
        years.setdefault(key, set()).update([int(row["year"])] if row["year"] else [])
    edges = {key: Edge(relation, len(sentences[key]), tuple(sorted(years[key]))) for key, relation in relations.items()}
    return network_view(nodes, edges, view)


def network_view(nodes: dict[str, dict], edges: dict[tuple[str, str], Edge], view: str) -> Network:
    """A view of the full network of nodes (IRI -> type, label, kind, level, issuer) and edges
    ((government, entity) -> :class:`Edge`)."""
    if view == "cocitation":
        return _cocitation(nodes, edges)
    keep_types = {"Government", "Regulation"} if view == "citations" else set(TYPE_COLORS)
    years_of: dict[str, set[int]] = {}
    for (source, target), edge in edges.items():
        if view == "citations" and edge.relation != "cites":
            continue
        years_of.setdefault(source, set()).update(edge.years)
        years_of.setdefault(target, set()).update(edge.years)
    net = Network(True, {}, {})
    for iri in sorted(nodes):
        row = nodes[iri]
        if row["type"] not in keep_types or (view == "citations" and iri not in years_of):
            continue
        net.nodes[iri] = {"label": xml_safe(row["label"]), "type": row["type"], "kind": row.get("kind") or "",
                          "level": row.get("level") or "", "issuer": xml_safe(row.get("issuer") or ""),
                          "years": sorted(years_of.get(iri, ()))}
    for key in sorted(edges):
        edge = edges[key]
        if key[0] in net.nodes and key[1] in net.nodes and (view == "full" or edge.relation == "cites"):
            net.edges[key] = edge
    return net


def _cocitation(nodes: dict, edges: dict[tuple[str, str], Edge]) -> Network:
    cited: dict[str, dict[str, tuple[int, ...]]] = {}
    for (source, target), edge in edges.items():
        if edge.relation == "cites":
            cited.setdefault(source, {})[target] = edge.years
    net = Network(False, {}, {})
    governments = sorted(cited)
    for iri in governments:
        row = nodes.get(iri, {"label": iri, "level": ""})
        net.nodes[iri] = {"label": xml_safe(row["label"]), "type": "Government", "kind": "",
                          "level": row.get("level") or "", "issuer": "",
                          "years": sorted({y for ys in cited[iri].values() for y in ys})}
    for i, a in enumerate(governments):
        for b in governments[i + 1:]:
            shared = set(cited[a]) & set(cited[b])
            if shared:
                years = tuple(sorted({y for reg in shared for y in (*cited[a][reg], *cited[b][reg])}))
                net.edges[(a, b)] = Edge("cocites", len(shared), years)
    return net


def _color(node_type: str) -> tuple[int, int, int]:
    return TYPE_COLORS.get(node_type, (127, 127, 127))


NODE_KEYS = (("label", "string"), ("type", "string"), ("kind", "string"), ("level", "string"),
             ("issuer", "string"), ("years", "string"), ("degree", "int"))
EDGE_KEYS = (("relation", "string"), ("weight", "int"), ("years", "string"))


class _Quoted(dict):
    """XML attribute spellings, made once per distinct value (node ids recur in every edge)."""

    def __missing__(self, value: str) -> str:
        quoted = self[value] = quoteattr(value)
        return quoted


def write_network_graphml(net: Network, path: Path) -> None:
    """GraphML as Gephi's importer reads it: keys named by attribute, one type each, no missing or list values,
    unique edge ids.  Written as a stream: a national network has millions of elements."""
    degree, quoted = net.degrees(), _Quoted()
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", buffering=1 << 20) as fh:
        fh.write('<?xml version="1.0" encoding="utf-8"?>\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
                 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.'
                 'graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
        for scope, keys in (("node", NODE_KEYS), ("edge", EDGE_KEYS)):
            for name, kind in keys:  # ids are the names, but for edges' years (node and edge ids share a space)
                key = f"edge_{name}" if scope == "edge" and name == "years" else name
                fh.write(f'  <key id="{key}" for="{scope}" attr.name="{name}" attr.type="{kind}" />\n')
        fh.write(f'  <graph edgedefault="{"directed" if net.directed else "undirected"}">\n')
        for node, data in net.nodes.items():
            values = {**data, "years": " ".join(map(str, data["years"])), "degree": degree[node]}
            fh.write(f"    <node id={quoted[node]}>\n")
            fh.writelines(f'      <data key="{k}">{escape(str(values[k]))}</data>\n' for k, _ in NODE_KEYS)
            fh.write("    </node>\n")
        for index, ((source, target), edge) in enumerate(net.edges.items()):
            fh.write(f'    <edge id="e{index}" source={quoted[source]} target={quoted[target]}>\n'
                     f'      <data key="relation">{escape(edge.relation)}</data>\n'
                     f'      <data key="weight">{int(edge.weight)}</data>\n'
                     f'      <data key="edge_years">{" ".join(map(str, edge.years))}</data>\n    </edge>\n')
        fh.write("  </graph>\n</graphml>\n")


def write_gexf(net: Network, path: Path) -> None:
    """GEXF 1.3 for Gephi: label, type, viz color by type, viz size by degree, weights, and yearly spells so
    the timeline plays the spread of each regulation.  Written as a stream."""
    degree, quoted = net.degrees(), _Quoted()
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", buffering=1 << 20) as fh:
        fh.write('<?xml version="1.0" encoding="utf-8"?>\n'
                 '<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" version="1.3">\n'
                 '  <meta>\n    <creator>govkg</creator>\n'
                 '    <description>Citations and mentions in rule-of-law government reports</description>\n'
                 '  </meta>\n')
        fh.write(f'  <graph defaultedgetype="{"directed" if net.directed else "undirected"}" mode="dynamic" '
                 'timeformat="date">\n    <attributes class="node" mode="static">\n')
        for name in ("type", "kind", "level", "issuer"):
            fh.write(f'      <attribute id="{name}" title="{name}" type="string" />\n')
        fh.write('    </attributes>\n    <attributes class="edge" mode="static">\n'
                 '      <attribute id="relation" title="relation" type="string" />\n    </attributes>\n'
                 '    <nodes>\n')
        for node, data in net.nodes.items():
            r, g, b = _color(data["type"])
            fh.write(f"      <node id={quoted[node]} label={quoteattr(data['label'])}>\n        <attvalues>\n")
            fh.writelines(f'          <attvalue for="{k}" value={quoted[str(data[k])]} />\n'
                          for k in ("type", "kind", "level", "issuer"))
            fh.write("        </attvalues>\n")
            fh.write(_spells(data["years"], "        "))
            fh.write(f'        <viz:color r="{r}" g="{g}" b="{b}" a="1.0" />\n'
                     f'        <viz:size value="{4 + 2 * degree[node] ** 0.5:.2f}" />\n      </node>\n')
        fh.write("    </nodes>\n    <edges>\n")
        for index, ((source, target), edge) in enumerate(net.edges.items()):
            fh.write(f'      <edge id="e{index}" source={quoted[source]} target={quoted[target]} '
                     f'weight="{edge.weight}">\n        <attvalues>\n'
                     f'          <attvalue for="relation" value={quoted[edge.relation]} />\n'
                     f'        </attvalues>\n')
            fh.write(_spells(edge.years, "        "))
            fh.write("      </edge>\n")
        fh.write("    </edges>\n  </graph>\n</gexf>\n")


def _spells(years: list[int], indent: str) -> str:
    if not years:
        return ""
    spells = "".join(f'{indent}  <spell start="{y}-01-01" end="{y}-12-31" />\n' for y in years)
    return f"{indent}<spells>\n{spells}{indent}</spells>\n"


def write_network(net: Network, stem: Path) -> None:
    write_gexf(net, stem.with_suffix(".gexf"))
    write_network_graphml(net, stem.with_suffix(".graphml"))


def write_views(store_path: Path, out: Path, views: tuple[str, ...] = ("full",)) -> dict[str, Path]:
    """GEXF and GraphML of each view, from the build's store: full -> out/graph.*, others -> out/views/."""
    store = pyoxigraph.Store.read_only(str(store_path))
    written = {}
    for view in views:
        stem = out / "graph" if view == "full" else out / "views" / view
        write_network(networks(store, view), stem)
        written[view] = stem
    return written
