"""pkuseg with features looked up per text segments exactly as the real model loaded whole."""
from __future__ import annotations

from pathlib import Path

import pytest
import spacy_pkuseg

from kg.nlp import lazy_pkuseg
from kg.nlp.lazy_pkuseg import LazyPkuseg, index_dir
from kg.refdata import pkuseg_model_dir

ROOT = Path(__file__).resolve().parent.parent

# Text of our own besides the seeds: full-width letters and digits (pkuseg normalises them), spaces (it cuts
# there), a word of pkuseg's default dictionary, pkuseg's own separators, one character, nothing.
OWN_TEXTS = [
    "ＡＢＣ公司于２０２３年第３季度完成ISO9001认证，营业额增长12.5%。",
    "  区 司法局  会同 市场监管局 开展“双随机、一公开”抽查 ",
    "深入推进“放管服”改革，全面推行“一网通办”“最多跑一次”。",
    "依据《中华人民共和国行政处罚法》第三十二条、《某市物业管理条例》（2019年修订）作出决定。",
    "a-b.c_d,e|f/g*h:i",
    "法",
    "",
]


@pytest.fixture(scope="module")
def segmenters():
    model = pkuseg_model_dir()
    return LazyPkuseg(model), spacy_pkuseg.pkuseg(str(model))


def seed_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]


def test_same_words_as_the_whole_model(segmenters):
    lazy, whole = segmenters
    texts = OWN_TEXTS + [line for text in seed_texts() for line in text.splitlines()[:40]]
    assert sum(map(len, texts)) < lazy_pkuseg.LAZY_CHARS  # all of it looked up per text
    for text in texts:
        assert lazy.cut(text) == whole.cut(text), text
    assert lazy.lazy
    # it holds only what the texts asked for
    assert 0 < len(lazy.feature_extractor.feature_to_idx) < len(whole.feature_extractor.feature_to_idx) / 10


def test_threads_share_one_lazy_segmenter(segmenters):
    """A Dask worker may run the pipeline on several threads: each gets the words the whole model gives."""
    from concurrent.futures import ThreadPoolExecutor

    lazy, whole = LazyPkuseg(pkuseg_model_dir()), segmenters[1]
    lines = [line for text in seed_texts() for line in text.splitlines()[40:80] if line.strip()]
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(lazy.cut, lines)) == [whole.cut(line) for line in lines]


def test_whole_model_after_enough_text(monkeypatch):
    monkeypatch.setattr(lazy_pkuseg, "LAZY_CHARS", 2_000)
    lazy, whole = LazyPkuseg(pkuseg_model_dir()), spacy_pkuseg.pkuseg(str(pkuseg_model_dir()))
    text = seed_texts()[0]
    pages = [text[i:i + 1_500] for i in range(0, 4_500, 1_500)]
    assert [lazy.cut(p) for p in pages] == [whole.cut(p) for p in pages]
    assert not lazy.lazy  # the second page passed 2,000 characters
    assert len(lazy.feature_extractor.feature_to_idx) == len(whole.feature_extractor.feature_to_idx)


def test_the_index_is_named_by_the_model_files(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVKG_CACHE", str(tmp_path / "cache"))
    model = tmp_path / "model"
    model.mkdir()
    (model / "features.pkl").write_bytes(b"a")
    (model / "weights.npz").write_bytes(b"b")
    first = index_dir(model)
    assert first.parent == tmp_path / "cache" / "pkuseg-index"
    (model / "features.pkl").write_bytes(b"a changed model")
    assert index_dir(model) != first


def test_an_index_that_cannot_be_built_falls_back_to_the_whole_model(tmp_path, monkeypatch):
    from kg.nlp import load_pipeline

    model = pkuseg_model_dir()
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "pkuseg-index").write_text("a file where the index directory should be")
    monkeypatch.setenv("GOVKG_PKUSEG_MODEL", str(model))  # the model stays; the index would go in the new cache
    monkeypatch.setenv("GOVKG_CACHE", str(cache))
    with pytest.warns(UserWarning, match="feature index is unusable"):
        nlp = load_pipeline()
    segmenter = nlp.tokenizer.inner.pkuseg_seg
    assert not isinstance(segmenter, LazyPkuseg)
    text = "深入推进“放管服”改革"
    assert segmenter.cut(text) == spacy_pkuseg.pkuseg(str(model)).cut(text)


def test_only_the_half_built_indexes_of_dead_processes_are_removed(tmp_path):
    import os
    import socket
    import subprocess
    import sys

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    host = socket.gethostname()
    dead = tmp_path / f"{lazy_pkuseg.BUILDING}{host}-{gone.stdout.strip()}-ab1_x"
    alive = tmp_path / f"{lazy_pkuseg.BUILDING}{host}-{os.getpid()}-cd2_y"
    elsewhere = tmp_path / f"{lazy_pkuseg.BUILDING}other-host-{gone.stdout.strip()}-ef3_z"
    index = tmp_path / "0123abcd"
    for directory in (dead, alive, elsewhere, index):
        directory.mkdir()
        (directory / "features.sqlite").write_bytes(b"x")
    assert lazy_pkuseg.remove_abandoned_builds(tmp_path) == [dead]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in (alive, elsewhere, index))
