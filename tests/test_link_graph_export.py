"""Link (identity across reports), graph (ontology terms) and export (files other parsers read)."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import networkx as nx
from rdflib import Graph

from kg.export import write_graph, write_views
from kg.graph import build_graph, prefixes
from kg.link import DEFAULT_BASE, Linker
from kg.nlp.extract import Evidence, Extraction

from .conftest import ELI, GOV, KIND, as_rdflib

TAOYUAN = {"name": "常德市桃源县", "short": "桃源县", "city": "常德市", "province": "湖南省", "level": "county",
           "code": "430725"}
BEIBEI = {"name": "重庆市北碚区", "short": "北碚区", "city": "重庆市", "province": "重庆市", "level": "county",
          "code": "500109"}


def extraction(doc, district, regulations, sha):
    ex = Extraction(doc, doc, sha * 64, district, 2021, "2022-02-01", regulations=regulations)
    for r in regulations:
        from kg.textnorm import normalize_title

        ex.evidence.append(Evidence("REGULATION", normalize_title(r["title"]), 10, 20, "《" + r["title"] + "》",
                                    "全面贯彻《" + r["title"] + "》。"))
    return ex


def corpus():
    reg = lambda title, kind, juris: {"title": title, "kind": kind, "issuer": "", "jurisdiction": juris,  # noqa: E731
                                      "aliases": []}
    a = extraction("a.txt", TAOYUAN, [reg("法治政府建设实施纲要(2015-2020年)", "plan", "national"),
                                      reg("关于加强法治政府建设的意见", "party_document", "常德市")], "a")
    b = extraction("b.txt", BEIBEI, [reg("法治政府建设实施纲要(2015—2020年)", "plan", "national"),
                                     reg("关于加强法治政府建设的意见", "party_document", "重庆市")], "b")
    return [a, b]


def test_same_document_one_iri_and_same_title_other_issuer_two():
    linked = Linker().link(corpus())
    regs = linked.of_type("Regulation")
    outline = [r for r in regs if r.label.startswith("法治政府建设实施纲要")]
    opinions = [r for r in regs if r.label.startswith("关于加强")]
    assert len(outline) == 1 and len(opinions) == 2


def test_iris_are_stable_and_under_the_configured_base():
    first = Linker("https://example.org/kg/").link(corpus())
    second = Linker("https://example.org/kg/").link(list(reversed(corpus())))
    assert sorted(first.entities) == sorted(second.entities)
    assert all(iri.startswith("https://example.org/kg/") for iri in first.entities)


def test_graph_uses_the_ontology_and_keeps_evidence():
    graph = as_rdflib(build_graph(Linker().link(corpus())))
    governments = set(graph.subjects(predicate=GOV.cites))
    assert len({g for g in governments if (g, None, GOV.Government) in graph or
                (g, None, None) in graph}) >= 2
    kinds = set(graph.objects(predicate=ELI.type_document))
    assert KIND.plan in kinds and KIND.party_document in kinds
    evidence = list(graph.subjects(predicate=GOV.evidenceFor))
    assert len(evidence) == 4
    assert all(graph.value(ev, GOV.inReport) is not None for ev in evidence)


def write_all(graph, out):
    write_graph(graph, out, prefixes(DEFAULT_BASE))
    write_views(out / "store", out, ("full", "citations", "cocitation"))


def test_exports_parse_again_and_are_deterministic(tmp_path):
    graph = build_graph(Linker().link(corpus()))
    for run in ("one", "two"):
        write_all(graph, tmp_path / run)
    for name in ("graph.ttl", "graph.nt", "graph.jsonld", "graph.graphml", "graph.gexf",
                 "views/citations.gexf", "views/cocitation.graphml"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
    assert len(Graph().parse(tmp_path / "one" / "graph.ttl")) == len(graph)
    assert len(Graph().parse(tmp_path / "one" / "graph.nt", format="nt")) == len(graph)
    assert len(Graph().parse(tmp_path / "one" / "graph.jsonld", format="json-ld")) == len(graph)


def test_graphml_is_what_gephi_reads(tmp_path):
    write_all(build_graph(Linker().link(corpus())), tmp_path)
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    root = ET.parse(tmp_path / "graph.graphml").getroot()
    keys = {k.get("id"): k for k in root.findall("g:key", ns)}
    assert {"label", "type", "weight"} <= set(keys)
    assert len({(k.get("attr.name"), k.get("for")) for k in keys.values()}) == len(keys)  # one type each
    edges = root.findall(".//g:edge", ns)
    assert len({e.get("id") for e in edges}) == len(edges) > 0
    assert root.find("g:graph/g:data", ns) is None  # no graph-level data
    for node in root.findall(".//g:node", ns):  # no missing values
        node_keys = {k for k, v in keys.items() if v.get("for") == "node"}
        assert {d.get("key") for d in node.findall("g:data", ns)} == node_keys
    net = nx.read_graphml(tmp_path / "graph.graphml")
    cites = [d for _, _, d in net.edges(data=True) if d["relation"] == "cites"]
    assert len(cites) == 4 and all(d["weight"] == 1 for d in cites)


def test_cocitation_weights_count_shared_regulations(tmp_path):
    write_all(build_graph(Linker().link(corpus())), tmp_path)
    net = nx.read_graphml(tmp_path / "views" / "cocitation.graphml")
    assert net.number_of_nodes() == 2 and net.number_of_edges() == 1
    (_, _, data), = net.edges(data=True)
    assert data["weight"] == 1  # the 纲要 only: the two 意见 are different documents


def test_merging_reports_does_not_depend_on_their_order():
    import itertools

    from kg.link import Entity, LinkedCorpus, ReportSummary

    def summary(doc, label, attrs, alts):
        return ReportSummary(f"r/{doc}", 2020, (doc, "0"), [Entity("e/1", "Regulation", label, attrs, alts)], [])

    reports = [summary("b.txt", "乙", {"kind": "rule"}, {"乙一"}),
               summary("c.txt", "丙", {"kind": "plan", "issuer": "丙局"}, {"丙一"}),
               summary("a.txt", "甲", {"jurisdiction": "甲市"}, set()),
               summary("d.txt", "丁", {"issuer": "丁局", "kind": "law"}, set())]
    merged = set()
    for order in itertools.permutations(reports):
        corpus = LinkedCorpus("x/")
        for report in order:
            corpus.merge(report)
        entity = corpus.entities["e/1"]
        merged.add((entity.label, tuple(sorted(entity.attrs.items())), tuple(sorted(entity.alt_labels))))
    assert merged == {("甲", (("issuer", "丙局"), ("jurisdiction", "甲市"), ("kind", "rule")), ("丙一", "乙一"))}
