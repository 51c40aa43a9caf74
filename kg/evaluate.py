"""``kg eval``: the metric of ``shared/tools/score.py`` plus the list of misses and false alarms.

Titles and names are compared as ``entities.md`` normalises them; gold entries
marked optional neither count as misses nor make a matching prediction a false
alarm; matching is greedy and one-to-one, per document, micro-averaged.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .textnorm import normalize_title

SPEC = {"regulations": ("title", "aliases"), "agencies": ("name", "mentions"), "programs": ("name", "mentions")}


@dataclass
class Errors:
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # (doc, type, gold name)
    false_alarms: list[tuple[str, str, str]] = field(default_factory=list)  # (doc, type, predicted name)
    wrong_kinds: list[tuple[str, str, str, str]] = field(default_factory=list)  # (doc, title, gold, predicted)


def load_jsonl(path: str | Path) -> dict[str, dict]:
    docs = {}
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if line.strip():
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as err:
                    raise ValueError(f"{path}:{number}: not JSON: {err.msg}") from err
                docs[str(obj["doc"]).rsplit("/", 1)[-1]] = obj
    return docs


def _keys(entity, name_field: str, fields: tuple[str, ...]) -> set[str]:
    if not isinstance(entity, dict):
        return {normalize_title(entity)} - {""}
    keys = {normalize_title(entity.get(name_field))}
    for f in fields:
        keys.update(normalize_title(a) for a in entity.get(f) or [])
    return keys - {""}


def match(gold_list, pred_list, name_field: str, alias_field: str):
    """Greedy one-to-one matching; returns tp, fp, fn, matched pairs, missed gold, unmatched predictions."""
    preds = []
    for p in pred_list or []:
        keys = _keys(p, name_field, ("aliases", "mentions"))
        if keys and not any(keys == k for k, _ in preds):
            preds.append((keys, p))
    gold = sorted(gold_list or [], key=lambda g: bool(g.get("optional")))
    used, pairs, missed = set(), [], []
    tp = fn = 0
    for g in gold:
        keys = _keys(g, name_field, (alias_field,))
        hit = next((i for i, (k, _) in enumerate(preds) if i not in used and k & keys), None)
        if hit is not None:
            used.add(hit)
            if not g.get("optional"):
                tp += 1
                pairs.append((g, preds[hit][1]))
        elif not g.get("optional"):
            fn += 1
            missed.append(g)
    unmatched = [p for i, (_, p) in enumerate(preds) if i not in used]
    return tp, len(unmatched), fn, pairs, missed, unmatched


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "tp": tp, "fp": fp, "fn": fn}


def _district_ok(gold: dict, pred: dict) -> bool:
    g, p = gold.get("district") or {}, pred.get("district") or {}
    if isinstance(p, str):
        p = {"name": p}
    keys = {normalize_title(g.get("name")), normalize_title(g.get("short"))} - {""}
    return bool(keys & ({normalize_title(p.get("name")), normalize_title(p.get("short"))} - {""}))


def score(gold: dict[str, dict], pred: dict[str, dict]) -> tuple[dict, Errors]:
    totals = {k: [0, 0, 0] for k in SPEC}
    errors = Errors()
    kind_ok = kind_all = district_ok = year_ok = 0
    for doc, g in gold.items():
        p = pred.get(doc, {})
        for key, (name_field, alias_field) in SPEC.items():
            tp, fp, fn, pairs, missed, unmatched = match(g.get(key), p.get(key), name_field, alias_field)
            for i, v in enumerate((tp, fp, fn)):
                totals[key][i] += v
            errors.misses += [(doc, key, m.get(name_field, "")) for m in missed]
            errors.false_alarms += [(doc, key, u.get(name_field, "") if isinstance(u, dict) else str(u))
                                    for u in unmatched]
            if key == "regulations":
                for gr, pr in pairs:
                    kind_all += 1
                    ok = isinstance(pr, dict) and pr.get("kind") in {gr.get("kind"), *(gr.get("alt_kinds") or [])}
                    kind_ok += ok
                    if not ok:
                        errors.wrong_kinds.append((doc, gr["title"], gr.get("kind"), pr.get("kind")))
        district_ok += _district_ok(g, p)
        year_ok += str(p.get("year")) == str(g.get("year"))
    n = len(gold) or 1
    result = {key: _prf(*t) for key, t in totals.items()}
    result["regulation_kind_accuracy"] = kind_ok / kind_all if kind_all else 0.0
    result["district_accuracy"] = district_ok / n
    result["year_accuracy"] = year_ok / n
    result["documents"] = len(gold)
    return result, errors


def summary_lines(result: dict) -> list[str]:
    lines = []
    for key in SPEC:
        r = result[key]
        lines.append(f"{key:12s} P={r['precision']:.3f} R={r['recall']:.3f} F1={r['f1']:.3f}"
                     f"  (tp={r['tp']} fp={r['fp']} fn={r['fn']})")
    lines.append(f"regulation kind accuracy {result['regulation_kind_accuracy']:.3f}")
    lines.append(f"district accuracy {result['district_accuracy']:.3f}  year accuracy "
                 f"{result['year_accuracy']:.3f}  over {result['documents']} documents")
    return lines
