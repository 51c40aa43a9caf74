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
from dataclasses import dataclass

from ..gazetteer import Gazetteer, Program, read_tsv
from ..refdata import DATA_DIR
from ..textnorm import normalize_title


def load_heads() -> tuple[tuple[str, ...], ...]:
    """Head words (longest first), those kept in canonical names, self-sufficient endings, strong heads."""
    rows = sorted(read_tsv(DATA_DIR / "program_heads.tsv"), key=lambda r: -len(r["word"]))
    return tuple(tuple(r["word"] for r in rows if r[column] == "yes")
                 for column in ("head", "canonical", "ending", "strong"))


QUOTES = "“”\"‘’「」『』"
QUOTED = re.compile(r"[“\"‘「『](?P<term>[^“”\"‘’「」『』\n]{1,30})[”\"’」』]")
HEADS, CANONICAL_HEADS, TERM_ENDINGS, STRONG_HEADS = load_heads()
TAIL = re.compile(r"^的?[\u4e00-\u9fff+＋]{0,10}?(" + "|".join(STRONG_HEADS) + ")")
NUMBER_WORDS = re.compile(r"^[一二三四五六七八九十两双百千\d]")
NOT_PROGRAM_ENDINGS = ("网", "网站", "号", "式", "性", "化", "室", "报", "台", "栏目", "频道", "品牌",
                       "会", "节", "论坛", "峰会", "展")  # 数博会, 进博会: events
COUNT_PHRASE = re.compile(r"[一二三四五六七八九十两百千\d]+个|[一二三四五六七八九十两]{1,2}[不要有]")
UNQUOTED = re.compile(r"(?P<name>(?:\d{5}|[\u4e00-\u9fff]{2,20}?)"
                      r"(?:专项行动|联合行动|攻坚行动|提升工程|示范创建活动|攻坚战|申报承诺制))|(?P<hotline>\d{5,6}[\u4e00-\u9fff]{0,8}?热线)")


@dataclass
class ProgramMention:
    start: int
    end: int
    surface: str
    name: str
    category: str = ""
    core: str = ""  # the quoted term alone (“承诺即开工”) when the surface adds a tail (…审批模式)


class Lexicon:
    """Program variants indexed by first character for a quick left-to-right scan."""

    def __init__(self, programs: list[Program]):
        self.by_first: dict[str, list[tuple[str, Program]]] = {}
        for program in programs:
            for variant in {program.canonical, *program.variants}:
                self.by_first.setdefault(variant[0], []).append((variant, program))
        for entries in self.by_first.values():
            entries.sort(key=lambda e: -len(e[0]))
        self.by_norm = {program_key(v): p for vs in self.by_first.values() for v, p in vs}

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
        return self.by_norm.get(program_key(term))


