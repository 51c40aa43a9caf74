"""Find input files and turn their bytes into text: encodings, binaries, HTML."""
from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

SUFFIXES = {".txt", ".html", ".htm"}
MAX_BYTES = 20 * 1024 * 1024  # a real report page is < 1 MB; larger files are attachments or dumps

# Magic numbers of files that are not text although they are often saved as .txt.
BINARY_SIGNATURES = {
    b"%PDF": "PDF document",
    b"PK\x03\x04": "ZIP archive (or DOCX/XLSX)",
    b"\x89PNG": "PNG image",
    b"GIF8": "GIF image",
    b"\xff\xd8\xff": "JPEG image",
    b"\xd0\xcf\x11\xe0": "MS Office (OLE) document",
    b"Rar!": "RAR archive",
    b"\x1f\x8b": "gzip archive",
}
BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
HTML_START = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<meta|<body|<div|<p[\s>])", re.I)
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)


class IngestError(Exception):
    """A file that cannot be read as a report; the message says why."""


@dataclass
class Decoded:
    text: str
    encoding: str
    is_html: bool
    html_title: str = ""
    html_meta: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def iter_inputs(paths: Iterable[str | os.PathLike], problems: list[tuple[str, str]]) -> Iterator[Path]:
    """Report files under ``paths`` (files or directories, recursively), each once, in sorted order.

    Unreadable directories, symlink loops and unknown suffixes given explicitly
    are recorded in ``problems`` as ``(path, reason)`` instead of raising.
    """
    seen: set[Path] = set()
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(_walk(path, problems))
        elif path.is_file():
            if path.suffix.lower() in SUFFIXES:
                found.append(path)
            else:
                problems.append((str(path), f"unsupported file type {path.suffix or '(none)'}"))
        else:
            problems.append((str(path), "no such file or directory"))
    for path in sorted(found, key=lambda p: str(p)):
        real = path.resolve()
        if real not in seen:
            seen.add(real)
            yield path


def _walk(root: Path, problems: list[tuple[str, str]]) -> Iterator[Path]:
    visited: set[tuple[int, int]] = set()

    def on_error(err: OSError) -> None:
        problems.append((str(err.filename), f"cannot read directory: {err.strerror}"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error, followlinks=True):
        stat = os.stat(dirpath)
        key = (stat.st_dev, stat.st_ino)
        if key in visited:  # a symlink loop: walk each real directory once
            problems.append((dirpath, "symlink loop: directory already visited"))
            dirnames[:] = []
            continue
        visited.add(key)
        dirnames.sort()
        for name in sorted(filenames):
            if Path(name).suffix.lower() in SUFFIXES:
                yield Path(dirpath) / name


def read_bytes(path: Path) -> bytes:
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise IngestError("not a regular file (device, FIFO or socket)")
        size = info.st_size
        if size > MAX_BYTES:
            raise IngestError(f"file too large ({size / 1e6:.1f} MB > {MAX_BYTES / 1e6:.0f} MB): not a report page")
        return path.read_bytes()
    except PermissionError as err:
        raise IngestError("permission denied") from err
    except FileNotFoundError as err:
        raise IngestError("cannot read file: no such file (dangling link?)") from err
    except OSError as err:
        raise IngestError(f"cannot read file: {err.strerror}") from err


def decode(data: bytes, suffix: str = ".txt") -> Decoded:
    """Decode a page's bytes, detecting BOMs, UTF-8, GB18030/GBK and HTML."""
    if not data.strip():
        raise IngestError("empty file")
    for magic, what in BINARY_SIGNATURES.items():
        if data.startswith(magic):
            raise IngestError(f"binary file ({what}), not text")
    warnings: list[str] = []
    text, encoding = _decode_text(data, warnings)
    if "\x00" in text:
        raise IngestError("binary file (contains NUL bytes), not text")
    if not text.strip():
        raise IngestError("no text (white space only)")
    is_html = suffix.lower() in {".html", ".htm"} or bool(HTML_START.match(data[:512]))
    if not is_html:
        return Decoded(text.replace("\r\n", "\n").replace("\r", "\n"), encoding, False, warnings=warnings)
    parser = _TextParser()
    parser.feed(text)
    parser.close()
    return Decoded(parser.text(), encoding, True, parser.title.strip(), parser.meta, warnings)


def _decode_text(data: bytes, warnings: list[str]) -> tuple[str, str]:
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError as err:
                raise IngestError(f"{codec} byte-order mark but undecodable bytes at {err.start}") from err
    declared = META_CHARSET.search(data[:4096])
    candidates = ["utf-8", "gb18030"]
    if declared:
        name = declared.group(1).decode("ascii", "ignore").lower()
        name = "gb18030" if name in {"gbk", "gb2312", "gb18030"} else name
        candidates.insert(0, name)
    for codec in dict.fromkeys(candidates):
        try:
            return data.decode(codec), codec
        except LookupError:
            continue
        except UnicodeDecodeError as err:
            if codec == "utf-8" and err.start >= len(data) - 3 and "end of data" in err.reason:
                # A UTF-8 file cut in the middle of its last character: keep what is whole
                # (before GB18030, which would read the broken tail as some other character).
                warnings.append(f"file ends mid-character (truncated): last {len(data) - err.start} byte(s) dropped")
                return data[:err.start].decode("utf-8"), "utf-8"
    raise IngestError("undecodable: neither UTF-8 nor GB18030/GBK")


BLOCK_TAGS = {"p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "section",
              "article", "table", "title", "ul", "ol", "header", "footer", "nav", "dd", "dt", "pre", "hr"}
SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "iframe", "object"}


class _TextParser(HTMLParser):
    """Visible text of a page with one line per block element, plus <title> and <meta>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.in_title = False
        self.title = ""
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIP_TAGS:
            self.skip += 1
        elif tag == "title":
            self.in_title = True
        elif tag == "meta":
            values = dict(attrs)
            key = values.get("name") or values.get("property") or values.get("http-equiv")
            if key and values.get("content"):
                self.meta[key.lower()] = values["content"] or ""
        if tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in SKIP_TAGS:
            self.skip -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag == "title":
            self.in_title = False
        if tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.in_title:
            self.title += data
            return
        self.parts.append(data)

    def text(self) -> str:
        lines = ("".join(self.parts)).replace("\xa0", " ").replace("\r", "").split("\n")
        return "\n".join(line.strip() for line in lines if line.strip())
