"""Inter-annotator agreement between two annotation sets of the same documents."""

from __future__ import annotations

from collections import Counter

from .corpus import CorpusError
from .evaluate import event_scores, gold_attributes
from .schema import Document

EVENT_FIGURES = ("event_f1", "participant_f1", "exact_event_f1")  # undefined with no event in either set
MATCH_FIGURES = ("status_accuracy", "date_accuracy", "location_accuracy", "title_accuracy",
                 "country_accuracy")  # undefined with no matched event


class AgreementError(CorpusError):
    """Two annotation sets that cannot be compared."""


def as_record(doc: Document) -> dict:
    """An annotated document in the output contract's shape, so it can be scored like a prediction."""
    attrs = gold_attributes(doc)
    spans = {s.id: s for s in doc.spans}
    mentions = doc.mentions_by_entity()
    events = []
    for ev in doc.events:
        values = [spans[s].value for s in ev.date if spans[s].value]
        trigger = spans[ev.triggers[0]]
        loc = spans[ev.location[0]] if ev.location else None
        events.append({
            "status": ev.status, "confidence": 1.0,
            "trigger": {"text": trigger.text, "start": trigger.start, "end": trigger.end},
            "participants": [{"name": p, "confidence": 1.0, "title": min(attrs[p][0], default=None),
                              "country": min(attrs[p][1], default=None), "mentions": [
                {"text": m.text, "start": m.start, "end": m.end} for m in mentions.get(p, [])]}
                for p in ev.participants],
            "date": {"value": values[0] if values else None},
            "location": {"text": loc.text, "start": loc.start, "end": loc.end} if loc else None,
        })
    return {"doc_id": doc.id, "events": events}


def span_agreement(a: list[Document], b: list[Document]) -> dict:
    """Exact (same label and offsets) and overlapping span F1 of b against a, overall and per label
    (a label that neither set uses has no entry; no span at all gives null)."""
    exact, overlap, na, nb = Counter(), Counter(), Counter(), Counter()
    for da, db in zip(a, b):
        sa = {(s.label, s.start, s.end) for s in da.spans}
        sb = {(s.label, s.start, s.end) for s in db.spans}
        for lab, *_ in sa:
            na[lab] += 1
        for lab, *_ in sb:
            nb[lab] += 1
        for lab, *_ in sa & sb:
            exact[lab] += 1
        for lab, s, e in sa:
            if any(lb == lab and s < e2 and s2 < e for lb, s2, e2 in sb):
                overlap[lab] += 1

    def f1(tp: int, n_a: int, n_b: int) -> float | None:
        return 2 * tp / (n_a + n_b) if n_a + n_b else None

    out = {"span_f1_exact": f1(sum(exact.values()), sum(na.values()), sum(nb.values())),
           "span_f1_overlap": f1(sum(overlap.values()), sum(na.values()), sum(nb.values()))}
    for lab in sorted(na | nb):
        out[f"span_f1_exact_{lab}"] = f1(exact[lab], na[lab], nb[lab])
    return out


def unpaired(a: list[Document], b: list[Document]) -> tuple[list[str], list[str]]:
    """The ids found only in a, and only in b: left out of the scores."""
    ids_a, ids_b = {d.id for d in a}, {d.id for d in b}
    return sorted(ids_a - ids_b), sorted(ids_b - ids_a)


def agreement(a: list[Document], b: list[Document]) -> dict:
    """Span-level and event-level agreement of the documents in both sets, paired by id. A figure
    with nothing behind it (no event in either set; no matched event for an accuracy) is None, not
    0.0: two annotators who both found no meeting do not disagree."""
    by_id = {d.id: d for d in b}
    pairs = [(d, by_id[d.id]) for d in a if d.id in by_id]
    if not pairs:
        raise AgreementError("the two annotation sets share no document id")
    differ = [da.id for da, db in pairs if da.text != db.text]
    if differ:  # offsets index the text: on two texts they point at different words
        raise AgreementError(f"texts differ between the two sets in {', '.join(differ)}; "
                             "offsets cannot be compared")
    a_docs, b_docs = [p[0] for p in pairs], [p[1] for p in pairs]
    events, _ = event_scores([as_record(d) for d in b_docs], a_docs)
    out = {"documents": len(pairs), **span_agreement(a_docs, b_docs),
           **{k: events[k] for k in ("events_gold", "events_predicted", "event_f1", "participant_f1",
                                     "status_accuracy", "date_accuracy", "location_accuracy", "exact_event_f1",
                                     "title_accuracy", "country_accuracy")}}
    if not events["events_gold"] and not events["events_predicted"]:
        out.update(dict.fromkeys(EVENT_FIGURES))
    if not events["events_matched"]:
        out.update(dict.fromkeys(MATCH_FIGURES))
    return out