def program_key(term: str) -> str:
    """Spellings of one program compare equal: 放、管、服 = 放管服."""
    return normalize_title(term).replace("、", "").replace("，", "").replace(",", "")


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
        # A quoted agency (以下简称“高新区管委会”) is a name, not a program.
        self.agency_suffixes = tuple(a.suffix for a in gazetteer.agency_types if len(a.suffix) >= 2)

    def recognise(self, text: str, token_starts: list[int], skip: list[tuple[int, int]] = (),
                  stopwords: frozenset[str] = frozenset()) -> list[ProgramMention]:
        # A program quoted inside a cited title (《…“首违不罚”…清单》) is still one the report names;
        # unquoted words of a title (…三年行动实施方案) and unknown quoted slogans there are not.
        mentions, held = self._lexicon_mentions(text)
        mentions = [m for m in mentions if not _inside(m.start, skip) or m.surface[:1] in QUOTES]
        taken = [(m.start, m.end) for m in mentions]
        for m in QUOTED.finditer(text):
            if _overlaps(m.start(), m.end(), taken):
                continue
            mention = self.classify_quoted(text, m.start(), m.end(), m.group("term"), token_starts, stopwords)
            if mention is None or _inside(m.start(), skip) and not (
                    mention.category or mention.surface.endswith(STRONG_HEADS)):
                continue
            mentions.append(mention)
            taken.append((mention.start, mention.end))
        for m in UNQUOTED.finditer(text):
            start = _token_aligned_start(text, token_starts, m.start(), m.end())
            start = _skip_leading_verbs(text, token_starts, start, m.end(), stopwords)
            if start is None or _overlaps(start, m.end(), taken) or _inside(start, skip):
                continue
            surface = text[start:m.end()]
            if len(surface) < 5 and not surface[:5].isdigit():
                continue
            mentions.append(ProgramMention(start, m.end(), surface, surface))
            taken.append((start, m.end()))
        held = [m for m in held if not _overlaps(m.start, m.end, taken) and not _inside(m.start, skip)]
        mentions += _listed_beside(text, held, mentions)
        return sorted(mentions, key=lambda x: x.start)

    def _lexicon_mentions(self, text: str) -> tuple[list[ProgramMention], list[ProgramMention]]:
        bare, offsets = strip_quotes(text)
        mentions: list[ProgramMention] = []
        held: list[ProgramMention] = []  # unquoted vocabulary, kept only when listed beside a program
        quoted_terms = [(m.start() + 1, m.end() - 1) for m in QUOTED.finditer(text)]
        for start, end, program in self.lexicon.scan(bare):
            s, e = offsets[start], offsets[end - 1] + 1
            if any(qs <= s and e <= qe and (qs, qe) != (s, e) for qs, qe in quoted_terms):
                continue  # 综治中心 inside “综治中心+综治信息系统+N”: the quoted whole decides
            if s > 0 and text[s - 1] in QUOTES:
                s -= 1  # keep the marks the text put round the name: “放管服”改革
            if e < len(text) and text[e] in QUOTES and text[s] in QUOTES:
                e += 1
            head = _head_after(text, e)
            tail = TAIL.match(text[e:e + 14])
            if tail and len(tail.group(0)) > len(head) and text[e - 1] in QUOTES:
                head = tail.group(0)  # “谁执法谁普法”普法责任制
            quoted = text[s] in QUOTES or text[e - 1] in QUOTES
            variant = bare[start:end]
            surface = text[s:e + len(head)]
            mention = ProgramMention(s, e + len(head), surface, program.canonical, program.category)
            if quoted or head in STRONG_HEADS or variant.endswith(STRONG_HEADS) or _coined(variant):
                mentions.append(mention)
            else:
                # 简易注销 alone is vocabulary; in 推行“证照分离”、多证合一、简易注销 it is a program
                held.append(mention)
        return mentions, held

    def classify_quoted(self, text: str, start: int, end: int, term: str,
                        token_starts: list[int] = (), stopwords: frozenset[str] = frozenset()) -> ProgramMention | None:
        """A quoted term with its head word, if it names a program; None for slogans, names, metaphors.

        A longer tail ending in a strong head joins the name (“1+1+8”污染防治攻坚组合行动), and so
        does a short qualifier before the quote when there is such a tail (政企“面对面”服务机制).
        """
        term = term.strip()
        head = _head_after(text, end)
        known = self.lexicon.get(term) or (self.lexicon.get(term + head) if head else None)
        if known:
            return ProgramMention(start, end + len(head), text[start:end + len(head)], known.canonical, known.category)
        tail = TAIL.match(text[end:end + 14])
        if tail and len(tail.group(0)) > len(head):
            head = tail.group(0)
        if term.endswith(self.agency_suffixes) or not is_program_term(term, head, self.max_quoted_len):
            return None
        prefix_start = _qualifier_before(text, token_starts, start, stopwords) if head.endswith(STRONG_HEADS) else start
        canonical = text[prefix_start:start] + term + head.removeprefix("的") \
            if head.endswith(CANONICAL_HEADS) else term
        return ProgramMention(prefix_start, end + len(head), text[prefix_start:end + len(head)], canonical,
                              core=text[start:end])


