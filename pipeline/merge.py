"""One meeting, many reports: group events of different articles that are the same meeting."""

from __future__ import annotations

import re

from .countries import country_code, is_country_name
from .entities import is_nominal


def _key(name: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"[\w\-]+", name.lower()) if len(w) > 1)


def _same_party(a: dict, b: dict) -> bool:
    # A country is the same party as another name of it ("US", "the United States"), never as a
    # name that merely contains it ("Bank of China", "Michael Jordan").
    ca, cb = is_country_name(a["name"]), is_country_name(b["name"])
    if ca or cb:
        return ca and cb and country_code(a["name"]) == country_code(b["name"])
    ka, kb = _key(a["name"]), _key(b["name"])
    if not ka or not kb or is_nominal(a["name"]) or is_nominal(b["name"]):
        return False
    return ka <= kb or kb <= ka


def _shared(a: dict, b: dict) -> int:
    return sum(1 for p in a["participants"] if any(_same_party(p, q) for q in b["participants"]))


def _compatible(a: dict, b: dict) -> bool:
    if a["status"] != b["status"]:
        return False
    da, db = (a.get("date") or {}).get("value"), (b.get("date") or {}).get("value")
    return da is None or db is None or da == db


def merge_reports(records: list[dict]) -> list[dict]:
    """Meeting records with their `sources` (document id, index of the event in that document's
    record, its trigger and evidence offsets) and the places on which the sources disagree. Two
    events are the same meeting when they share at least two parties, have the same status and
    compatible dates (equal, or unknown in one of them), so a group has one status and at most one
    date. Reports are ranked dated first, then by confidence: the place is the best-ranked one
    named, each party's title and its affiliation with its country come from the best-ranked report
    that gives them, and its name is its most complete form over the reports."""
    groups: list[list[tuple[str, int, dict]]] = []
    for rec in records:
        for i, ev in enumerate(rec["events"]):
            for g in groups:
                # Events of one article were already told apart by its own assembly.
                if all(d != rec["doc_id"] and _compatible(ev, e) and _shared(ev, e) >= 2 for d, _, e in g):
                    g.append((rec["doc_id"], i, ev))
                    break
            else:
                groups.append([(rec["doc_id"], i, ev)])
    return [_merged(g) for g in groups]


def _rank(event: dict) -> tuple[bool, float]:
    return bool((event.get("date") or {}).get("value")), event["confidence"]


def _merged(group: list[tuple[str, int, dict]]) -> dict:
    ranked = sorted((e for _, _, e in group), key=_rank, reverse=True)
    best = ranked[0]
    place = next((e["location"]["text"] for e in ranked if (e.get("location") or {}).get("text")), None)
    parties: list[dict] = []
    for e in ranked:
        for p in e["participants"]:
            same = next((q for q in parties if _same_party(p, q)), None)
            if same is None:
                parties.append({k: p.get(k) for k in ("name", "title", "affiliation", "country")})
                continue
            if len(_key(p["name"])) > len(_key(same["name"])):
                same["name"] = p["name"]
            # One article may give a party's title and another its affiliation; the affiliation and
            # the country it implies travel together, so they never come from reports that disagree.
            if same["title"] is None:
                same["title"] = p.get("title")
            if same["affiliation"] is None and p.get("affiliation") is not None:
                same["affiliation"], same["country"] = p["affiliation"], p.get("country")
            elif same["country"] is None:
                same["country"] = p.get("country")
    places = sorted({e["location"]["text"] for e in ranked if (e.get("location") or {}).get("text")})
    return {
        "type": "meeting", "status": best["status"],
        "participants": parties,
        "date": (best.get("date") or {}).get("value"),
        "location": place,
        "topics": sorted({t["text"] for e in ranked for t in e["topics"]}),
        "confidence": max(e["confidence"] for e in ranked),
        # Each report's trigger and evidence offsets: the proof of the meeting in that article.
        "sources": [{"doc_id": d, "event_index": i, "trigger": e["trigger"], "evidence": e["evidence"]}
                    for d, i, e in group],
        "disagreements": {"location": places} if len(places) > 1 else {},
    }
