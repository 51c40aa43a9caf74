"""Programs: the lexicon of reform programs plus a classifier for quoted terms and head-word grammar.

1. Lexicon (``kg/data/programs.tsv``): every variant is matched on a view of the
   text with quote marks removed, so “放管服”改革 and “一门”“一窗”改革 match.
2. Quoted terms (“X”) not in the lexicon are classified: a term followed by a
   program head word (改革, 机制, 行动 …) or shaped like a reform slogan (一网通办,
   首违不罚) is a program; a slogan of principles (“统一、整合、全面”), a count
   phrase (“一个定位、三个着力”), a long sentence or a quoted name is not.
3. Unquoted names ending in a campaign head (…专项行动, …提升工程, 12345热线).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ..gazetteer import Gazetteer, Program, read_tsv
from ..refdata import DATA_DIR
from ..textnorm import normalize_title


def load_heads() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Head words (longest first), those kept in canonical names, and self-sufficient term endings."""
    rows = sorted(read_tsv(DATA_DIR / "program_heads.tsv"), key=lambda r: -len(r["word"]))
    pick = [tuple(r["word"] for r in rows if r[column] == "yes") for column in ("head", "canonical", "ending")]
    return pick[0], pick[1], pick[2]


QUOTES = "“”\"‘’「」『』"
QUOTED = re.compile(r"[“\"‘「『](?P<term>[^“”\"‘’「」『』\n]{1,30})[”\"’」』]")
HEADS, CANONICAL_HEADS, TERM_ENDINGS = load_heads()
COUNT_PHRASE = re.compile(r"[一二三四五六七八九十两百千\d]+个|[一二三四五六七八九十两]{1,2}[不要有]")
UNQUOTED = re.compile(r"(?P<name>(?:\d{5}|[\u4e00-\u9fff]{2,20}?)"
                      r"(?:专项行动|联合行动|攻坚行动|提升工程|示范创建活动|攻坚战|社会热线|服务热线|热线))")


@dataclass
class ProgramMention:
    start: int
    end: int
    surface: str
    name: str
    category: str = ""
    variants: list[str] = field(default_factory=list)


class Lexicon:
    """Program variants indexed by first character for a quick left-to-right scan."""

    def __init__(self, programs: list[Program]):
        self.by_first: dict[str, list[tuple[str, Program]]] = {}
        for program in programs:
            for variant in {program.canonical, *program.variants}:
                key = variant.replace("、", "") if False else variant
                self.by_first.setdefault(key[0], []).append((key, program))
        for entries in self.by_first.values():
            entries.sort(key=lambda e: -len(e[0]))
        self.by_norm = {normalize_title(v): p for vs in self.by_first.values() for v, p in vs}

    def scan(self, text: str) -> list[tuple[int, int, Program]]:
        found = []
        i = 0
        while i < len(text):
            for variant, program in self.by_first.get(text[i], ()):
                if text.startswith(variant, i):
                    found.append((i, i + len(variant), program))
                    i += len(variant)
                    break
            else:
                i += 1
        return found

    def get(self, term: str) -> Program | None:
        return self.by_norm.get(normalize_title(term))


def strip_quotes(text: str) -> tuple[str, list[int]]:
    """The text without quote marks, and for each kept character its offset in ``text``."""
    kept, offsets = [], []
    for i, ch in enumerate(text):
        if ch not in QUOTES:
            kept.append(ch)
            offsets.append(i)
    return "".join(kept), offsets


class ProgramRecogniser:
    """The logic behind the ``govkg_programs`` component."""

    def __init__(self, gazetteer: Gazetteer, max_quoted_len: int = 14):
        self.lexicon = Lexicon(gazetteer.programs)
        self.max_quoted_len = max_quoted_len

    def recognise(self, text: str, token_starts: list[int], skip: list[tuple[int, int]] = ()) -> list[ProgramMention]:
        mentions = self._lexicon_mentions(text)
        taken = [(m.start, m.end) for m in mentions]
        for m in QUOTED.finditer(text):
            if _overlaps(m.start(), m.end(), taken) or _inside(m.start(), skip):
                continue
            mention = self.classify_quoted(text, m.start(), m.end(), m.group("term"))
            if mention:
                mentions.append(mention)
                taken.append((mention.start, mention.end))
        for m in UNQUOTED.finditer(text):
            start = _token_aligned_start(text, token_starts, m.start(), m.end())
            if start is None or _overlaps(start, m.end(), taken) or _inside(start, skip):
                continue
            surface = text[start:m.end()]
            if len(surface) < 5 and not surface[:5].isdigit():
                continue
            mentions.append(ProgramMention(start, m.end(), surface, surface))
            taken.append((start, m.end()))
        return sorted(mentions, key=lambda x: x.start)

    def _lexicon_mentions(self, text: str) -> list[ProgramMention]:
        bare, offsets = strip_quotes(text)
        mentions = []
        for start, end, program in self.lexicon.scan(bare):
            s, e = offsets[start], offsets[end - 1] + 1
            if s > 0 and text[s - 1] in QUOTES and e < len(text) and text[e] in QUOTES:
                s, e = s - 1, e + 1
            head = _head_after(text, e)
            surface = text[s:e + len(head)]
            mentions.append(ProgramMention(s, e + len(head), surface, program.canonical, program.category))
        return mentions

    def classify_quoted(self, text: str, start: int, end: int, term: str) -> ProgramMention | None:
        """A quoted term with its head word, if it names a program; None for slogans, names, metaphors."""
        term = term.strip()
        head = _head_after(text, end)
        known = self.lexicon.get(term) or (self.lexicon.get(term + head) if head else None)
        if known:
            return ProgramMention(start, end + len(head), text[start:end + len(head)], known.canonical, known.category)
        if not is_program_term(term, head, self.max_quoted_len):
            return None
        canonical = term + head if head in CANONICAL_HEADS else term
        return ProgramMention(start, end + len(head), text[start:end + len(head)], canonical)


def is_program_term(term: str, head: str, max_len: int = 14) -> bool:
    """Is a quoted term (with the head word after it) the name of a program?"""
    items = [p for p in re.split(r"[、，,]", term) if p]
    if len(term) < 2 or re.search(r"[。；;！？:：]", term):
        return False
    if re.fullmatch(r"[\d.]+", term) and not head:
        return False
    if COUNT_PHRASE.search(term) and len(items) > 1:
        return False  # “一个定位、三个着力”: a slogan of counted principles
    if len(items) >= 3 and max(len(p) for p in items) <= 4 and not head:
        return False  # “统一、整合、全面、细致、规范”
    if head:
        return len(term) <= max_len + 6
    if len(term) > max_len:
        return False
    if COUNT_PHRASE.search(term) and not term.endswith(TERM_ENDINGS):
        return False  # “十个新突破”, “三个不能”
    return term.endswith(TERM_ENDINGS) or _reform_slogan(term)


def _reform_slogan(term: str) -> bool:
    """Short verb phrases of the reform vocabulary: 一网通办, 秒批, 首违不罚, 拿地即开工."""
    if not 2 <= len(term) <= 10:
        return False
    return bool(re.search(r"[办批罚审管享查验诉调]|[一二三四五六七八九十]|[+＋]|即|不", term))


def _head_after(text: str, end: int) -> str:
    return next((h for h in HEADS if text.startswith(h, end)), "")


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def _inside(pos: int, spans) -> bool:
    return any(s <= pos < e for s, e in spans)


def _token_aligned_start(text: str, token_starts: list[int], start: int, end: int) -> int | None:
    index = bisect.bisect_left(token_starts, start)
    if index < len(token_starts) and token_starts[index] < end:
        return token_starts[index]
    return None