def is_program_term(term: str, head: str, max_len: int = 14) -> bool:
    """Is a quoted term (with the head word after it) the name of a program?"""
    items = [p for p in re.split(r"[、，,]", term) if p]
    if len(term) < 2 or re.search(r"[。；;！？:：]", term):
        return False
    if re.fullmatch(r"[\d.]+", term) and not head:
        return False
    strong = head.endswith(STRONG_HEADS)
    if COUNT_PHRASE.search(term) and (len(items) > 1 or not (strong or term.endswith(TERM_ENDINGS))):
        return False  # “一个定位、三个着力”, “十个新突破”: slogans of counted principles
    if len(items) >= 3 and max(len(p) for p in items) <= 4 and not strong:
        return False  # “统一、整合、全面、细致、规范”
    if head:
        return len(term) <= max_len + 6
    if len(term) > max_len or term.endswith(NOT_PROGRAM_ENDINGS):
        return False  # 即墨政务网, 一站式, 个人调解室: sites, adjectives, rooms
    if len(term) <= 3 and NUMBER_WORDS.match(term):
        return False  # 四风, 三定, 四网: counted slogans
    if COUNT_PHRASE.search(term) and not term.endswith(TERM_ENDINGS):
        return False  # “十个新突破”, “三个不能”
    return term.endswith(TERM_ENDINGS) or _reform_slogan(term)


def _reform_slogan(term: str) -> bool:
    """Short verb phrases of the reform vocabulary: 一网通办, 秒批, 首违不罚, 拿地即开工."""
    if not 2 <= len(term) <= 10:
        return False
    return bool(re.search(r"[办批罚管享验诉调]|[一二三四五六七八九十]|[+＋]|即|不", term))


def _head_after(text: str, end: int) -> str:
    return next((h for h in HEADS if text.startswith(h, end)), "")


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def _inside(pos: int, spans) -> bool:
    return any(s <= pos < e for s, e in spans)


def _listed_beside(text: str, held: list[ProgramMention], accepted: list[ProgramMention]) -> list[ProgramMention]:
    """Held mentions that stand in one enumeration (joined by 、) with an accepted program."""
    kept: list[ProgramMention] = []
    spans = sorted((m.start, m.end) for m in accepted)
    changed = True
    while changed:
        changed = False
        for m in held:
            if m in kept:
                continue
            near = any(0 <= m.start - e <= 2 and text[e:m.start].strip("“”\"") in ("、", "")
                       or 0 <= s - m.end <= 2 and text[m.end:s].strip("“”\"") in ("、", "") for s, e in spans)
            if near:
                kept.append(m)
                spans.append((m.start, m.end))
                changed = True
    return kept


def _qualifier_before(text: str, token_starts: list[int], quote_start: int, stopwords: frozenset[str]) -> int:
    """Start of a short qualifier token right before an opening quote (政企“面对面”…), else the quote."""
    index = bisect.bisect_left(token_starts, quote_start) - 1
    if index < 0:
        return quote_start
    token = text[token_starts[index]:quote_start]
    if 2 <= len(token) <= 4 and re.fullmatch(r"[\u4e00-\u9fff]+", token) and token not in stopwords \
            and not token.endswith(("区", "市", "县", "省", "州", "旗")):
        return token_starts[index]  # 政企“面对面”服务机制; but 高新区“…”活动 is the place, not the program
    return quote_start


def _coined(term: str) -> bool:
    """Coined program names carry numbers, plus signs or enumerations: 最多跑一次, 互联网+, 双随机、一公开."""
    if re.search(r"[\d+＋、]", term) or len(re.findall(r"[一二三四五六七八九十双两]", term)) >= 2:
        return True
    return bool(re.search(r"[一二三四五六七八九十双两多][个项张网窗门次证站件号]", term))


def _skip_leading_verbs(text: str, token_starts: list[int], start: int | None, end: int,
                        stopwords: frozenset[str]) -> int | None:
    """Move a campaign name's start past verbs and adverbs (扎实开展|矛盾纠纷…专项行动)."""
    if start is None:
        return None
    index = bisect.bisect_left(token_starts, start)
    last = start
    while index < len(token_starts) and token_starts[index] < end:
        next_start = token_starts[index + 1] if index + 1 < len(token_starts) else end
        token = text[token_starts[index]:next_start]
        if token in stopwords or token in ("和", "及", "与"):
            last = next_start
        elif token_starts[index] >= last:
            break
        index += 1
    return last if last < end else None


def _token_aligned_start(text: str, token_starts: list[int], start: int, end: int) -> int | None:
    index = bisect.bisect_left(token_starts, start)
    if index < len(token_starts) and token_starts[index] < end:
        return token_starts[index]
    return None
