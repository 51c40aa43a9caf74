"""The build driver: inputs -> ingest -> nlp -> link -> graph -> export, one way, report by report.

Each report goes through the per-report stage on its own (in this process, in ``--jobs`` processes or on a Dask
cluster): its extraction, its links, and its fragment of every output file.  The driver then streams the
fragments into the output files and the store in input order, and merges what reports share (entities,
governments' edges, the Gephi network) in memory, which grows with the number of distinct entities, not with
the corpus.  With the cache on, a rebuild copies unchanged reports' fragments from the previous files and edits
the store in place.
"""
from __future__ import annotations

import dataclasses
import functools
import gc
import hashlib
import json
import multiprocessing
import os
import secrets
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from . import __version__
from .export import (
    FRAGMENT_FILES,
    Assembly,
    Edge,
    Fragment,
    Network,
    Span,
    StoreLoader,
    fragment_from_ntriples,
    generation_of,
    network_view,
    update_store,
    write_build_report,
    write_network,
    write_text,
)
from .graph import CONTROL, activity_iri, prefixes, report_graph, shared_chunks
from .ingest import IngestError, iter_inputs, report_from_bytes
from .ingest.reader import read_bytes
from .link import DEFAULT_BASE, LinkedCorpus, Linker, ReportSummary, digest
from .nlp import CONFIG, Extraction, annotate, extract, require_model, shared_pipeline
from .nlp.extract import REGULATION, Evidence
from .nlp.lazy_pkuseg import LAZY_CHARS
from .refdata import cache_dir

STATE_FILE = ".govkg-state.json"
INCREMENTAL_SHARE = 0.1  # edit the store in place when at most this share of reports changed
# Pages to run here of more bytes than this load all of pkuseg's model first: a page has about 3 bytes a
# character, and pkuseg reads about a third of its characters (the clauses a recogniser uses).
WHOLE_MODEL_BYTES = 9 * LAZY_CHARS


@dataclass
class BuildResult:
    extractions: list[Extraction] = field(default_factory=list)  # kept only when asked (tests, small jobs)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (path, reason): files not built
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (path, warning): built with a caveat
    timings: dict[str, float] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    cached: int = 0  # reports whose extraction came from the cache
    reused: int = 0  # reports whose fragments were copied from the previous build
    reports_built: int = 0
    store_update: str = ""  # "new" or "in place"
    shared_chunks: tuple[int, int] = (0, 0)  # (copied from the previous build, all) chunks of the shared part


@functools.cache
def config_fingerprint() -> str:
    """The spaCy config's hash (read once a process: every report's fragment names the build activity)."""
    return hashlib.sha1(CONFIG.read_bytes()).hexdigest()[:12]


@functools.cache
def pipeline_fingerprint() -> str:
    """What an extraction depends on besides the file: version, config, reference data and the code."""
    hasher = hashlib.sha1(__version__.encode())
    package = Path(__file__).resolve().parent
    for path in sorted([*package.rglob("*.py"), CONFIG, *(package / "data").rglob("*.tsv*"),
                        *(package / "data").rglob("*.txt")]):
        hasher.update(path.name.encode())
        hasher.update(path.read_bytes())
    return hasher.hexdigest()[:16]


class ExtractionCache:
    """Per-report results by content hash, under the pipeline's fingerprint (a changed pipeline starts afresh).

    Two files a report: the extraction, and the summary the merge needs (entities and edges), per IRI base.
    """

    def __init__(self, directory: Path | None = None):
        root = Path(directory or os.environ.get("GOVKG_EXTRACTION_CACHE") or cache_dir() / "extractions")
        self.directory = root / pipeline_fingerprint()

    def _path(self, sha256: str, suffix: str = "") -> Path:
        return self.directory / sha256[:2] / f"{sha256}{suffix}.json"

    def has(self, sha256: str) -> bool:
        return self._path(sha256).exists()

    def get(self, sha256: str, doc: str, path: str) -> Extraction | None:
        try:
            data = json.loads(self._path(sha256).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return extraction_from_json(data, doc, path)

    def summary(self, sha256: str, base: str) -> tuple[ReportSummary, list[str]] | None:
        try:
            data = json.loads(self._path(sha256, f".{digest(base)}").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return ReportSummary.from_json(data), data["warnings"]

    def put(self, extraction: Extraction, summary: ReportSummary, base: str) -> None:
        self._write(self._path(extraction.sha256), extraction_to_json(extraction))
        self.put_summary(extraction, summary, base)

    def put_summary(self, extraction: Extraction, summary: ReportSummary, base: str) -> None:
        self._write(self._path(extraction.sha256, f".{digest(base)}"),
                    {**summary.to_json(), "warnings": extraction.warnings})

    def _write(self, target: Path, data: dict) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, target)


def extraction_to_json(ex: Extraction) -> dict:
    return {**ex.record(), "sha256": ex.sha256, "warnings": ex.warnings,
            "evidence": [[e.label, e.key, e.start, e.end, e.exact, e.sentence] for e in ex.evidence]}


def extraction_from_json(data: dict, doc: str, path: str) -> Extraction:
    return Extraction(doc, path, data["sha256"], data["district"], data["year"], data["published"],
                      data["regulations"], data["agencies"], data["programs"],
                      [Evidence(*e) for e in data["evidence"]], data["warnings"])


# --- The per-report stage -----------------------------------------------------------------------------------------

@dataclass
class ReportResult:
    """Everything the driver needs of one report."""

    extraction: Extraction
    summary: ReportSummary
    fragment: Fragment


@functools.cache
def _linker(base: str) -> Linker:
    return Linker(base)


def report_result(extraction: Extraction, base: str) -> ReportResult:
    """Link one extraction and write its fragment of every output file."""
    links = _linker(base).link_report(extraction)
    report = next(e for e in links.entities if e.iri == links.report)
    ntriples = report_graph(report, links.occurrences, base, activity_iri(base, config_fingerprint())).text()
    record = json.dumps(extraction.record(), ensure_ascii=False) + "\n"
    return ReportResult(extraction, ReportSummary.of(links), fragment_from_ntriples(record, ntriples,
                                                                                     prefixes(base)))


def extract_item(item: tuple[str, str, bytes | None, str, str]) -> tuple[str, Extraction | str]:
    """One report's extraction from its bytes (or its path, read here): ("ok", extraction) or ("skipped", reason).

    The pipeline is loaded once per process.
    """
    doc, path, data, sha, _ = item
    try:
        report = report_from_bytes(read_bytes(Path(path)) if data is None else data, doc, path, sha256=sha)
    except IngestError as err:
        return "skipped", str(err)
    return "ok", extract(report, annotate(report.body, report.district, shared_pipeline(), report.year))


def process_bytes(item: tuple[str, str, bytes | None, str, str]) -> tuple[str, ReportResult | str]:
    """One report from its bytes to its result: the unit of work of every scheduler."""
    status, value = extract_item(item)
    return (status, report_result(value, item[4])) if status == "ok" else (status, value)


@dataclass
class Spooled:
    """A fragment a worker process wrote to its spool file (name -> (offset, length) there): a report's
    fragments are about a megabyte, too much to pickle through a pipe while the driver holds the GIL."""

    path: str
    ranges: dict[str, tuple[int, int]]


SPOOL = ".govkg-spool-{pid}.tmp"


def _process_to_spool(task: tuple[tuple, str, bool]) -> tuple[str, ReportResult | str]:
    """The per-report stage in a worker process: the result's fragment goes to this process's spool file
    under ``out/``, its extraction to the cache; the driver gets the summary and where the fragment is."""
    item, spool_dir, cache_on = task
    status, value = process_bytes(item)
    if status != "ok":
        return status, value
    if cache_on:
        ExtractionCache().put(value.extraction, value.summary, item[4])
    path = Path(spool_dir) / SPOOL.format(pid=os.getpid())
    ranges = {}
    with open(path, "ab") as fh:
        for name in FRAGMENT_FILES:
            data = getattr(value.fragment, name)
            ranges[name] = (fh.tell(), len(data))
            fh.write(data)
    value.fragment = Spooled(str(path), ranges)
    value.extraction = dataclasses.replace(value.extraction, evidence=[])  # the evidence is in the fragment
    return status, value


def _run_local(items: list, jobs: int, spool_dir: Path, cache_on: bool) -> Iterator[tuple[str, ReportResult | str]]:
    if jobs <= 1:
        yield from map(process_bytes, items)
        return
    # Workers are forked from a server that has loaded the pipeline once (kg.nlp.preload): no worker pays
    # for loading the model, and they share its memory.  The server itself has no threads to fork.  No pool
    # initializer: if the preload failed, a worker's first task loads the pipeline, and an error comes back
    # to the driver with that task (a failing initializer would restart workers for ever).
    require_model()  # the likeliest failure, in one line before any worker starts
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["kg.nlp.preload"])
    with context.Pool(jobs) as pool:
        yield from pool.imap(_process_to_spool, [(item, str(spool_dir), cache_on) for item in items], chunksize=1)


