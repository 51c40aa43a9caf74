"""The build driver: inputs -> ingest -> nlp -> link -> graph -> export, one way, report by report."""
from __future__ import annotations

import functools
import hashlib
import json
import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph

from . import __version__
from .export import (
    write_build_report,
    write_jsonl,
    write_jsonld,
    write_ntriples,
    write_store,
    write_turtle,
    write_views,
)
from .graph import build_graph, prefixes
from .ingest import IngestError, iter_inputs, report_from_bytes
from .ingest.reader import read_bytes
from .link import DEFAULT_BASE, Linker
from .nlp import CONFIG, Extraction, annotate, extract, shared_pipeline
from .nlp.extract import Evidence
from .refdata import cache_dir


@dataclass
class BuildResult:
    extractions: list[Extraction] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (path, reason): files not built
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (path, warning): built with a caveat
    timings: dict[str, float] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    cached: int = 0  # reports whose extraction came from the cache


def config_fingerprint() -> str:
    return hashlib.sha1(CONFIG.read_bytes()).hexdigest()[:12]


@functools.cache
def pipeline_fingerprint() -> str:
    """What an extraction depends on besides the file: version, config, reference data and the code."""
    digest = hashlib.sha1(__version__.encode())
    package = Path(__file__).resolve().parent
    for path in sorted([*package.rglob("*.py"), CONFIG, *(package / "data").rglob("*.tsv*"),
                        *(package / "data").rglob("*.txt")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class ExtractionCache:
    """Per-report results by content hash, under the pipeline's fingerprint (a changed pipeline starts afresh)."""

    def __init__(self, directory: Path | None = None):
        root = Path(directory or os.environ.get("GOVKG_EXTRACTION_CACHE") or cache_dir() / "extractions")
        self.directory = root / pipeline_fingerprint()

    def _path(self, sha256: str) -> Path:
        return self.directory / sha256[:2] / f"{sha256}.json"

    def get(self, sha256: str, doc: str, path: str) -> Extraction | None:
        try:
            data = json.loads(self._path(sha256).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return extraction_from_json(data, doc, path)

    def put(self, extraction: Extraction) -> None:
        target = self._path(extraction.sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(extraction_to_json(extraction), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, target)


def extraction_to_json(ex: Extraction) -> dict:
    return {**ex.record(), "sha256": ex.sha256, "warnings": ex.warnings,
            "evidence": [[e.label, e.key, e.start, e.end, e.exact, e.sentence] for e in ex.evidence]}


def extraction_from_json(data: dict, doc: str, path: str) -> Extraction:
    return Extraction(doc, path, data["sha256"], data["district"], data["year"], data["published"],
                      data["regulations"], data["agencies"], data["programs"],
                      [Evidence(*e) for e in data["evidence"]], data["warnings"])


def process_bytes(item: tuple[str, str, bytes, str]) -> tuple[str, Extraction | str]:
    """One report, from its bytes to its extraction: the unit of work of every scheduler.

    Returns ("ok", extraction) or ("skipped", reason).  The pipeline is loaded once per process.
    """
    doc, path, data, sha = item
    try:
        report = report_from_bytes(data, doc, path, sha256=sha)
    except IngestError as err:
        return "skipped", str(err)
    nlp = shared_pipeline()
    return "ok", extract(report, annotate(report.body, report.district, nlp, report.year))


def _warm_worker() -> None:
    shared_pipeline()


def _run_local(items: list, jobs: int) -> Iterator[tuple[str, Extraction | str]]:
    if jobs <= 1:
        yield from map(process_bytes, items)
        return
    context = multiprocessing.get_context("spawn")
    with context.Pool(jobs, initializer=_warm_worker) as pool:
        yield from pool.imap(process_bytes, items, chunksize=1)


def _run_dask(items: list, scheduler: str) -> Iterator[tuple[str, Extraction | str]]:
    from distributed import Client

    with Client(scheduler) as client:
        futures = client.map(process_bytes, items, pure=False)
        yield from (future.result() for future in futures)  # in input order: the output does not depend on timing


def extract_files(inputs: Iterable[str | Path], result: BuildResult,
                  on_file: Callable[[Path], None] | None = None, *, jobs: int = 1, scheduler: str | None = None,
                  cache: ExtractionCache | None = None) -> list[Extraction]:
    """Ingest and annotate every readable report, in input order; unreadable ones go to ``result.problems``.

    Files are read here (duplicates and cached results need their hash); the rest is the per-report work,
    run in this process, in ``jobs`` local processes, or on a Dask cluster at ``scheduler``.
    """
    started = time.perf_counter()
    slots: list[tuple[Path, Extraction | None]] = []
    todo: list[tuple[str, str, bytes, str]] = []
    seen: dict[str, str] = {}  # sha256 -> first path with that content
    for path in iter_inputs(inputs, result.problems):
        try:
            data = read_bytes(path)
        except IngestError as err:
            result.problems.append((str(path), str(err)))
            continue
        sha = hashlib.sha256(data).hexdigest()
        if sha in seen:
            result.problems.append((str(path), f"duplicate of {seen[sha]} (same content)"))
            continue
        seen[sha] = str(path)
        hit = cache.get(sha, path.name, str(path)) if cache else None
        slots.append((path, hit))
        if hit is None:
            todo.append((path.name, str(path), data, sha))
        else:
            result.cached += 1
    result.timings["read"] = time.perf_counter() - started
    started = time.perf_counter()
    runner = _run_dask(todo, scheduler) if scheduler else _run_local(todo, jobs) if todo else iter(())
    for path, hit in slots:
        if hit is None:
            status, value = next(runner)
            if status == "skipped":
                result.problems.append((str(path), value))
                if on_file:
                    on_file(path)
                continue
            hit = value
            if cache:
                cache.put(hit)
        if on_file:
            on_file(path)
        result.warnings += [(str(path), w) for w in hit.warnings]
        result.extractions.append(hit)
    result.timings["nlp"] = time.perf_counter() - started
    return result.extractions


def build(inputs: Iterable[str | Path], out: str | Path, base: str = DEFAULT_BASE,
          on_file: Callable[[Path], None] | None = None, *, jobs: int = 1, scheduler: str | None = None,
          use_cache: bool = False) -> BuildResult:
    """Build ``out/`` from the report files under ``inputs``.

    ``jobs`` processes (or the Dask cluster at ``scheduler``) do the per-report work; with ``use_cache``
    each report's extraction is kept by content hash, so a rebuild redoes only the reports that changed.
    """
    out = Path(out)
    result = BuildResult()
    extract_files(inputs, result, on_file, jobs=jobs, scheduler=scheduler,
                  cache=ExtractionCache() if use_cache else None)
    started = time.perf_counter()
    corpus = Linker(base).link(result.extractions)
    result.timings["link"] = time.perf_counter() - started
    started = time.perf_counter()
    graph = build_graph(corpus, config_fingerprint())
    result.timings["graph"] = time.perf_counter() - started
    started = time.perf_counter()
    outputs = {"turtle": out / "graph.ttl", "ntriples": out / "graph.nt", "jsonld": out / "graph.jsonld",
               "graphml": out / "graph.graphml", "gexf": out / "graph.gexf", "extractions": out / "extractions.jsonl",
               "store": out / "store"}
    write_jsonl(result.extractions, outputs["extractions"])
    write_store(graph, outputs["store"])
    store = pyoxigraph.Store.read_only(str(outputs["store"]))
    names = prefixes(corpus.base)
    write_ntriples(store, outputs["ntriples"])
    triples = len(store)
    write_turtle(store, outputs["turtle"], names)
    write_jsonld(store, outputs["jsonld"], names)
    del store
    write_views(outputs["store"], out)
    result.timings["export"] = time.perf_counter() - started
    types = Counter(e.type for e in corpus.entities.values())
    report = {
        "software": f"govkg {__version__}",
        "config": config_fingerprint(),
        "reports_built": len(result.extractions),
        "files_skipped": [{"path": p, "reason": r} for p, r in result.problems],
        "warnings": [{"path": p, "warning": w} for p, w in result.warnings],
        "entities": dict(sorted(types.items())),
        "triples": triples,
        "outputs": {k: v.name for k, v in outputs.items()},
    }
    write_build_report(report, out / "build-report.json")
    result.outputs = {k: str(v) for k, v in outputs.items()}
    return result
