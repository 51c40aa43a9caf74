"""SHACL validation of a built graph with pyshacl against ``ontology/shapes.ttl``."""
from __future__ import annotations

from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Graph

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"


def validate(out: str | Path, shapes: str | Path | None = None) -> tuple[bool, str]:
    """(conforms, report text) for ``out/graph.ttl`` (or a .ttl file)."""
    path = Path(out)
    data = Graph().parse(path / "graph.ttl" if path.is_dir() else path, format="turtle")
    shapes_graph = Graph().parse(shapes or ONTOLOGY_DIR / "shapes.ttl", format="turtle")
    ontology = Graph().parse(ONTOLOGY_DIR / "governance.ttl", format="turtle")
    conforms, _, text = shacl_validate(data, shacl_graph=shapes_graph, ont_graph=ontology, inference="none",
                                       abort_on_first=False)
    return bool(conforms), text
