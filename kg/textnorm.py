"""Text normalisation shared by every stage: the spec's title comparison and small helpers."""
from __future__ import annotations

import re
import unicodedata

DASHES = re.compile(r"[\u2010-\u2015\u2212\uff0d~\uff5e至]")
MARKS = re.compile(r"[《》〈〉<>＜＞“”‘’\"'「」『』]")
SPACE = re.compile(r"\s+")
NATIONAL_PREFIX = "中华人民共和国"


def normalize_title(text: str) -> str:
    """Normalise a title as ``entities.md`` compares them.

    NFKC, white space removed, every dash to ``-``, title marks and quotes
    removed, a leading 中华人民共和国 removed, lower case.
    """
    text = unicodedata.normalize("NFKC", text or "")
    text = SPACE.sub("", text)
    text = DASHES.sub("-", text)
    text = MARKS.sub("", text)
    if text.startswith(NATIONAL_PREFIX):
        text = text[len(NATIONAL_PREFIX):]
    return text.lower()
