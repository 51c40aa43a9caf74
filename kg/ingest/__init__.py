"""Ingest stage: files in, :class:`Report` objects out (body text, reporting government, year, date)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..gazetteer import Gazetteer
from ..gazetteer import load as load_gazetteer
from .page import Page, split_page
from .reader import IngestError, decode, iter_inputs, read_bytes
from .reporter import District, recognise

__all__ = ["District", "IngestError", "Report", "iter_inputs", "read_report", "report_from_bytes", "report_from_text"]


@dataclass
class Report:
    """One report page, ready for the NLP stage."""

    doc: str  # file name, the key of the gold format
    path: str
    sha256: str
    encoding: str
    page: Page
    district: District | None
    year: int | None
    published: str | None
    warnings: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        return self.page.body


def report_from_text(text: str, doc: str = "report.txt", *, html: bool = False,
                     gazetteer: Gazetteer | None = None, sha256: str = "", path: str = "") -> Report:
    """Build a :class:`Report` from text already decoded (used by tests and by :func:`read_report`)."""
    data = text.encode("utf-8")
    decoded = decode(data, ".html" if html else ".txt")
    return _report(decoded, doc, path or doc, sha256 or hashlib.sha256(data).hexdigest(), gazetteer)


def read_report(path: str | Path, gazetteer: Gazetteer | None = None) -> Report:
    """Read one file; raises :class:`IngestError` with the reason when it is not a readable report."""
    path = Path(path)
    return report_from_bytes(read_bytes(path), path.name, str(path), gazetteer)


def report_from_bytes(data: bytes, doc: str, path: str, gazetteer: Gazetteer | None = None,
                      sha256: str = "") -> Report:
    """A report from a file's bytes (what a build worker receives, with the hash the build already took)."""
    decoded = decode(data, Path(doc).suffix)
    return _report(decoded, doc, path, sha256 or hashlib.sha256(data).hexdigest(), gazetteer)


def _report(decoded, doc: str, path: str, sha256: str, gazetteer: Gazetteer | None) -> Report:
    cjk = sum(1 for ch in decoded.text if "\u4e00" <= ch <= "\u9fff")
    if cjk < 0.2 * len(decoded.text.strip()):
        raise IngestError(f"not a Chinese report (only {cjk} CJK characters of {len(decoded.text.strip())})")
    page = split_page(decoded.text, decoded.html_title, decoded.html_meta)
    if len(page.body) < 20:
        raise IngestError("no report body found (page has only navigation/metadata)")
    identity = recognise(page, gazetteer or load_gazetteer())
    warnings = list(decoded.warnings)
    if identity.district is None:
        warnings.append("reporting government not recognised")
    if identity.year is None:
        warnings.append("year not recognised")
    return Report(doc, path, sha256, decoded.encoding, page, identity.district, identity.year,
                  identity.published, warnings)
