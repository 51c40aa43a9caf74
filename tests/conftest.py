"""Shared fixtures: the real pipeline (pkuseg's model) is loaded once per test session."""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Namespace

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
HELDOUT = ROOT / "tests" / "fixtures" / "heldout"
HELDOUT2 = ROOT / "tests" / "fixtures" / "heldout2"


@pytest.fixture(scope="session")
def gazetteer():
    from kg.gazetteer import load

    return load()


@pytest.fixture(scope="session")
def nlp():
    from kg.nlp import shared_pipeline

    return shared_pipeline()


@pytest.fixture(scope="session")
def seeds_build(tmp_path_factory, nlp):
    """``kg build seeds`` into a temporary out/ (shared by the end-to-end tests)."""
    from kg.build import build

    out = tmp_path_factory.mktemp("out")
    result = build([SEEDS], out)
    return out, result


GOV = Namespace("https://w3id.org/govkg/ontology#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
KIND = Namespace("https://w3id.org/govkg/kind/")


def as_rdflib(graph) -> Graph:
    """The triples of kg.graph.build_graph as an rdflib Graph, for assertions."""
    import pyoxigraph

    data = pyoxigraph.serialize(iter(graph), format=pyoxigraph.RdfFormat.N_TRIPLES).decode("utf-8")
    return Graph().parse(data=data, format="nt")


def district(name, short, city, province, level, code=""):
    from kg.ingest import District

    return District(name, short, city, province, level, code)


@pytest.fixture
def make_district():
    return district