def _run_dask(items: list, scheduler: str) -> Iterator[tuple[str, ReportResult | str]]:
    from distributed import Client

    with Client(scheduler) as client:
        # the bytes travel with the task: workers need not see this machine's files
        futures = client.map(process_bytes, [(d, p, read_bytes(Path(p)), s, b) for d, p, _, s, b in items],
                             pure=False)
        yield from (future.result() for future in futures)  # in input order: the output does not depend on timing


# --- The previous build ---------------------------------------------------------------------------------------------

@dataclass
class PreviousBuild:
    """Where each report's fragment sits in the files of the last build into the same ``out/``."""

    spans: dict[str, Span]  # sha256 -> span
    chunks: list[SharedChunk]  # the shared part, chunk by chunk
    generation: str | None
    triples: int
    out: Path

    @classmethod
    def load(cls, out: Path, base: str) -> PreviousBuild | None:
        """The state written by the last build, if it still describes the files in ``out/``."""
        try:
            state = json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
            if state["pipeline"] != pipeline_fingerprint() or state["base"] != base:
                return None
            if _file_stamps(out) != state["files"]:
                return None
            spans = {sha: _span(ranges) for sha, ranges in state["reports"].items()}
            chunks = [SharedChunk(key, _span(ranges)) for key, ranges in state["shared"]]
            generation, triples = str(state["generation"]), int(state["triples"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):  # no state, or not one this can read
            return None
        generation = generation if generation_of(out / "store") == generation else None
        return cls(spans, chunks, generation, triples, out)

    def open(self) -> dict:
        return {name: open(self.out / file, "rb") for name, file in FRAGMENT_FILES.items()}


def _span(ranges: dict[str, list[int]]) -> Span:
    return Span({name: tuple(r) for name, r in ranges.items()})


def _file_stamps(out: Path) -> dict[str, list[int]]:
    """Size and modification time of each per-report file: what the state trusts them by."""
    stamps = {}
    for name, file in FRAGMENT_FILES.items():
        stat = (out / file).stat()
        stamps[name] = [stat.st_size, stat.st_mtime_ns]
    return stamps


def _save_state(out: Path, base: str, spans: dict[str, Span], shared: list[SharedChunk], generation: str,
                triples: int) -> None:
    state = {"format": 2, "pipeline": pipeline_fingerprint(), "base": base, "generation": generation,
             "triples": triples, "files": _file_stamps(out), "shared": [[c.key, c.span.ranges] for c in shared],
             "reports": {sha: s.ranges for sha, s in spans.items()}}
    write_text(out / STATE_FILE, json.dumps(state))


# --- The driver ----------------------------------------------------------------------------------------------------

@dataclass
class Slot:
    """One input report, in input order, and where its result will come from."""

    path: Path
    sha: str
    source: str  # "reuse" (previous files), "cache" (extraction cache), "run" (the per-report stage)
    size: int  # bytes


def plan_inputs(inputs: Iterable[str | Path], result: BuildResult, cache: ExtractionCache | None,
                previous: PreviousBuild | None) -> list[Slot]:
    """Read and hash every input once; skip duplicates and unreadable files; decide where each result comes from."""
    slots = []
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
        source = "run"
        if cache and cache.has(sha):
            source = "reuse" if previous and sha in previous.spans else "cache"
        slots.append(Slot(path, sha, source, len(data)))
    return slots


YEAR_ZERO = 1900  # years are kept as bits of an int: a national corpus has millions of edges


class Merge:
    """What reports share, merged as their summaries arrive: entities and the governments' edges.

    Memory grows with the distinct entities and edges, not with the reports: IRIs are interned, and an edge
    is a small list [label, sentences, year bits].
    """

    def __init__(self, base: str):
        self.corpus = LinkedCorpus(base)
        self.edges: dict[tuple[str, str], list] = {}

    def add(self, summary: ReportSummary) -> None:
        for entity in summary.entities:
            entity.iri = sys.intern(entity.iri)
        self.corpus.merge(summary)
        year_bit = 1 << (summary.year - YEAR_ZERO) if summary.year and summary.year >= YEAR_ZERO else 0
        for subject, entity, label, sentences in summary.edges:
            key = (sys.intern(subject), sys.intern(entity))
            edge = self.edges.get(key)
            if edge is None:
                self.edges[key] = [label, sentences, year_bit]
            else:
                edge[1] += sentences
                edge[2] |= year_bit

    def direct_edges(self) -> dict[tuple[str, str], str]:
        return {key: edge[0] for key, edge in self.edges.items()}

    def network(self) -> Network:
        """The full Gephi view, the same network :func:`kg.export.networks` draws from the store."""
        nodes = {}
        for iri, e in self.corpus.entities.items():
            if e.type in ("Government", "Regulation", "Agency", "Program"):
                nodes[iri] = {"type": e.type, "label": CONTROL.sub("", e.label),
                              "kind": e.attrs.get("kind", "") if e.type == "Regulation" else "",
                              "level": (e.attrs.get("level") or "unknown") if e.type == "Government" else "",
                              "issuer": CONTROL.sub("", e.attrs.get("issuer") or "") if e.type == "Regulation"
                              else ""}
        edges = {key: Edge("cites" if label == REGULATION else "mentions", weight, _years(bits))
                 for key, (label, weight, bits) in self.edges.items()}
        return network_view(nodes, edges, "full")


@functools.cache
def _years(bits: int) -> tuple[int, ...]:
    return tuple(YEAR_ZERO + i for i in range(bits.bit_length()) if bits >> i & 1)


def build(inputs: Iterable[str | Path], out: str | Path, base: str = DEFAULT_BASE,
          on_file: Callable[[Path], None] | None = None, *, jobs: int = 1, scheduler: str | None = None,
          use_cache: bool = False, keep_extractions: bool = True, release_pipeline: bool = False) -> BuildResult:
    """Build ``out/`` from the report files under ``inputs``.

    ``jobs`` processes (or the Dask cluster at ``scheduler``) do the per-report work; with ``use_cache``
    each report's results are kept by content hash, so a rebuild redoes only the reports that changed.
    ``keep_extractions`` keeps every extraction in the result (not for national corpora);
    ``release_pipeline`` frees the pipeline once the reports are done (a one-off process such as the CLI).
    """
    out = Path(out)
    base = base if base.endswith(("/", "#")) else base + "/"
    result = BuildResult()
    cache = ExtractionCache() if use_cache else None
    previous = PreviousBuild.load(out, base) if use_cache else None
    started = time.perf_counter()
    slots = plan_inputs(inputs, result, cache, previous)
    result.timings["read"] = time.perf_counter() - started

    started = time.perf_counter()
    reused = {s.sha for s in slots if s.source == "reuse"}
    changed = len(slots) - len(reused) + (len(set(previous.spans) - reused) if previous else 0)
    in_place = bool(previous and previous.generation and changed <= max(1, INCREMENTAL_SHARE * len(slots)))
    names = prefixes(base)
    assembly = Assembly(out, names)
    loader = None if in_place else StoreLoader(out / "store")
    merge = Merge(base)
    spans: dict[str, Span] = {}
    added: list[bytes] = []  # in place: the new reports' triples
    old_files = previous.open() if previous else {}
    spools: dict[str, BinaryIO] = {}
    network: NetworkWriter | None = None
    for stale in out.glob(SPOOL.format(pid="*")):
        stale.unlink()
    try:
        todo = [(s.path.name, str(s.path), None, s.sha, base) for s in slots if s.source == "run"]
        todo_bytes = sum(s.size for s in slots if s.source == "run")
        if in_place and todo_bytes <= WHOLE_MODEL_BYTES:
            jobs = 1  # a few pages: workers would each load the whole model to save less than that costs
        if jobs <= 1 and not scheduler and todo_bytes > WHOLE_MODEL_BYTES:
            shared_pipeline().tokenizer.load_whole_model()  # too much text to look pkuseg's features up per page
        runner = (_run_dask(todo, scheduler) if scheduler else _run_local(todo, jobs, out, cache is not None)) \
            if todo else iter(())
        for slot in slots:
            fragment_nt = _one_report(slot, runner, cache, base, previous, old_files, assembly, merge, spans, result,
                                      keep_extractions, loader is not None, spools)
            if fragment_nt is not None:
                if loader:
                    loader.add(fragment_nt)
                elif slot.source != "reuse":
                    added.append(fragment_nt)
            if on_file:
                on_file(slot.path)
        result.timings["reports"] = time.perf_counter() - started
        if release_pipeline and shared_pipeline.cache_info().currsize:
            shared_pipeline.cache_clear()  # the model's memory is the largest part of the peak; it is done
            gc.collect()

        started = time.perf_counter()
        # With no store loader running, no thread of ours but this one is at work, and the network is drawn in a
        # forked child on the second core while the shared part is written and the store edited.
        network = NetworkWriter(merge, out / "graph", fork=loader is None)
        old_chunks = {c.key: c.span for c in previous.chunks} if previous else {}
        shared = _write_shared(merge, names, assembly, old_files, old_chunks, loader.add if loader else None)
        result.shared_chunks = (sum(c.reused for c in shared), len(shared))
        if loader:
            loader.finish()  # the store loads the last batches while the files and the network are written
        assembly.close()
        network.write()
        generation = secrets.token_hex(8)
        if loader:
            triples = loader.commit(generation)
            result.store_update = "new"
        else:
            removed = [_read(old_files["ntriples"], span.ranges["ntriples"])
                       for sha, span in previous.spans.items() if sha not in reused]
            with assembly.reader("ntriples") as new_nt:
                shared_out, shared_in = _changed_lines(old_files["ntriples"], previous.chunks, new_nt, shared)
            removed_data, added_data = b"".join(removed + shared_out), b"".join(added + shared_in)
            update_store(out / "store", removed_data, added_data, generation)
            triples = previous.triples - removed_data.count(b"\n") + added_data.count(b"\n")
            result.store_update = "in place"
        network.wait()
        assembly.commit()
    except BaseException:
        assembly.discard()
        raise
    finally:
        if network is not None:
            network.stop()
        for handle in [*old_files.values(), *spools.values()]:
            handle.close()
        for spool in out.glob(SPOOL.format(pid="*")):
            spool.unlink()
        if loader:
            loader.discard()
    _save_state(out, base, spans, shared, generation, triples)
    result.timings["merge"] = time.perf_counter() - started
    _write_report(out, result, merge.corpus, triples)
    return result


class NetworkWriter:
    """Writes the Gephi files of the merged network: in a forked child when ``fork`` (the caller has no other
    thread), so it runs beside the caller's own work; otherwise when :meth:`write` is called."""

    def __init__(self, merge: Merge, stem: Path, fork: bool):
        self.merge, self.stem = merge, stem
        self.child = None
        if fork and "fork" in multiprocessing.get_all_start_methods():
            self.child = multiprocessing.get_context("fork").Process(target=self._draw, name="govkg-network")
            self.child.start()

    def _draw(self) -> None:
        write_network(self.merge.network(), self.stem)

    def write(self) -> None:
        if self.child is None:
            self._draw()

    def wait(self) -> None:
        """Until the files are written; raises if the child failed (its traceback is on stderr)."""
        if self.child is not None:
            self.child.join()
            if self.child.exitcode != 0:
                raise RuntimeError(f"writing the Gephi network {self.stem}.gexf/.graphml failed "
                                   f"(exit code {self.child.exitcode})")

    def stop(self) -> None:
        """After an error elsewhere: end the child, if it still runs."""
        if self.child is not None and self.child.is_alive():
            self.child.terminate()
            self.child.join()


@dataclass
class SharedChunk:
    """One chunk of the shared part: the digest of its N-Triples, and where it sits in the files."""

    key: str
    span: Span
    reused: bool = False  # copied from the previous files


def _write_shared(merge: Merge, names: dict[str, str], assembly: Assembly, old_files: dict,
                  old_chunks: dict[str, Span], sink: Callable[[bytes], None] | None) -> list[SharedChunk]:
    """The shared part, a chunk at a time, into the files and to ``sink`` (the store's loader).  A chunk whose
    N-Triples the previous build wrote too is copied from its files: only the chunks beside a change are written
    as Turtle and JSON-LD again."""
    chunks = []
    for graph in shared_chunks(merge.corpus, config_fingerprint(), merge.direct_edges()):
        ntriples = graph.text().encode("utf-8")
        key = hashlib.blake2b(ntriples, digest_size=16).hexdigest()
        old = old_chunks.get(key)
        if old is not None:
            span, _ = assembly.splice(old_files, old, ntriples=False)
        else:
            span = assembly.add(fragment_from_ntriples("", ntriples.decode("utf-8"), names))
        if sink:
            sink(ntriples)
        chunks.append(SharedChunk(key, span, reused=old is not None))
    return chunks


def _changed_lines(old_nt: BinaryIO, old_chunks: list[SharedChunk], new_nt: BinaryIO,
                   new_chunks: list[SharedChunk]) -> tuple[list[bytes], list[bytes]]:
    """The shared part's triples (N-Triples lines) that a store edited in place loses and gains.  Chunks the
    build reused are the same in both, and no triple is in two chunks, so only the others are read."""
    kept = {c.key for c in new_chunks if c.reused}
    old_spans = [c.span.ranges["ntriples"] for c in old_chunks if c.key not in kept]
    new_spans = [c.span.ranges["ntriples"] for c in new_chunks if not c.reused]
    # Each side is read twice (hashes, then the lines not on the other side) rather than held: a rebuild that
    # changed many reports may touch most chunks of a national shared part.
    old_lines = {hash(line) for span in old_spans for line in _lines(old_nt, span)}
    new_lines = {hash(line) for span in new_spans for line in _lines(new_nt, span)}
    lost = [line for span in old_spans for line in _lines(old_nt, span) if hash(line) not in new_lines]
    gained = [line for span in new_spans for line in _lines(new_nt, span) if hash(line) not in old_lines]
    return lost, gained


def _lines(handle, span: tuple[int, int]) -> Iterator[bytes]:
    handle.seek(span[0])
    remaining = span[1]
    while remaining > 0:
        line = handle.readline(remaining)
        if not line:
            return
        remaining -= len(line)
        yield line


def _read(handle, span: tuple[int, int]) -> bytes:
    handle.seek(span[0])
    return handle.read(span[1])


def _one_report(slot: Slot, runner: Iterator, cache: ExtractionCache | None, base: str,
                previous: PreviousBuild | None, old_files: dict, assembly: Assembly, merge: Merge,
                spans: dict[str, Span], result: BuildResult, keep_extractions: bool,
                store_is_new: bool, spools: dict[str, BinaryIO]) -> bytes | None:
    """Merge and write one report; returns its N-Triples (None when the report was skipped; empty when a
    reused report's triples are already in a store edited in place)."""
    extraction = None
    if slot.source == "reuse":
        found = cache.summary(slot.sha, base)
        if found is not None:
            summary, warnings = found
            span, fragment_nt = assembly.splice(old_files, previous.spans[slot.sha], ntriples=store_is_new)
            if keep_extractions:
                extraction = cache.get(slot.sha, slot.path.name, str(slot.path))
            result.reused += 1
            result.cached += 1
            return _merged(slot, summary, warnings, extraction, span, fragment_nt, merge, spans, result,
                           keep_extractions)
        slot.source = "cache"
    if slot.source == "cache":
        extraction = cache.get(slot.sha, slot.path.name, str(slot.path))
        if extraction is not None:
            report = report_result(extraction, base)
            cache.put_summary(extraction, report.summary, base)  # the extraction is there already
            result.cached += 1
        else:
            status, value = process_bytes((slot.path.name, str(slot.path), None, slot.sha, base))
            report = _checked(slot, status, value, result)
    else:
        status, value = next(runner)
        report = _checked(slot, status, value, result)
        if report is not None and cache and not isinstance(report.fragment, Spooled):
            cache.put(report.extraction, report.summary, base)
    if report is None:
        return None
    fragment = report.fragment
    if isinstance(fragment, Spooled):
        if fragment.path not in spools:
            spools[fragment.path] = open(fragment.path, "rb")  # noqa: SIM115 - closed by build()
        span, ntriples = assembly.splice(dict.fromkeys(FRAGMENT_FILES, spools[fragment.path]), Span(fragment.ranges))
    else:
        span, ntriples = assembly.add(fragment), fragment.ntriples
    return _merged(slot, report.summary, report.extraction.warnings, report.extraction, span, ntriples, merge,
                   spans, result, keep_extractions)


def _checked(slot: Slot, status: str, value, result: BuildResult):
    if status == "skipped":
        result.problems.append((str(slot.path), value))
        return None
    return value


def _merged(slot: Slot, summary: ReportSummary, warnings: list[str], extraction: Extraction | None, span: Span,
            fragment_nt: bytes, merge: Merge, spans: dict[str, Span], result: BuildResult,
            keep_extraction: bool) -> bytes:
    merge.add(summary)
    spans[slot.sha] = span
    result.warnings += [(str(slot.path), w) for w in warnings]
    result.reports_built += 1
    if extraction is not None and keep_extraction:
        result.extractions.append(extraction)
    return fragment_nt


def _write_report(out: Path, result: BuildResult, corpus: LinkedCorpus, triples: int) -> None:
    types = Counter(e.type for e in corpus.entities.values())
    outputs = {"turtle": out / "graph.ttl", "ntriples": out / "graph.nt", "jsonld": out / "graph.jsonld",
               "graphml": out / "graph.graphml", "gexf": out / "graph.gexf", "extractions": out / "extractions.jsonl",
               "store": out / "store"}
    report = {
        "software": f"govkg {__version__}",
        "config": config_fingerprint(),
        "reports_built": result.reports_built,
        "files_skipped": [{"path": p, "reason": r} for p, r in result.problems],
        "warnings": [{"path": p, "warning": w} for p, w in result.warnings],
        "entities": dict(sorted(types.items())),
        "triples": triples,
        "outputs": {k: v.name for k, v in outputs.items()},
    }
    write_build_report(report, out / "build-report.json")
    result.outputs = {k: str(v) for k, v in outputs.items()}


def extract_files(inputs: Iterable[str | Path], result: BuildResult) -> list[Extraction]:
    """Ingest and annotate every readable report, in input order (``kg extract``: no graph, no cache)."""
    for slot in plan_inputs(inputs, result, None, None):
        status, value = extract_item((slot.path.name, str(slot.path), None, slot.sha, DEFAULT_BASE))
        extraction = _checked(slot, status, value, result)
        if extraction is not None:
            result.warnings += [(str(slot.path), w) for w in extraction.warnings]
            result.extractions.append(extraction)
    return result.extractions
