"""NLP stage: the spaCy pipeline (Chinese + pkuseg + govkg recognisers) and per-report extraction."""
from __future__ import annotations

import contextlib
import functools
import io
import sys
from collections.abc import Iterator
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from ..refdata import pkuseg_model_dir
from . import components, tokenizer  # noqa: F401  (registers the factories and the tokenizer)
from .extract import Extraction, extract

CONFIG = Path(__file__).with_name("config.cfg")

__all__ = ["CONFIG", "Extraction", "annotate", "extract", "load_pipeline"]


class ModelMissing(RuntimeError):
    """pkuseg's model is not where set-up puts it."""


def require_model(model_dir: Path | None = None) -> Path:
    """pkuseg's model directory; :class:`ModelMissing` when set-up has not put it there."""
    model_dir = Path(model_dir or pkuseg_model_dir())
    if not (model_dir / "weights.npz").exists():
        raise ModelMissing(f"pkuseg model not found in {model_dir}: run `python3 dev.py setup` first")
    return model_dir


def load_pipeline(config_path: Path = CONFIG, model_dir: Path | None = None) -> Language:
    """The govkg pipeline from its spaCy config, with pkuseg's default model initialised."""
    model_dir = require_model(model_dir)
    config = spacy.util.load_config(config_path, overrides={"paths.pkuseg_model": str(model_dir)})
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    with without_pkuseg_notice():
        nlp.initialize()
    return nlp


PKUSEG_NOTICE = "features.msgpack does not exist"


@contextlib.contextmanager
def without_pkuseg_notice() -> Iterator[None]:
    """spacy_pkuseg prints a WARNING on every load because pkuseg's released model has features.pkl, not
    features.msgpack.  It reads the pickle instead, as meant, so the line only alarms users; it is dropped,
    and anything else printed meanwhile is passed on."""
    printed = io.StringIO()
    try:
        with contextlib.redirect_stderr(printed):
            yield
    finally:
        sys.stderr.writelines(line for line in printed.getvalue().splitlines(True) if PKUSEG_NOTICE not in line)


@functools.cache
def shared_pipeline() -> Language:
    """One pipeline per process: loading pkuseg's model takes seconds."""
    return load_pipeline()


def annotate(text: str, district=None, nlp: Language | None = None, year: int | None = None) -> Doc:
    """Run the pipeline over ``text`` for a report of ``district`` and ``year``.

    Short names are completed with the district; a year-less title resolves to the edition in force in ``year``.
    """
    nlp = nlp or shared_pipeline()
    doc = nlp.make_doc(text)
    doc._.govkg_district = district
    doc._.govkg_year = year
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc
