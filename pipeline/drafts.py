"""Model-assisted annotation: a model's events on new articles as markup drafts that an annotator
corrects and imports (`draft`, then `import-markup`), instead of tagging every article from nothing."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from tqdm.auto import tqdm

from .extract import Article, Extractor
from .inputs import InputError, check_articles, expand, read_articles, resolved
from .markup import MarkupError, date_line, to_markup
from .schema import Document, Entity, Event, Span, document_date, replacing
from .validate import PLAIN_ID

# Where predicted spans overlap, the one that keeps an event together wins: the trigger, then the
# party, its title and affiliation, then the event's date, place and topics; a longer span first.
_PRIORITY = {"TRIGGER": 0, "PARTICIPANT": 1, "TITLE": 2, "AFFILIATION": 2, "DATE": 3, "LOCATION": 4, "TOPIC": 5}


def _entity_id(name: str, taken: set[str]) -> str:
    """A readable id from the name ("Qin Gang" -> qin_gang), unique in the document."""
    words = re.findall(r"[a-z0-9]+", name.lower()) or ["party"]
    base = words[0]
    for w in words[1:]:  # whole words only, up to about 24 characters
        if len(base) + 1 + len(w) > 24:
            break
        base += f"_{w}"
    if re.fullmatch(r"e\d+", base):  # never an event id
        base = f"p_{base}"
    eid, k = base, 2
    while eid in taken:
        eid, k = f"{base}_{k}", k + 1
    taken.add(eid)
    return eid


def draft_document(art: Article, record: dict) -> Document:
    """The predicted events of one article as an annotation document: every mention the record
    gives (trigger mentions, party mentions, title and affiliation, date, place, topics), with
    overlaps resolved and events left with fewer than two parties dropped, so that it validates.
    An article dated by JSONL or --date gets the date line that `import-markup` would give it."""
    if art.date and document_date(art.text) is None:
        prefix = date_line(art.date)
        art, record = Article(art.id, prefix + art.text), _shifted(record, len(prefix))
    wanted: dict[tuple[str, int, int], dict] = {}  # (label, start, end) -> {"entity"| "events", "value"}

    def add(label: str, m: dict, entity: str | None = None, event: str | None = None, value: str | None = None):
        if art.text[m["start"] : m["end"]] != m["text"] or m["text"] != m["text"].strip() or not m["text"]:
            return
        slot = wanted.setdefault((label, m["start"], m["end"]), {"entity": entity, "events": [], "value": value})
        if slot["value"] != value:  # "on Friday" of an occurred and a planned meeting: no one day
            slot["value"] = None
        if event and event not in slot["events"]:
            slot["events"].append(event)

    entities: dict[tuple[str, int], str] = {}  # (name, first mention) -> entity id: one party across events
    names: dict[str, str] = {}
    taken: set[str] = set()
    events: list[tuple[str, dict, list[str]]] = []
    for k, ev in enumerate(record["events"], 1):
        eid = f"e{k}"
        parties = []
        for p in ev["participants"]:
            key = (p["name"], p["mentions"][0]["start"])
            if key not in entities:
                entities[key] = _entity_id(p["name"], taken)
                names[entities[key]] = p["name"]
                for m in p["mentions"]:
                    add("PARTICIPANT", m, entity=entities[key])
                for label, m in (("TITLE", p.get("title_mention")), ("AFFILIATION", p.get("affiliation_mention"))):
                    if m:
                        add(label, m, entity=entities[key])
            parties.append(entities[key])
        for m in ev["trigger_mentions"]:
            if ("TRIGGER", m["start"], m["end"]) not in wanted:  # a trigger word belongs to one event
                add("TRIGGER", m, event=eid)
        if ev["date"]:
            add("DATE", ev["date"], event=eid, value=ev["date"]["value"])
        if ev["location"]:
            add("LOCATION", ev["location"], event=eid)
        for t in ev["topics"]:
            add("TOPIC", t, event=eid)
        events.append((eid, ev, parties))

    kept: list[tuple[str, int, int]] = []
    for key in sorted(wanted, key=lambda k: (_PRIORITY[k[0]], k[1] - k[2], k[1])):
        if not any(key[1] < b and a < key[2] for _, a, b in kept):
            kept.append(key)
    kept.sort(key=lambda k: k[1])
    spans = [Span(f"s{i}", label, a, b, art.text[a:b], wanted[(label, a, b)]["entity"],
                  wanted[(label, a, b)]["value"] if label == "DATE" else None)
             for i, (label, a, b) in enumerate(kept, 1)]
    mentioned = {s.entity for s in spans if s.label == "PARTICIPANT"}
    out_events = []
    for eid, ev, parties in events:
        mine = {label: [s.id for s, key in zip(spans, kept) if s.label == label and eid in wanted[key]["events"]]
                for label in ("TRIGGER", "DATE", "LOCATION", "TOPIC")}
        parties = list(dict.fromkeys(p for p in parties if p in mentioned))
        if mine["TRIGGER"] and len(parties) >= 2:
            out_events.append(Event(eid, ev["status"], mine["TRIGGER"], parties, mine["DATE"], mine["LOCATION"],
                                    mine["TOPIC"]))
    # What only dropped events used goes with them: validate wants every span and party in an event.
    used = {p for e in out_events for p in e.participants}
    linked = {i for e in out_events for i in e.triggers + e.date + e.location + e.topics}
    spans = [s for s in spans if (s.entity in used if s.entity is not None else s.id in linked)]
    return Document(art.id, art.text, spans, [Entity(i, names[i]) for i in names if i in used], out_events)


def _shifted(value, shift: int):
    """A record with every start/end offset moved by `shift`."""
    if isinstance(value, dict):
        return {k: v + shift if k in ("start", "end") and isinstance(v, int) else _shifted(v, shift)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_shifted(v, shift) for v in value]
    return value


def draft_markup(art: Article, record: dict, model: str) -> tuple[str, list[float]]:
    """The markup file of one article's draft, each event line noted with its confidence, and the
    confidences of the events drafted."""
    doc = draft_document(art, record)
    confidence = {f"e{k}": ev["confidence"] for k, ev in enumerate(record["events"], 1)}
    comments = [f"Draft of {model}: check every tag against annotations/GUIDELINES.md, add what it missed,",
                "then: python -m pipeline import-markup <this file>"]
    notes = {e.id: f"confidence {confidence[e.id]:.2f}" for e in doc.events}
    return to_markup(doc, comments, notes), [confidence[e.id] for e in doc.events]


def write_drafts(inputs: list[str], model_dir: Path, out_dir: Path, date: str | None = None,
                 min_confidence: float | None = None, force: bool = False) -> list[tuple[Path, int, float | None]]:
    """Predict on the articles and write one markup draft each to `out_dir`/<doc_id>.txt: (path,
    events, lowest event confidence) per draft. Every input and target is checked before the model
    loads; an existing draft, perhaps already corrected, is replaced only with `force`."""
    sources = expand(inputs)
    n, problems = check_articles(sources, date)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InputError(f"{problems[0]}{more}; no draft was written")
    if not n:
        raise InputError("no article to draft")
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"--out {out_dir} is not a directory")
    inputs = {resolved(p) for p in sources if isinstance(p, Path)}
    arts = list(read_articles(sources, date))
    for art in arts:
        if not PLAIN_ID.fullmatch(art.id):
            raise InputError(f"document id {art.id!r} cannot name an annotation file (letters, digits, '.', '_', '-')")
        target = out_dir / f"{art.id}.txt"
        if resolved(target) in inputs:
            raise InputError(f"{target} is one of the inputs; it would be overwritten")
        if target.exists() and not force:
            raise InputError(f"{target} exists (perhaps already corrected); pass --force to replace it")
        try:  # a text markup cannot hold ("[File photo|AP:x]") stops the batch before any work
            to_markup(Document(art.id, art.text))
        except MarkupError as exc:
            raise InputError(str(exc)) from None
    extractor = Extractor.load(model_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    records = tqdm(extractor.predict(arts, min_confidence=min_confidence), desc="draft", unit="doc",
                   total=n, disable=n < 2, file=sys.stderr)
    written = []
    for art, rec in zip(arts, records):
        try:
            source, confidences = draft_markup(art, rec, Path(model_dir).name)
        except MarkupError as exc:
            raise InputError(str(exc)) from None
        target = out_dir / f"{art.id}.txt"
        with replacing(target) as f:
            f.write(source)
        written.append((target, len(confidences), min(confidences) if confidences else None))
    return written
