"""Query stage: SPARQL over a built graph with pyoxigraph (default) or rdflib, and the saved queries."""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
from rdflib import Graph

QUERY_DIR = Path(__file__).resolve().parent.parent / "ontology" / "queries"


class QueryError(ValueError):
    """A query that cannot be found, parsed or run; the message says which."""


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]


def saved_queries(directory: Path = QUERY_DIR) -> dict[str, Path]:
    """Saved queries by name (file stem)."""
    return {p.stem: p for p in sorted(directory.glob("*.rq"))}


def saved_query(name: str) -> str:
    queries = saved_queries()
    if name not in queries:
        raise QueryError(f"no saved query named {name!r}; known: {', '.join(queries)}")
    return queries[name].read_text(encoding="utf-8")


def graph_file(target: str | Path) -> Path:
    """The Turtle file of a build: OUT/graph.ttl when given a directory."""
    path = Path(target)
    if path.is_dir():
        path = path / "graph.ttl"
    if not path.exists():
        raise QueryError(f"{path}: no such graph (run `kg build` first)")
    return path


def open_store(graph_path: Path) -> pyoxigraph.Store:
    """The build's embedded store (OUT/store) when there is one, else the Turtle loaded in memory."""
    store_dir = graph_path.parent / "store"
    if graph_path.name == "graph.ttl" and store_dir.is_dir():
        return pyoxigraph.Store.read_only(str(store_dir))
    store = pyoxigraph.Store()
    with open(graph_path, "rb") as fh:
        store.bulk_load(fh, format=pyoxigraph.RdfFormat.TURTLE)
    return store


def run_oxigraph(graph_path: Path, sparql: str) -> Table:
    store = open_store(graph_path)
    try:
        results = store.query(sparql)
    except SyntaxError as err:
        raise QueryError(f"SPARQL syntax error: {err}") from err
    if not isinstance(results, pyoxigraph.QuerySolutions):
        raise QueryError("only SELECT queries are supported")
    columns = [v.value for v in results.variables]
    # Written as SPARQL CSV in Rust and read back by the csv module: each value is its lexical form (what
    # ``term.value`` gives; unbound is empty), without a Python object per term: about 2 s less for a table
    # of 185,636 rows.
    text = results.serialize(format=pyoxigraph.QueryResultsFormat.CSV).decode("utf-8")
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader, None)  # the header: the variables again
    return Table(columns, list(reader))


def run_rdflib(graph_path: Path, sparql: str) -> Table:
    graph = Graph()
    graph.parse(graph_path, format="turtle")
    try:
        results = graph.query(sparql)
    except Exception as err:  # rdflib raises pyparsing errors of several types
        raise QueryError(f"SPARQL error: {err}") from err
    columns = [str(v) for v in results.vars]
    rows = [["" if value is None else str(value) for value in row] for row in results]
    return Table(columns, rows)


ORDERED = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)


def run(target: str | Path, sparql: str, engine: str = "oxigraph") -> Table:
    """Run SPARQL over a build (its store) or a Turtle file.  Rows of a query without ORDER BY come sorted, so
    every answer is deterministic: sorting here is far cheaper than the engine sorting long literals."""
    path = graph_file(target)
    table = run_rdflib(path, sparql) if engine == "rdflib" else run_oxigraph(path, sparql)
    if not ORDERED.search(_without_comments(sparql)):
        table.rows.sort()
    return table


def _without_comments(sparql: str) -> str:
    return "\n".join(line for line in sparql.splitlines() if not line.lstrip().startswith("#"))


def render(table: Table, fmt: str) -> str:
    if fmt == "json":
        records = [dict(zip(table.columns, row, strict=True)) for row in table.rows]
        return json.dumps(records, ensure_ascii=False, indent=1)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(table.columns)
        writer.writerows(table.rows)
        return buffer.getvalue().rstrip("\n")
    widths = [max([_width(c)] + [_width(r[i]) for r in table.rows]) for i, c in enumerate(table.columns)]
    lines = ["  ".join(_pad(c, w) for c, w in zip(table.columns, widths, strict=False))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(v, w) for v, w in zip(row, widths, strict=False)) for row in table.rows]
    lines.append(f"({len(table.rows)} rows)")
    return "\n".join(lines)


def _width(text: str) -> int:
    return sum(2 if "\u2e80" <= ch <= "\uffef" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


EXPLAIN = """
PREFIX gov: <https://w3id.org/govkg/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?source ?year ?subject ?entity ?exact ?start ?sentence WHERE {
  ?ev gov:evidenceFor ?e ; gov:inReport ?report ; gov:evidenceSubject ?s ; gov:sentence ?sentence ;
      oa:hasTarget ?t .
  ?t oa:hasSelector ?pos , ?quote .
  ?pos oa:start ?start . ?quote oa:exact ?exact .
  ?report gov:sourceFile ?source .
  OPTIONAL { ?report gov:year ?year }
  ?s rdfs:label ?subject . ?e rdfs:label ?entity .
  FILTER_HERE
}
ORDER BY ?source ?start
"""


def _term_filter(var: str, value: str) -> str:
    if value.startswith(("http://", "https://")):
        return f"FILTER(?{var} = <{value}>)"
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'FILTER(STR(?{"entity" if var == "e" else "subject"}) = "{escaped}")'


def explain(target: str | Path, node: str, other: str | None = None, engine: str = "oxigraph") -> Table:
    """The sentences behind a node (an IRI or a label), or behind the edge from ``node`` to ``other``."""
    filters = [_term_filter("e", other or node)]
    if other:
        filters.append(_term_filter("s", node))
    return run(target, EXPLAIN.replace("FILTER_HERE", "\n  ".join(filters)), engine)
