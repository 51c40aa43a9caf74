"""A pkuseg tokenizer that segments only the clauses a recogniser can use.

pkuseg is the expensive step of a build.  The regulation recogniser reads the
text, not tokens; the agency and program recognisers need tokens only around
an agency suffix, a quotation mark or a campaign head word, and never across
clause punctuation (a name does not span a comma).  So each clause with such a
trigger is segmented by pkuseg and every other clause becomes one token, with
its punctuation a token of its own for the sentencizer.  ``segment_all = true``
in the config segments everything (the benchmark compares the two).
"""
from __future__ import annotations

import re
import sqlite3
import warnings

from spacy.lang.zh import ChineseTokenizer, Segmenter
from spacy.tokens import Doc
from spacy.util import get_words_and_spaces, registry

from ..gazetteer import load as load_gazetteer
from .lazy_pkuseg import LazyPkuseg
from .programs import QUOTES, UNQUOTED

CLAUSE = re.compile(r"[^，。；：、！？,;:!?\n]*[，。；：、！？,;:!?\n]?")
CLAUSE_END = "，。；：、！？,;:!?\n"


def trigger_pattern() -> re.Pattern:
    """Where a recogniser needs tokens: agency suffixes, quotation marks, campaign heads, hotline numbers."""
    suffixes = sorted({a.suffix for a in load_gazetteer().agency_types}, key=len, reverse=True)
    quotes = "".join(re.escape(q) for q in QUOTES)
    return re.compile("|".join(map(re.escape, suffixes)) + f"|[{quotes}]|" + UNQUOTED.pattern)


class SelectiveTokenizer:
    """spaCy tokenizer: pkuseg on the clauses that need it, one token for each other clause."""

    def __init__(self, vocab, segment_all: bool = False):
        self.vocab = vocab
        self.inner = ChineseTokenizer(vocab, segmenter=Segmenter.pkuseg)
        self.segment_all = segment_all
        self.trigger = trigger_pattern()
        self.segmented_chars = 0  # for the benchmark: how much text pkuseg actually read
        self.total_chars = 0

    def initialize(self, get_examples=None, *, nlp=None, pkuseg_model=None, pkuseg_user_dict="default",
                   lazy_features=True):
        """Load pkuseg's model; with ``lazy_features`` its features are looked up per text until a process has
        segmented enough text to make loading them all worth it (kg/nlp/lazy_pkuseg.py): the same words."""
        if lazy_features and pkuseg_model:
            try:
                self.inner.pkuseg_seg = LazyPkuseg(pkuseg_model, pkuseg_user_dict)
                return
            except (OSError, sqlite3.Error) as err:  # e.g. a read-only cache: the index cannot be built
                warnings.warn(f"pkuseg's feature index is unusable ({err}); loading the whole model", stacklevel=2)
        self.inner.initialize(get_examples, nlp=nlp, pkuseg_model=pkuseg_model, pkuseg_user_dict=pkuseg_user_dict)

    def load_whole_model(self) -> None:
        """Load all of pkuseg's features now: for a process about to segment many reports."""
        if isinstance(self.inner.pkuseg_seg, LazyPkuseg):
            self.inner.pkuseg_seg.load_all()

    def __call__(self, text: str) -> Doc:
        self.total_chars += len(text)
        if self.segment_all:
            self.segmented_chars += len(text)
            return self.inner(text)
        words: list[str] = []
        cut = self.inner.pkuseg_seg.cut
        for match in CLAUSE.finditer(text):
            clause = match.group(0)
            if not clause.strip():
                continue
            if self.trigger.search(clause):
                self.segmented_chars += len(clause)
                words.extend(cut(clause))
                continue
            body, end = (clause[:-1], clause[-1]) if clause[-1] in CLAUSE_END else (clause, "")
            words.extend(body.split())
            if end.strip():
                words.append(end)
        words, spaces = get_words_and_spaces(words, text)
        return Doc(self.vocab, words=words, spaces=spaces)


@registry.tokenizers("govkg.selective_pkuseg.v1")
def create_selective_tokenizer(segment_all: bool = False):
    def make(nlp):
        return SelectiveTokenizer(nlp.vocab, segment_all)

    return make
