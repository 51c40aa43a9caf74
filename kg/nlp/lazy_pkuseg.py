"""pkuseg that looks up only the features the text in hand can use, so a process that segments a few
reports does not load pkuseg's whole model.

Loading the model means unpickling 2.6 million feature strings into a dict and building sets of 1.2 million
words and word pairs: 2-4 s, most of a one-report rebuild.  Yet a page of 10,000 characters asks for only
about 30,000 distinct features.  pkuseg's feature extractor (Cython) asks ``feature in feature_to_idx`` for a
fixed set of strings made from each character's neighbours and the dictionary words around it;
:func:`lookup_keys` makes the same strings in Python, and they are looked up in an SQLite index of the model's
features, built once from ``features.pkl``.  Since every feature the text can ask for is in the dict when it
asks, the segmentation is the same as with the whole model (a test checks this against the real model).

Looking features up costs about 20 µs a character, so past :data:`LAZY_CHARS` characters (about what a
whole load costs) the segmenter loads the whole model after all.  The weights are a memory-mapped copy of
``weights.npz``: only the rows a text uses are read, and processes share their pages.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import socket
import sqlite3
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import spacy_pkuseg
from spacy_pkuseg.config import config as pkuseg_config
from spacy_pkuseg.feature_extractor import FeatureExtractor
from spacy_pkuseg.model import Model

from ..refdata import cache_dir

LAZY_CHARS = 120_000  # characters looked up lazily before the whole model is loaded instead
INDEX_FORMAT = "1"
NO_WORD = "**noWord"  # pkuseg's filler for "no dictionary word here"


def index_dir(model_dir: Path) -> Path:
    """Where the lookup index of the model in ``model_dir`` is kept: named by the model files' size and
    modification time, so a changed model gets a new index."""
    hasher = hashlib.sha1(f"{INDEX_FORMAT} {Path(model_dir).resolve()}".encode())
    for name in ("features.pkl", "weights.npz"):
        stat = (Path(model_dir) / name).stat()
        hasher.update(f" {name} {stat.st_size} {stat.st_mtime_ns}".encode())
    return cache_dir() / "pkuseg-index" / hasher.hexdigest()[:16]


BUILDING = ".building-"  # an index being built: .building-HOST-PID-XXXX


def remove_abandoned_builds(directory: Path) -> list[Path]:
    """Remove the half-built indexes (about 170 MB each) of processes on this host that no longer run: a
    process killed while building cannot clean up after itself.  Returns what was removed."""
    removed = []
    host = socket.gethostname()
    for work in directory.glob(f"{BUILDING}*"):
        owner = work.name[len(BUILDING):].rpartition("-")[0]  # HOST-PID (the random suffix has no dash)
        owner_host, _, pid = owner.rpartition("-")
        if owner_host != host or not pid.isdigit() or _running(int(pid)):
            continue
        shutil.rmtree(work, ignore_errors=True)
        removed.append(work)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def ensure_index(model_dir: Path) -> Path:
    """The lookup index of the model in ``model_dir``, built if missing (about 10 s, once).

    Built in a temporary directory and renamed into place, so a process that stops half-way leaves nothing a
    later one would trust, and two processes building at once do not mix their files."""
    target = index_dir(model_dir)
    if (target / "features.sqlite").exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned_builds(target.parent)
    work = Path(tempfile.mkdtemp(prefix=f"{BUILDING}{socket.gethostname()}-{os.getpid()}-", dir=target.parent))
    try:
        _write_index(Path(model_dir), work)
        os.replace(work, target)
    except OSError:
        if not (target / "features.sqlite").exists():
            raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _write_index(model_dir: Path, work: Path) -> None:
    with open(model_dir / "features.pkl", "rb") as fh:
        features = pickle.load(fh)  # noqa: S301 - pkuseg's own model file, which pkuseg unpickles anyway
    with np.load(model_dir / "weights.npz") as npz:
        sizes, weights = npz["sizes"], npz["w"]
    np.save(work / "weights.npy", np.ascontiguousarray(weights, dtype=np.float64))
    con = sqlite3.connect(work / "features.sqlite")
    try:
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("CREATE TABLE feature (text TEXT PRIMARY KEY, idx INTEGER NOT NULL) WITHOUT ROWID")
        con.executemany("INSERT INTO feature VALUES (?, ?)", sorted(features["feature_to_idx"].items()))
        con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID")
        meta = {"unigram": sorted(features["unigram"]), "tag_to_idx": features["tag_to_idx"],
                "features": len(features["feature_to_idx"]), "n_tag": int(sizes[0]), "n_feature": int(sizes[1])}
        con.executemany("INSERT INTO meta VALUES (?, ?)", [(k, json.dumps(v, ensure_ascii=False))
                                                          for k, v in meta.items()])
        con.commit()
    finally:
        con.close()


def lookup_keys(nodes: list[str], unigram: set[str]) -> set[str]:
    """Every feature string pkuseg's extractor asks ``feature_to_idx`` about for the normalised characters
    ``nodes`` of one text: the same strings, made the same way as ``__get_node_features_idx`` makes them."""
    length = len(nodes)
    lengths = range(pkuseg_config.wordMax, pkuseg_config.wordMin - 1, -1)
    keys: set[str] = set()
    add = keys.add

    def span(start: int, size: int) -> str:  # pkuseg's get_slice_str
        if start < 0 or start >= length or start + size >= length + 1:
            return ""
        return "".join(nodes[start:start + size])

    for i, c in enumerate(nodes):
        add("c." + c)
        if i > 0:
            add("c-1." + nodes[i - 1])
            add("c-1c." + nodes[i - 1] + "." + c)
        if i + 1 < length:
            add("c1." + nodes[i + 1])
            add("cc1." + c + "." + nodes[i + 1])
        if i > 1:
            add("c-2." + nodes[i - 2])
            add("c-2c-1." + nodes[i - 2] + "." + nodes[i - 1])
        if i + 2 < length:
            add("c2." + nodes[i + 2])
        if not pkuseg_config.wordFeature:
            continue
        words_ending_here = _words((span(i - n + 1, n) for n in lengths), unigram, "w-1.", add)
        words_starting_here = _words((span(i, n) for n in lengths), unigram, "w1.", add)
        words_before = _words((span(i - n, n) for n in lengths), unigram, None, add)
        words_after = _words((span(i + 1, n) for n in lengths), unigram, None, add)
        for pre in words_before:
            for post in words_starting_here:
                add("ww.l." + pre + "*" + post)
        for pre in words_ending_here:
            for post in words_after:
                add("ww.r." + pre + "*" + post)
    return keys


def _words(candidates: Iterable[str], unigram: set[str], prefix: str | None, add) -> list[str]:
    words = []
    for text in candidates:
        if text in unigram:
            if prefix:
                add(prefix + text)
            words.append(text)
        else:
            words.append(NO_WORD)
    return words


def _extractor(unigram: Iterable[str], feature_to_idx: dict[str, int], tag_to_idx: dict[str, int]) -> FeatureExtractor:
    """pkuseg's feature extractor without the set of word pairs, which pkuseg reads only when training."""
    extractor = FeatureExtractor.__new__(FeatureExtractor)
    extractor.unigram = set(unigram)
    extractor.bigram = set()
    extractor.feature_to_idx = feature_to_idx
    extractor.tag_to_idx = tag_to_idx
    return extractor


class LazyPkuseg(spacy_pkuseg.pkuseg):
    """pkuseg with the model's features looked up per text (see the module's docstring); segments exactly as
    ``spacy_pkuseg.pkuseg(model_dir, user_dict)`` does."""

    def __init__(self, model_dir: str | Path, user_dict: str | None = "default"):
        # what pkuseg.__init__ does for a model given by its directory, without FeatureExtractor.load()
        self.model_dir = Path(model_dir)
        self.postag = False
        default_dict = Path(spacy_pkuseg.__file__).with_name("dicts") / "default.pkl"
        user_file = user_dict if user_dict not in (None, "default", *pkuseg_config.available_models) else None
        self.preprocesser = spacy_pkuseg.Preprocesser(user_file)
        self.postprocesser = spacy_pkuseg.Postprocesser(None, None if user_dict is None else [str(default_dict)])
        index = ensure_index(self.model_dir)
        # one connection, used under a lock: a Dask worker may run the pipeline on several threads
        self._lock = threading.Lock()
        self._features = sqlite3.connect(f"file:{index / 'features.sqlite'}?mode=ro", uri=True,
                                         check_same_thread=False)
        meta = {k: json.loads(v) for k, v in self._features.execute("SELECT key, value FROM meta")}
        self._features.execute("CREATE TEMP TABLE wanted (text TEXT PRIMARY KEY) WITHOUT ROWID")
        extractor = self.feature_extractor = _extractor(meta["unigram"], {}, meta["tag_to_idx"])
        model = Model.__new__(Model)
        model.n_tag, model.n_feature = meta["n_tag"], meta["n_feature"]
        model.n_transition_feature = model.n_tag * (model.n_feature + model.n_tag)
        model.w = np.load(index / "weights.npy", mmap_mode="c")  # copy-on-write: Cython asks for a writable buffer
        self.model = model
        self.idx_to_tag = {idx: tag for tag, idx in extractor.tag_to_idx.items()}
        self.n_feature = meta["features"]
        self.n_tag = len(extractor.tag_to_idx)
        self._asked: set[str] = set()
        self.lazy_chars = 0

    @property
    def lazy(self) -> bool:
        """True while features are looked up per text; False once the whole model is loaded."""
        return self._features is not None

    def load_all(self) -> None:
        """Load every feature, as pkuseg does: for a process about to segment much text."""
        with self._lock:
            self._load_all()

    def _load_all(self) -> None:
        if not self.lazy:
            return
        with open(self.model_dir / "features.pkl", "rb") as fh:
            features = pickle.load(fh)  # noqa: S301 - as FeatureExtractor.load does, less its set of word pairs
        self.feature_extractor = _extractor(features["unigram"], features["feature_to_idx"], features["tag_to_idx"])
        self._features.close()
        self._features = None
        self._asked = set()

    def _cut(self, text: str) -> list[str]:
        if self.lazy:
            with self._lock:
                self._look_up(text)
        # Another thread only ever adds features or swaps in the whole extractor: what this text needs stays.
        return super()._cut(text)

    def _look_up(self, text: str) -> None:
        if not self.lazy:
            return
        self.lazy_chars += len(text)
        if self.lazy_chars > LAZY_CHARS:
            self._load_all()
            return
        nodes = list(FeatureExtractor.normalize_text(text))
        keys = lookup_keys(nodes, self.feature_extractor.unigram) - self._asked
        if not keys:
            return
        self._asked |= keys
        con = self._features
        con.execute("DELETE FROM wanted")
        con.executemany("INSERT INTO wanted VALUES (?)", ((k,) for k in keys))
        self.feature_extractor.feature_to_idx.update(
            con.execute("SELECT f.text, f.idx FROM wanted JOIN feature f ON f.text = wanted.text"))
