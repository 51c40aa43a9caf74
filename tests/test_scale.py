"""Building at scale: several processes, a Dask cluster, and the per-report cache give the same graph."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from kg.build import build

from .conftest import SEEDS

OUTPUTS = ("graph.ttl", "graph.nt", "graph.jsonld", "graph.gexf", "graph.graphml", "extractions.jsonl",
           "build-report.json")
SOME = [SEEDS / "002_d25bc79ebd3e5c97.txt", SEEDS / "003_c9bd385b88e6491a.txt"]


def assert_same(a, b):
    for name in OUTPUTS:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


@pytest.fixture(scope="module")
def local_build(tmp_path_factory, nlp):
    out = tmp_path_factory.mktemp("local")
    build(SOME, out)
    return out


def test_two_processes_build_the_same_graph(local_build, tmp_path):
    build(SOME, tmp_path, jobs=2)
    assert_same(local_build, tmp_path)


def test_a_dask_cluster_builds_the_same_graph(local_build, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        build(SOME, tmp_path, scheduler=cluster.scheduler_address)
    assert_same(local_build, tmp_path)


def test_the_cache_rebuilds_only_what_changed(tmp_path, monkeypatch, nlp):
    monkeypatch.setenv("GOVKG_EXTRACTION_CACHE", str(tmp_path / "cache"))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, corpus / seed.name)
    first = build([corpus], tmp_path / "first", use_cache=True)
    assert first.cached == 0
    changed = corpus / "001_275d9de38ec6998e.txt"
    added = "\n严格执行《中华人民共和国行政许可法》。"
    changed.write_text(changed.read_text(encoding="utf-8") + added, encoding="utf-8")
    second = build([corpus], tmp_path / "second", use_cache=True)
    assert second.cached == 4
    fresh = build([corpus], tmp_path / "fresh")
    assert fresh.cached == 0
    assert_same(tmp_path / "second", tmp_path / "fresh")
    cited = {r["title"] for r in second.extractions[1].regulations}
    assert "中华人民共和国行政许可法" in cited


def store_triples(path):
    import pyoxigraph

    store = pyoxigraph.Store.read_only(str(path))
    return set(store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph()))


@pytest.fixture
def corpus_and_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVKG_EXTRACTION_CACHE", str(tmp_path / "cache"))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, corpus / seed.name)
    return corpus


def test_a_rebuild_in_place_copies_unchanged_reports_and_edits_the_store(corpus_and_cache, tmp_path, monkeypatch,
                                                                         nlp):
    import kg.build

    monkeypatch.setattr(kg.build, "INCREMENTAL_SHARE", 1.0)  # five reports: let one change count as few
    out = tmp_path / "out"
    build([corpus_and_cache], out, use_cache=True)
    changed = corpus_and_cache / "003_c9bd385b88e6491a.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n严格执行《中华人民共和国行政强制法》。",
                       encoding="utf-8")
    (corpus_and_cache / "000_5bffe77e46665402.txt").unlink()
    again = build([corpus_and_cache], out, use_cache=True, jobs=2)  # one page: run here, not in workers
    assert (again.reused, again.store_update, again.reports_built) == (3, "in place", 4)
    fresh = build([corpus_and_cache], tmp_path / "fresh")
    assert fresh.store_update == "new"
    assert_same(out, tmp_path / "fresh")
    assert store_triples(out / "store") == store_triples(tmp_path / "fresh" / "store")


def test_a_rebuild_copies_the_shared_chunks_a_change_left_alone(corpus_and_cache, tmp_path, monkeypatch, nlp):
    import kg.build
    import kg.graph

    monkeypatch.setattr(kg.build, "INCREMENTAL_SHARE", 1.0)
    monkeypatch.setattr(kg.graph, "CHUNK_MIN", 40)  # many small chunks from five reports
    monkeypatch.setattr(kg.graph, "CUT_ONE_IN", 8)
    out = tmp_path / "out"
    first = build([corpus_and_cache], out, use_cache=True)
    assert first.shared_chunks[0] == 0 and first.shared_chunks[1] > 20
    changed = corpus_and_cache / "003_c9bd385b88e6491a.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n严格执行《中华人民共和国行政强制法》。"
                       "\n区市场监督管理局开展“互联网+监管”。", encoding="utf-8")
    again = build([corpus_and_cache], out, use_cache=True)
    reused, total = again.shared_chunks
    assert again.store_update == "in place" and total - 6 <= reused < total  # only the chunks beside the change
    (corpus_and_cache / "000_5bffe77e46665402.txt").unlink()  # what only it cited leaves the shared part
    third = build([corpus_and_cache], out, use_cache=True)
    assert third.store_update == "in place" and third.shared_chunks[0] > 0
    build([corpus_and_cache], tmp_path / "fresh")
    assert_same(out, tmp_path / "fresh")
    assert store_triples(out / "store") == store_triples(tmp_path / "fresh" / "store")


def test_a_network_that_fails_in_its_child_fails_the_rebuild_and_keeps_the_old_files(corpus_and_cache, tmp_path,
                                                                                       monkeypatch, nlp):
    import kg.build

    monkeypatch.setattr(kg.build, "INCREMENTAL_SHARE", 1.0)
    out = tmp_path / "out"
    build([corpus_and_cache], out, use_cache=True)
    before = {name: (out / name).read_bytes() for name in OUTPUTS}
    changed = corpus_and_cache / "003_c9bd385b88e6491a.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n严格执行《中华人民共和国行政强制法》。",
                       encoding="utf-8")

    def broken(net, stem):
        raise OSError("disk full")

    monkeypatch.setattr(kg.build, "write_network", broken)  # the forked child inherits it
    with pytest.raises(RuntimeError, match="Gephi network .*graph.gexf"):
        build([corpus_and_cache], out, use_cache=True)
    assert {name: (out / name).read_bytes() for name in OUTPUTS} == before


def test_an_edited_output_is_not_trusted_for_a_rebuild(corpus_and_cache, tmp_path, nlp):
    out = tmp_path / "out"
    build([corpus_and_cache], out, use_cache=True)
    with open(out / "graph.nt", "a", encoding="utf-8") as fh:
        fh.write("<urn:x> <urn:y> <urn:z> .\n")
    again = build([corpus_and_cache], out, use_cache=True)
    assert (again.reused, again.cached, again.store_update) == (0, 5, "new")
    assert "<urn:x>" not in (out / "graph.nt").read_text(encoding="utf-8")


@pytest.mark.parametrize("garble", [lambda state: state.update(shared={"ntriples": [0, 1]}),
                                    lambda state: state.update(reports=[1, 2]),
                                    lambda state: state.pop("shared"),
                                    lambda state: state.pop("triples")])
def test_a_state_file_it_cannot_read_means_a_full_build(corpus_and_cache, tmp_path, garble, nlp):
    import json

    from kg.build import STATE_FILE

    out = tmp_path / "out"
    build([corpus_and_cache], out, use_cache=True)
    state = json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
    garble(state)
    (out / STATE_FILE).write_text(json.dumps(state), encoding="utf-8")
    again = build([corpus_and_cache], out, use_cache=True)
    assert (again.reused, again.cached, again.store_update) == (0, 5, "new")


def test_the_build_draws_the_same_network_as_the_store(local_build, tmp_path):
    from kg.export import write_views

    write_views(local_build / "store", tmp_path, ("full",))
    for name in ("graph.gexf", "graph.graphml"):
        assert (tmp_path / name).read_bytes() == (local_build / name).read_bytes(), name


def test_jobs_without_the_model_fail_in_one_line(tmp_path):
    """The driver checks for pkuseg's model before starting workers, which would otherwise each fail alone."""
    from click.testing import CliRunner

    from kg.cli import main

    result = CliRunner().invoke(main, ["build", str(SOME[0]), "-o", str(tmp_path / "out"), "--jobs", "2",
                                       "--no-cache"],  # a cached report would need no worker at all
                                env={"GOVKG_PKUSEG_MODEL": str(tmp_path / "nowhere")})
    assert result.exit_code == 3
    assert "pkuseg model not found in" in result.output and str(tmp_path / "nowhere") in result.output
    assert not (tmp_path / "out" / "graph.ttl").exists()


def test_jobs_with_a_model_that_fails_to_load_end_in_one_line(tmp_path):
    """A model that is there but broken: the error reaches the driver with the first task, not a pool that
    restarts failing workers for ever.  A fresh process, so that no fork server of this session is reused."""
    model = tmp_path / "model"
    model.mkdir()
    (model / "weights.npz").write_bytes(b"")
    (model / "features.pkl").write_bytes(b"not a pickle")
    env = {**os.environ, "GOVKG_PKUSEG_MODEL": str(model)}
    done = subprocess.run([sys.executable, "-m", "kg.cli", "build", str(SOME[0]), "-o", str(tmp_path / "out"),
                           "--jobs", "2", "--no-cache"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 3
    assert done.stderr.strip().splitlines()[-1].startswith("Error: UnpicklingError")
    assert not (tmp_path / "out" / "graph.ttl").exists()
