"""The build driver: inputs -> ingest -> nlp -> link -> graph -> export, one way, report by report."""
from __future__ import annotations

import hashlib
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

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
from .graph import build_graph
from .ingest import IngestError, iter_inputs, read_report
from .link import DEFAULT_BASE, Linker
from .nlp import CONFIG, Extraction, annotate, extract, shared_pipeline


@dataclass
class BuildResult:
    extractions: list[Extraction] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (path, reason): files not built
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (path, warning): built with a caveat
    timings: dict[str, float] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)


def config_fingerprint() -> str:
    return hashlib.sha1(CONFIG.read_bytes()).hexdigest()[:12]


def extract_files(inputs: Iterable[str | Path], result: BuildResult,
                  on_file: Callable[[Path], None] | None = None) -> list[Extraction]:
    """Ingest and annotate every readable report; unreadable ones go to ``result.problems``."""
    nlp = None
    seen: dict[str, str] = {}  # sha256 -> first path with that content
    for path in iter_inputs(inputs, result.problems):
        if on_file:
            on_file(path)
        started = time.perf_counter()
        try:
            report = read_report(path)
        except IngestError as err:
            result.problems.append((str(path), str(err)))
            continue
        if report.sha256 in seen:
            result.problems.append((str(path), f"duplicate of {seen[report.sha256]} (same content)"))
            continue
        seen[report.sha256] = str(path)
        result.timings["ingest"] = result.timings.get("ingest", 0.0) + time.perf_counter() - started
        started = time.perf_counter()
        nlp = nlp or shared_pipeline()
        doc = annotate(report.body, report.district, nlp, report.year)
        extraction = extract(report, doc)
        result.timings["nlp"] = result.timings.get("nlp", 0.0) + time.perf_counter() - started
        result.warnings += [(str(path), w) for w in extraction.warnings]
        result.extractions.append(extraction)
    return result.extractions


def build(inputs: Iterable[str | Path], out: str | Path, base: str = DEFAULT_BASE,
          on_file: Callable[[Path], None] | None = None) -> BuildResult:
    """Build ``out/`` from the report files under ``inputs``."""
    out = Path(out)
    result = BuildResult()
    extract_files(inputs, result, on_file)
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
    write_turtle(graph, outputs["turtle"])
    write_ntriples(graph, outputs["ntriples"])
    write_jsonld(graph, outputs["jsonld"])
    write_store(outputs["ntriples"], outputs["store"])
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
        "triples": len(graph),
        "outputs": {k: v.name for k, v in outputs.items()},
    }
    write_build_report(report, out / "build-report.json")
    result.outputs = {k: str(v) for k, v in outputs.items()}
    return result


def warn(path: str, reason: str) -> None:
    print(f"warning: {path}: {reason}", file=sys.stderr)
