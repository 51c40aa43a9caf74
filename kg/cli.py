"""The ``kg`` command line: build, extract, query, eval, validate, stats.

Exit codes: 0 success (warnings allowed); 1 ``--strict`` and some file was
skipped or warned about; 2 usage error; 3 the command could not do its work
(missing set-up, unreadable input, bad query).
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from . import __version__

EXIT_STRICT, EXIT_FAILED = 1, 3


class Failure(click.ClickException):
    """A one-line error without a traceback (unless --debug)."""

    exit_code = EXIT_FAILED


def _guard(ctx: click.Context, action):
    try:
        return action()
    except (click.ClickException, click.exceptions.Exit):
        raise
    except Exception as err:  # noqa: BLE001 - the CLI reports every failure in one line
        if ctx.find_root().params.get("debug"):
            raise
        raise Failure(f"{type(err).__name__}: {err}") from err


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="govkg")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
def main(debug: bool) -> None:
    """govkg: knowledge graphs from Chinese rule-of-law government reports."""


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--out", default="out", show_default=True, type=click.Path(path_type=Path),
              help="Output directory.")
@click.option("--base", default="https://w3id.org/govkg/id/", show_default=True, help="Base IRI of instances.")
@click.option("--strict", is_flag=True, help="Exit 1 when any file was skipped or warned about.")
@click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(1),
              help="Processes for the per-report work (each loads the pipeline once).")
@click.option("--scheduler", metavar="tcp://HOST:PORT", help="Run the per-report work on this Dask cluster.")
@click.option("--cache/--no-cache", default=True, show_default=True,
              help="Reuse each report's extraction by content hash and pipeline fingerprint.")
@click.pass_context
def build(ctx: click.Context, inputs: tuple[Path, ...], out: Path, base: str, strict: bool, jobs: int,
          scheduler: str | None, cache: bool) -> None:
    """Build the graph from report files or directories INPUTS into OUT.

    Example: kg build seeds -o out
    """
    from .build import build as run_build

    started = time.perf_counter()
    result = _guard(ctx, lambda: _with_progress(
        lambda on_file: run_build(inputs, out, base=base, on_file=on_file, jobs=jobs, scheduler=scheduler,
                                  use_cache=cache, keep_extractions=False, release_pipeline=True), inputs))
    for path, reason in result.problems:
        click.echo(f"skipped: {path}: {reason}", err=True)
    for path, warning in result.warnings:
        click.echo(f"warning: {path}: {warning}", err=True)
    timing = ", ".join(f"{k} {v:.1f}s" for k, v in result.timings.items())
    click.echo(f"built {result.reports_built} reports into {out}/ ({result.cached} from cache, {result.reused} "
               f"copied from the last build, store {result.store_update}, "
               f"{len(result.problems)} skipped, {len(result.warnings)} warnings) in "
               f"{time.perf_counter() - started:.1f}s [{timing}]")
    for name, path in sorted(result.outputs.items()):
        click.echo(f"  {name:12s} {path}")
    if strict and (result.problems or result.warnings):
        ctx.exit(EXIT_STRICT)


def _with_progress(run, inputs):
    """A rich progress bar on a terminal; otherwise one ``reading PATH`` line per file on stderr."""
    if not sys.stderr.isatty():
        return run(lambda path: click.echo(f"  reading {path}", err=True))
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .ingest import iter_inputs

    total = sum(1 for _ in iter_inputs(inputs, []))
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.fields[current]}"))
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("building", total=total, current="")

        def advance(path: Path) -> None:
            bar.update(task, advance=1, current=Path(path).name)

        return run(advance)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_context
def extract(ctx: click.Context, files: tuple[Path, ...]) -> None:
    """Print one JSON object per report (the gold format of entities.md) to stdout.

    Example: kg extract seeds/*.txt > pred.jsonl
    """
    from .build import BuildResult, extract_files

    result = BuildResult()
    extractions = _guard(ctx, lambda: extract_files(files, result))
    for path, reason in result.problems:
        click.echo(f"skipped: {path}: {reason}", err=True)
    for ex in extractions:
        click.echo(json.dumps(ex.record(), ensure_ascii=False))


@main.command()
@click.argument("graph", type=click.Path(path_type=Path))
@click.argument("query_file", required=False, type=click.Path(path_type=Path))
@click.option("-n", "--name", help="Run a saved query from ontology/queries/ by name.")
@click.option("-e", "--expr", "expression", help="Run this SPARQL text.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph", show_default=True)
@click.option("--list", "list_saved", is_flag=True, help="List the saved queries and exit.")
@click.pass_context
def query(ctx: click.Context, graph: Path, query_file: Path | None, name: str | None, expression: str | None,
          fmt: str, engine: str, list_saved: bool) -> None:
    """Run SPARQL over a built GRAPH (the out/ directory or a .ttl file).

    Examples: kg query out --name most_cited_regulations;
    kg query out -e 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'
    """
    from . import query as q

    if list_saved:
        for saved, path in q.saved_queries().items():
            first = path.read_text(encoding="utf-8").splitlines()[0].lstrip("# ")
            click.echo(f"{saved:28s} {first}")
        return
    given = [x for x in (query_file, name, expression) if x]
    if len(given) != 1:
        raise click.UsageError("give exactly one of QUERY_FILE, --name or -e")

    def run() -> str:
        if name:
            sparql = q.saved_query(name)
        elif expression:
            sparql = expression
        else:
            if not query_file.exists():
                raise q.QueryError(f"{query_file}: no such query file")
            sparql = query_file.read_text(encoding="utf-8")
        return q.render(q.run(graph, sparql, engine), fmt)

    click.echo(_guard(ctx, run))


@main.command()
@click.argument("graph", type=click.Path(path_type=Path))
@click.argument("node")
@click.argument("other", required=False)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.pass_context
def explain(ctx: click.Context, graph: Path, node: str, other: str | None, fmt: str) -> None:
    """Print the sentences behind a NODE (IRI or label), or behind the edge NODE -> OTHER.

    Examples: kg explain out 优化营商环境条例;
    kg explain out 青岛市即墨区 '法治政府建设实施纲要(2015-2020年)'
    """
    from . import query as q

    table = _guard(ctx, lambda: q.explain(graph, node, other))
    if not table.rows:
        raise Failure(f"no evidence for {node}{' -> ' + other if other else ''} in {graph}")
    click.echo(q.render(table, fmt))


@main.command(name="eval")
@click.argument("gold", type=click.Path(exists=True, path_type=Path))
@click.argument("pred", type=click.Path(exists=True, path_type=Path))
@click.option("--errors/--no-errors", default=True, show_default=True, help="List misses and false alarms.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.pass_context
def evaluate(ctx: click.Context, gold: Path, pred: Path, errors: bool, as_json: bool) -> None:
    """Score PRED against GOLD (both JSON Lines) per entity type.

    Example: kg extract seeds/*.txt > pred.jsonl && kg eval ../shared/gold/seeds.jsonl pred.jsonl
    """
    from .evaluate import load_jsonl, score, summary_lines

    result, found = _guard(ctx, lambda: score(load_jsonl(gold), load_jsonl(pred)))
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        for line in summary_lines(result):
            click.echo(line)
    if errors:
        for doc, kind, text in found.misses:
            click.echo(f"miss        {doc}  {kind:12s} {text}")
        for doc, kind, text in found.false_alarms:
            click.echo(f"false alarm {doc}  {kind:12s} {text}")
        for doc, title, want, got in found.wrong_kinds:
            click.echo(f"wrong kind  {doc}  {title}: gold {want}, predicted {got}")


@main.command()
@click.argument("out", type=click.Path(exists=True, path_type=Path))
@click.option("--port", default=7878, show_default=True, type=click.IntRange(1, 65535))
@click.option("--bind", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback exposes the endpoint to the network.")
@click.option("--timeout", default=30, show_default=True, type=click.IntRange(1), help="Seconds a query may run.")
@click.pass_context
def serve(ctx: click.Context, out: Path, port: int, bind: str, timeout: int) -> None:
    """Serve a built graph read-only over HTTP (SPARQL at /query, query page at /) with Oxigraph.

    Example: kg serve out --port 7878, then open http://127.0.0.1:7878/
    """
    import os
    import shutil

    store = Path(out) / "store"
    if not store.is_dir():
        raise Failure(f"{store}: no store (run `kg build` first)")
    server = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(server).exists():
        raise Failure("the oxigraph server is not installed (pip install oxigraph)")
    click.echo(f"serving {store} read-only at http://{bind}:{port}/ (SPARQL: /query, timeout {timeout}s)", err=True)
    # exec: the server takes this process's id, so it can be stopped by the pid the caller started.
    os.execv(server, [server, "serve-read-only", "--location", str(store), "--bind", f"{bind}:{port}",
                      "--timeout-s", str(timeout)])


@main.command(name="export")
@click.argument("out", type=click.Path(exists=True, path_type=Path))
@click.option("--view", "views", multiple=True, type=click.Choice(["full", "citations", "cocitation"]),
              default=("citations", "cocitation"), show_default=True, help="Projection(s) to write.")
@click.pass_context
def export_views(ctx: click.Context, out: Path, views: tuple[str, ...]) -> None:
    """Write Gephi projections of a built graph: GEXF and GraphML per view.

    full: every node type (out/graph.*); citations: the district-regulation bipartite graph;
    cocitation: districts linked by the number of regulations both cite (both in out/views/).

    Example: kg export out --view citations --view cocitation
    """
    from .export import write_views

    written = _guard(ctx, lambda: write_views(Path(out) / "store", Path(out), views))
    for view, stem in written.items():
        click.echo(f"{view:12s} {stem}.gexf  {stem}.graphml")


@main.command()
@click.argument("out", type=click.Path(exists=True, path_type=Path))
@click.option("--shapes", type=click.Path(exists=True, path_type=Path),
              help="SHACL shapes (default: ontology/shapes.ttl).")
@click.pass_context
def validate(ctx: click.Context, out: Path, shapes: Path | None) -> None:
    """Check a built graph against the SHACL shapes; exit 1 on violations.

    Example: kg validate out
    """
    from .validate import validate as run_validate

    conforms, text = _guard(ctx, lambda: run_validate(out, shapes))
    click.echo(text)
    if not conforms:
        ctx.exit(1)


@main.command()
@click.argument("out", type=click.Path(exists=True, path_type=Path))
@click.pass_context
def stats(ctx: click.Context, out: Path) -> None:
    """Counts by type, the most-cited regulations and the build's warnings.

    Example: kg stats out
    """
    from . import query as q

    def run() -> str:
        report = json.loads((Path(out) / "build-report.json").read_text(encoding="utf-8"))
        lines = [f"reports built: {report['reports_built']}, triples: {report['triples']}"]
        lines += [f"  {k:12s} {v}" for k, v in report["entities"].items()]
        lines.append("most-cited regulations:")
        top = q.run(out, q.saved_query("most_cited_regulations"))
        lines += [f"  {row[2]:>3} districts {row[3]:>3} reports  {row[0]} ({row[1]})" for row in top.rows[:10]]
        lines += [f"skipped: {s['path']}: {s['reason']}" for s in report["files_skipped"]]
        lines += [f"warning: {w['path']}: {w['warning']}" for w in report["warnings"]]
        return "\n".join(lines)

    click.echo(_guard(ctx, run))


if __name__ == "__main__":
    sys.exit(main())
