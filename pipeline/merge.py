"""One meeting, many reports: group events of different articles that are the same meeting."""

from __future__ import annotations

import re

from .entities import is_nominal


def _key(name: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"[\w\-]+", name.lower()) if len(w) > 1)


def _same_party(a: dict, b: dict) -> bool:
    ka, kb = _key(a["name"]), _key(b["name"])
    if not ka or not kb or is_nominal(a["name"]) or is_nominal(b["name"]):
        return False
    return ka <= kb or kb <= ka or (a.get("country") is not None and a.get("country") == b.get("country")
                                    and len(ka) == len(kb) == 1 and ka == kb)


def _shared(a: dict, b: dict) -> int:
    return sum(1 for p in a["participants"] if any(_same_party(p, q) for q in b["participants"]))


def _compatible(a: dict, b: dict) -> bool:
    if a["status"] != b["status"]:
        return False
    da, db = (a.get("date") or {}).get("value"), (b.get("date") or {}).get("value")
    return da is None or db is None or da == db


def merge_reports(records: list[dict]) -> list[dict]:
    """Meeting records with their `sources` (document id, index of the event in that document's
    record, its trigger and evidence offsets) and the fields on which the sources disagree (date,
    location). Status, date and place come from the most confident report with a resolved date (the
    place, if it names none, from the most confident report that does); a party's name is its
    most complete form over the reports, and each of its attributes the first one a report gives.
    Two events are the same meeting when they share at least two parties, have the same status and
    compatible dates (equal, or unknown in one of them)."""
    groups: list[list[tuple[str, int, dict]]] = []
    for rec in records:
        for i, ev in enumerate(rec["events"]):
            ev = {**ev, "_date": rec.get("document_date")}
            for g in groups:
                # Events of one article were already told apart by its own assembly.
                if all(d != rec["doc_id"] and _compatible(ev, e) and _shared(ev, e) >= 2 for d, _, e in g):
                    g.append((rec["doc_id"], i, ev))
                    break
            else:
                groups.append([(rec["doc_id"], i, ev)])
    return [_merged(g) for g in groups]


def _merged(group: list[tuple[str, int, dict]]) -> dict:
    events = [e for _, _, e in group]
    dated = [e for e in events if (e.get("date") or {}).get("value")]
    best = max(events, key=lambda e: (bool((e.get("date") or {}).get("value")), e["confidence"]))
    located = [e for e in events if (e.get("location") or {}).get("text")]
    place = best if best in located else max(located, key=lambda e: e["confidence"], default=None)
    parties: list[dict] = []
    for e in events:
        for p in e["participants"]:
            same = next((q for q in parties if _same_party(p, q)), None)
            if same is None:
                parties.append({k: p.get(k) for k in ("name", "title", "affiliation", "country")})
                continue
            if len(_key(p["name"])) > len(_key(same["name"])):
                same["name"] = p["name"]
            # One article may give a party's title and another its affiliation.
            for k in ("title", "affiliation", "country"):
                if same[k] is None and p.get(k) is not None:
                    same[k] = p[k]
    disagreements = {}
    for field, get in (("date", lambda e: (e.get("date") or {}).get("value")),
                       ("location", lambda e: (e.get("location") or {}).get("text"))):
        values = sorted({v for v in map(get, events) if v is not None})
        if len(values) > 1:
            disagreements[field] = values
    return {
        "type": "meeting", "status": best["status"],
        "participants": parties,
        "date": best["date"]["value"] if dated else None,
        "location": place["location"]["text"] if place else None,
        "topics": sorted({t["text"] for e in events for t in e["topics"]}),
        "confidence": max(e["confidence"] for e in events),
        # Each report's trigger and evidence offsets: the proof of the meeting in that article.
        "sources": [{"doc_id": d, "event_index": i, "trigger": e["trigger"], "evidence": e["evidence"]}
                    for d, i, e in group],
        "disagreements": disagreements,
    }
