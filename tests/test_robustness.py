"""Bad input never breaks a build and nothing built is lost: a hostile corpus, kills, property tests."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

import networkx as nx
import pyoxigraph
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph

from kg import export
from kg.build import build
from kg.cli import main
from kg.graph import build_graph, prefixes
from kg.ingest import IngestError, report_from_text
from kg.ingest.reader import decode
from kg.link import Linker
from kg.nlp.extract import Evidence, Extraction

from .conftest import ROOT, SEEDS

GOOD = (SEEDS / "002_d25bc79ebd3e5c97.txt").read_text(encoding="utf-8")
OTHER = (SEEDS / "003_c9bd385b88e6491a.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A corpus of everything scraped pages throw at a build, made by the test itself."""
    root = tmp_path_factory.mktemp("hostile")
    nested = root / "省 级" / "市 级" / "县 级"
    nested.mkdir(parents=True)
    (root / "gbk 报告.txt").write_bytes(GOOD.encode("gbk", errors="ignore"))
    (root / "gb18030.txt").write_bytes(OTHER.encode("gb18030"))
    (root / "bom.txt").write_bytes(b"\xef\xbb\xbf" + (SEEDS / "000_5bffe77e46665402.txt").read_bytes())
    (nested / "utf16.txt").write_bytes((SEEDS / "004_eed9f17129c08ac0.txt").read_text().encode("utf-16"))
    html = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>报告</title><style>.x{color:red}</style>"
            "<script>document.write('《假条例》')</script></head><body><p>首页 &gt; 政务公开</p>"
            + "".join(f"<p>{line}</p>" for line in (SEEDS / "001_275d9de38ec6998e.txt").read_text().splitlines())
            + "<p>&ldquo;放管服&rdquo;改革 &amp; 更多</p></body></html>")
    (root / "page.html").write_text(html, encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    (root / "blank.txt").write_text("  \n\t \n")
    (root / "attachment.txt").write_bytes(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n1 0 obj")
    (root / "archive.txt").write_bytes(b"PK\x03\x04\x14\x00\x00\x00")
    (root / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with open(root / "huge.txt", "wb") as fh:
        fh.write(("法治政府建设" * 10).encode() * (50 * 1024 * 1024 // 180 + 1))
    (root / "cut.txt").write_bytes(OTHER.encode() + "报".encode()[:2])  # ends in the middle of a character
    (root / "english.txt").write_text("Annual report on building a law-based government.\n" * 40)
    (root / "copy one.txt").write_text(GOOD)
    (root / "副本 copy.txt").write_text(GOOD)  # the same bytes under a second name
    os.symlink(root / "no-such-target.txt", root / "dangling.txt")
    os.mkfifo(root / "pipe.txt")
    (root / "loop").mkdir()
    os.symlink(root / "loop", root / "loop" / "again")
    locked = root / "locked.txt"
    locked.write_text(GOOD + "\n(locked)")
    locked.chmod(0)
    return root


EXPECTED_PROBLEMS = {
    "empty.txt": "empty file", "blank.txt": "empty file", "attachment.txt": "binary file (PDF",
    "archive.txt": "binary file (ZIP", "image.txt": "binary file (PNG", "huge.txt": "file too large",
    "english.txt": "not a Chinese report", "dangling.txt": "cannot read file", "pipe.txt": "not a regular file",
    "副本 copy.txt": "duplicate of",
}


def test_every_bad_file_gets_one_line_and_every_good_file_is_built(hostile, tmp_path, nlp):
    result = CliRunner().invoke(main, ["build", str(hostile), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for name, reason in EXPECTED_PROBLEMS.items():
        matching = [line for line in lines if line.startswith("skipped:") and name in line]
        assert len(matching) == 1 and reason in matching[0], (name, matching)
    assert any("symlink loop" in line for line in lines)
    report = json.loads((tmp_path / "out" / "build-report.json").read_text())
    assert {os.path.basename(s["path"]) for s in report["files_skipped"]} >= set(EXPECTED_PROBLEMS)
    built = {json.loads(line)["doc"] for line in (tmp_path / "out" / "extractions.jsonl").read_text().splitlines()}
    expected = {"gbk 报告.txt", "gb18030.txt", "bom.txt", "utf16.txt", "page.html", "cut.txt", "copy one.txt"}
    if os.geteuid() != 0:  # root reads a file whatever its mode
        assert any("locked.txt" in line and "permission denied" in line for line in lines)
    else:
        expected.add("locked.txt")
    assert built == expected
    assert any("cut.txt" in line and "truncated" in line for line in lines if line.startswith("warning:"))
    strict = CliRunner().invoke(main, ["build", str(hostile), "-o", str(tmp_path / "strict"), "--strict"])
    assert strict.exit_code == 1


def test_html_entities_and_scripts(hostile, nlp, tmp_path):
    result = build([hostile / "page.html"], tmp_path / "out")
    record = result.extractions[0].record()
    titles = {r["title"] for r in record["regulations"]}
    assert "假条例" not in "".join(titles)
    assert any(p["name"] == "放管服改革" for p in record["programs"])


def snapshot(out):
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file() and not p.name.startswith(".")}


def test_a_killed_build_leaves_the_previous_out_complete(seeds_build, tmp_path):
    out = tmp_path / "out"
    build([SEEDS / "003_c9bd385b88e6491a.txt"], out)
    before = snapshot(out)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(12):  # distinct contents, so none is skipped as a duplicate
        for seed in sorted(SEEDS.glob("*.txt")):
            (corpus / f"{i:02d}-{seed.name}").write_text(seed.read_text() + f"\n第{i}份", encoding="utf-8")
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "build", str(corpus), "-o", str(out)], cwd=ROOT,
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env, text=True)
    reading = 0
    deadline = time.monotonic() + 120
    while reading < 8 and time.monotonic() < deadline:
        line = proc.stderr.readline()
        reading += line.strip().startswith("reading")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL and reading >= 8
    assert snapshot(out) == before
    assert len(Graph().parse(out / "graph.ttl")) > 0
    nx.read_graphml(out / "graph.graphml")


def test_a_failure_while_writing_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "graph.graphml"
    target.write_text("<graphml>old and complete</graphml>")

    def disk_full(value):  # the header is written by then: the temporary file is half-written
        raise OSError("disk full")

    monkeypatch.setattr(export, "quoteattr", disk_full)
    net = export.Network(True, {"n1": {"label": "甲", "type": "Agency", "kind": "", "level": "", "issuer": "",
                                       "years": []}}, {})
    with pytest.raises(OSError, match="disk full"):
        export.write_network_graphml(net, target)
    assert target.read_text() == "<graphml>old and complete</graphml>"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.graphml"]


def test_a_previous_file_shorter_than_its_state_fails_the_copy_and_leaves_no_temporary_file(tmp_path):
    assembly = export.Assembly(tmp_path, {})
    assembly.add(export.Fragment(b"{}\n", b"<urn:a> <urn:b> <urn:c> .\n", b"<urn:a> <urn:b> <urn:c> .\n", b"{}"))
    with open(tmp_path / "old.nt", "wb") as old:
        old.write(b"x")
    with pytest.raises(OSError, match="ends past the end"), open(tmp_path / "old.nt", "rb") as old:
        assembly.splice(dict.fromkeys(export.FRAGMENT_FILES, old), export.Span(
            dict.fromkeys(export.FRAGMENT_FILES, (0, 10))), ntriples=False)  # 9 bytes past the end of the file
    assembly.discard()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.nt"]


any_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=80)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(titles=st.lists(any_text, min_size=1, max_size=4), agency=any_text, program=any_text, place=any_text)
def test_any_unicode_exports_parse_again_with_valid_iris(tmp_path, titles, agency, program, place):
    district = {"name": place, "short": place[:3], "city": "", "province": "", "level": "county", "code": ""}
    ex = Extraction("f.txt", "f.txt", "ab" * 32, district, 2020, "2021-01-01",
                    regulations=[{"title": t, "kind": "rule", "issuer": agency, "jurisdiction": place,
                                  "aliases": [t[::-1]]} for t in titles],
                    agencies=[{"name": agency, "type": "other", "mentions": [agency, agency + "<>&\""]}],
                    programs=[{"name": program, "mentions": ["“" + program + "”"]}])
    from kg.textnorm import normalize_title

    ex.evidence = [Evidence("REGULATION", normalize_title(t), 0, len(t), t, "《" + t + "》\x00\x1b") for t in titles]
    ex.evidence.append(Evidence("AGENCY", agency, 3, 9, agency, agency))
    linked = Linker("https://example.org/kg/").link([ex])
    graph = build_graph(linked)
    out = tmp_path / "out"
    export.write_graph(graph, out, prefixes("https://example.org/kg/"))
    export.write_views(out / "store", out, ("full", "citations", "cocitation"))
    expected = len(pyoxigraph.Store.read_only(str(out / "store")))
    assert expected == len(graph)
    assert len(Graph().parse(out / "graph.ttl", format="turtle")) == expected
    assert len(Graph().parse(out / "graph.nt", format="nt")) == expected
    assert len(Graph().parse(out / "graph.jsonld", format="json-ld")) == expected
    for name in ("graph.graphml", "graph.gexf", "views/citations.gexf", "views/cocitation.graphml"):
        ET.parse(out / name)
    for node in Graph().parse(out / "graph.nt", format="nt").all_nodes():
        if type(node).__name__ == "URIRef":
            iri = str(node)
            assert iri.startswith(("https://example.org/kg/", "http://", "https://"))
            assert not any(ch in iri for ch in ' <>"{}|\\^`')


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=400))
def test_any_bytes_either_decode_or_say_why(data):
    try:
        decode(data)
    except IngestError as err:
        assert str(err)


@settings(max_examples=30, deadline=None)
@given(text=any_text)
def test_any_text_either_ingests_or_says_why(text):
    try:
        report = report_from_text(text)
    except IngestError as err:
        assert str(err)
    else:
        assert report.body


def test_a_store_that_fails_to_load_is_not_swapped_in(tmp_path):
    target = tmp_path / "store"
    export.write_graph(build_graph(Linker().link([])), tmp_path, prefixes("https://example.org/kg/"))
    before = sorted(p.name for p in target.iterdir())
    loader = export.StoreLoader(target)
    loader.add(b"<urn:a> <urn:b> <urn:c> .\n")
    loader.add(b"<urn:a> <urn:b> this is not N-Triples .\n")
    with pytest.raises(SyntaxError):
        loader.commit("g1")
    loader.discard()
    assert sorted(p.name for p in target.iterdir()) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".store")] == []
