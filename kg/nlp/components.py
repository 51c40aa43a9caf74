"""spaCy factories: ``govkg_regulations``, ``govkg_agencies``, ``govkg_programs``.

Each component reads ``doc._.govkg_district`` (set by :func:`kg.nlp.annotate`),
adds labelled spans to ``doc.spans[LABEL]`` and the full records (title, kind,
issuer, completed names …) to ``doc._.govkg[LABEL]`` in the same order.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..gazetteer import load as load_gazetteer
from .agencies import AgencyRecogniser, load_stopwords
from .names import Jurisdiction
from .programs import ProgramRecogniser
from .regulations import RegulationRecogniser

REGULATION, AGENCY, PROGRAM = "REGULATION", "AGENCY", "PROGRAM"

if not Doc.has_extension("govkg_district"):
    Doc.set_extension("govkg_district", default=None)
if not Doc.has_extension("govkg_year"):
    Doc.set_extension("govkg_year", default=None)
if not Doc.has_extension("govkg"):
    Doc.set_extension("govkg", getter=lambda doc: doc.user_data.setdefault("govkg", {}))


def _add(doc: Doc, label: str, records: list) -> None:
    spans = []
    for record in records:
        span = doc.char_span(record.start, record.end, label=label, alignment_mode="expand")
        if span is not None:
            spans.append(span)
    doc.spans[label] = spans
    doc._.govkg[label] = records


def _token_bounds(doc: Doc) -> tuple[list[int], set[int]]:
    starts = [t.idx for t in doc]
    ends = {t.idx + len(t.text) for t in doc}
    return starts, ends


class RegulationsComponent:
    def __init__(self, max_backref_len: int):
        self.recogniser = RegulationRecogniser(load_gazetteer(), max_backref_len)

    def __call__(self, doc: Doc) -> Doc:
        where = Jurisdiction.of(doc._.govkg_district, doc._.govkg_year)
        _add(doc, REGULATION, self.recogniser.recognise(doc.text, where))
        return doc


class AgenciesComponent:
    def __init__(self, min_generic_stem: int):
        self.recogniser = AgencyRecogniser(load_gazetteer(), min_generic_stem)

    def __call__(self, doc: Doc) -> Doc:
        where = Jurisdiction.of(doc._.govkg_district, doc._.govkg_year)
        starts, ends = _token_bounds(doc)
        # Issuers inside a cited title (《中共中央关于…的决定》) are part of the title, not agencies acting.
        titles = [(r.start, r.end) for r in doc._.govkg.get(REGULATION, [])]
        _add(doc, AGENCY, self.recogniser.recognise(doc.text, starts, ends, where, skip=titles))
        return doc


class ProgramsComponent:
    def __init__(self, max_quoted_len: int):
        self.recogniser = ProgramRecogniser(load_gazetteer(), max_quoted_len)
        self.stopwords = frozenset(load_stopwords())

    def __call__(self, doc: Doc) -> Doc:
        starts, _ = _token_bounds(doc)
        titles = [(r.start, r.end) for r in doc._.govkg.get(REGULATION, [])]
        _add(doc, PROGRAM, self.recogniser.recognise(doc.text, starts, skip=titles, stopwords=self.stopwords))
        return doc


@Language.factory("govkg_regulations", default_config={"max_backref_len": 6})
def make_regulations(nlp: Language, name: str, max_backref_len: int) -> RegulationsComponent:
    return RegulationsComponent(max_backref_len)


@Language.factory("govkg_agencies", default_config={"min_generic_stem": 2})
def make_agencies(nlp: Language, name: str, min_generic_stem: int) -> AgenciesComponent:
    return AgenciesComponent(min_generic_stem)


@Language.factory("govkg_programs", default_config={"max_quoted_len": 14})
def make_programs(nlp: Language, name: str, max_quoted_len: int) -> ProgramsComponent:
    return ProgramsComponent(max_quoted_len)
