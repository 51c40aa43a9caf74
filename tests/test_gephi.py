"""Gephi files checked by the parsers Gephi Lite uses (graphology, under Node) and by python-igraph."""
from __future__ import annotations

import json
import shutil
import subprocess

import igraph
import networkx as nx
import pytest

from .conftest import ROOT

JS = ROOT / "tests" / "js"
pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not (JS / "node_modules" / "graphology-gexf").exists(),
    reason="Node and the graphology parsers are installed by `python3 dev.py test`")


def graphology(path):
    out = subprocess.run(["node", str(JS / "parse.js"), str(path)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.mark.parametrize("name", ["graph.gexf", "graph.graphml", "views/citations.gexf", "views/citations.graphml",
                                  "views/cocitation.gexf", "views/cocitation.graphml"])
def test_graphology_reads_what_networkx_wrote(seeds_build, name):
    out, _ = seeds_build
    if name.startswith("views/"):
        from kg.export import write_views

        write_views(out / "store", out, ("citations", "cocitation"))
    parsed = graphology(out / name)
    reference = nx.read_graphml(out / name.replace(".gexf", ".graphml"))
    assert parsed["order"] == reference.number_of_nodes() > 0
    assert parsed["size"] == reference.number_of_edges() > 0
    for node, data in reference.nodes(data=True):
        assert parsed["nodes"][node]["label"] == data["label"]
        assert parsed["nodes"][node]["type"] == data["type"]
    weights = {(e["source"], e["target"]): e["weight"] for e in parsed["edges"]}
    for source, target, data in reference.edges(data=True):
        weight = weights.get((source, target), weights.get((target, source)))
        assert weight == data["weight"]


def test_gexf_carries_colors_sizes_and_yearly_spells(seeds_build):
    out, result = seeds_build
    parsed = graphology(out / "graph.gexf")
    types = {n["type"] for n in parsed["nodes"].values()}
    assert types == {"Government", "Regulation", "Agency", "Program"}
    colors = {n["type"]: n["color"] for n in parsed["nodes"].values()}
    assert len(set(colors.values())) == 4
    assert all(n["size"] >= 4 for n in parsed["nodes"].values())
    text = (out / "graph.gexf").read_text()
    years = {ex.year for ex in result.extractions}
    assert all(f'<spell start="{y}-01-01" end="{y}-12-31" />' in text for y in years)


def test_igraph_reads_the_graphml(seeds_build):
    out, result = seeds_build
    g = igraph.Graph.Read_GraphML(str(out / "graph.graphml"))
    assert g.is_directed()
    governments = [v for v in g.vs if v["type"] == "Government"]
    assert sorted(v["label"] for v in governments) == sorted(ex.district["name"] for ex in result.extractions)
    outline = g.vs.find(label="法治政府建设实施纲要(2015-2020年)")
    assert outline.indegree() == 2
    assert all(isinstance(w, float) and w >= 1 for w in g.es["weight"])
