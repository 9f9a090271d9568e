"""Checks annotation files: structure (JSON Schema), offsets, span text, links, ids, seeds unchanged."""

from __future__ import annotations

import heapq
import json
import re
from collections.abc import Iterable
from pathlib import Path

import jsonschema

from .corpus import CorpusError
from .schema import ENTITY_LABELS, EVENT_ARG_LABELS, LABELS, STATUSES, DateError, Document, Span, document_date, iso_day


class AnnotationError(CorpusError):
    """An annotation set that does not pass `validate`."""


ANNOTATION_SCHEMA = {
    "type": "object",
    "required": ["id", "text", "spans", "entities", "events"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "minLength": 1},
        "meta": {"type": "object"},
        "text": {"type": "string"},
        "spans": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "label", "start", "end", "text"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string"},
                    "label": {"type": "string"},
                    "start": {"type": "integer"},
                    "end": {"type": "integer"},
                    "text": {"type": "string"},
                    "entity": {"type": ["string", "null"]},
                    "value": {"type": ["string", "null"], "pattern": r"^\d{4}-\d{2}-\d{2}$"},
                },
            },
        },
        "entities": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "name"],
                "additionalProperties": False,
                "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
            },
        },
        "events": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "status", "triggers", "participants"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string"},
                    "status": {"type": "string"},
                    "triggers": {"type": "array", "items": {"type": "string"}},
                    "participants": {"type": "array", "items": {"type": "string"}},
                    "date": {"type": "array", "items": {"type": "string"}},
                    "location": {"type": "array", "items": {"type": "string"}},
                    "topics": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
}


def _is_int(_checker: object, instance: object) -> bool:
    # JSON Schema counts 19.0 as an integer, but only an int can index the text.
    return isinstance(instance, int) and not isinstance(instance, bool)


_VALIDATOR = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_int))(ANNOTATION_SCHEMA)

PLAIN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_LINKED_LABELS = ("TRIGGER", *EVENT_ARG_LABELS)  # spans that exist only as some event's trigger or argument


def _short(message: str, limit: int = 200) -> str:
    """A schema message quotes the offending value, which may be the whole document."""
    return message if len(message) <= limit else message[: limit - 3] + "..."


def _schema_message(error: jsonschema.ValidationError) -> str:
    where = "/".join(map(str, error.absolute_path)) or "document"
    if error.validator == "type" and error.validator_value == "integer":
        return f"{where}: {_short(repr(error.instance))} is not an integer"
    return f"{where}: {_short(error.message)}"


def _has_int_offsets(s: Span) -> bool:
    return _is_int(None, s.start) and _is_int(None, s.end)


def _check_spans(doc: Document) -> list[str]:
    """Each span on its own: id, label, offsets, text, entity, value."""
    errors: list[str] = []
    seen: set[str] = set()
    n = len(doc.text)
    for s in doc.spans:
        if s.id in seen:
            errors.append(f"span {s.id}: duplicate id")
        seen.add(s.id)
        if s.label not in LABELS:
            errors.append(f"span {s.id}: unknown label {s.label!r}")
        if not _has_int_offsets(s):  # a Document built in code skips the JSON Schema check
            errors.append(f"span {s.id}: offsets {s.start!r}-{s.end!r} are not an integer pair")
        elif s.start < 0 or s.end > n:
            errors.append(f"span {s.id}: offsets {s.start}-{s.end} outside the text (length {n})")
        elif s.start == s.end:
            errors.append(f"span {s.id}: empty (offsets {s.start}-{s.end})")
        elif s.start > s.end:
            errors.append(f"span {s.id}: end {s.end} before start {s.start}")
        elif doc.text[s.start : s.end] != s.text:
            errors.append(f"span {s.id}: text {s.text!r} differs from the text at its offsets "
                          f"{doc.text[s.start:s.end]!r}")
        if s.label in ENTITY_LABELS and not s.entity:
            errors.append(f"span {s.id}: {s.label} span without an entity")
        elif s.label in LABELS and s.label not in ENTITY_LABELS and s.entity is not None:
            errors.append(f"span {s.id}: entity {s.entity!r} on a {s.label} span; "
                          f"only {', '.join(ENTITY_LABELS)} spans name an entity")
        if s.value is not None and s.label != "DATE":
            errors.append(f"span {s.id}: only DATE spans carry a value")
        elif s.value is not None and not iso_day(s.value):
            errors.append(f"span {s.id}: value {s.value!r} is not a YYYY-MM-DD calendar day")
    return errors


def _check_overlaps(spans: Iterable[Span]) -> list[str]:
    """Every overlapping pair, not only neighbours in start order (a long span can cover several):
    a sweep with a heap of the spans still open, O(n log n) plus one step per pair reported."""
    ordered = sorted((s for s in spans if _has_int_offsets(s)), key=lambda s: (s.start, s.end))
    open_: list[tuple[int, int, Span]] = []  # (end, order, span) of spans begun earlier
    errors: list[str] = []
    for i, b in enumerate(ordered):
        while open_ and open_[0][0] <= b.start:
            heapq.heappop(open_)
        errors += [f"span {b.id}: overlaps span {a.id}" for _, _, a in sorted(open_, key=lambda x: x[1])]
        heapq.heappush(open_, (b.end, i, b))
    return errors


def _check_links(doc: Document) -> list[str]:
    """Entities and events: declared ids, what each event points at, and that every trigger and
    argument belongs to an event (an unlinked one would be trained as "not a meeting")."""
    errors: list[str] = []
    entity_ids: set[str] = set()
    for ent in doc.entities:
        if ent.id in entity_ids:
            errors.append(f"entities: duplicate entity id {ent.id!r}")
        entity_ids.add(ent.id)
    for s in doc.spans:
        if s.entity and s.entity not in entity_ids:
            errors.append(f"span {s.id}: entity {s.entity!r} is not declared")
    spans = {s.id: s for s in doc.spans}
    named = {s.entity for s in doc.spans if s.label == "PARTICIPANT"}  # indexed once: no scan per participant
    event_ids: set[str] = set()
    participating: set[str] = set()
    linked: set[str] = set()
    trigger_of: dict[str, list[str]] = {}  # TRIGGER span id -> the events listing it
    for e in doc.events:
        if e.id in event_ids:
            errors.append(f"event {e.id}: duplicate id")
        event_ids.add(e.id)
        if e.status not in STATUSES:
            errors.append(f"event {e.id}: unknown status {e.status!r}")
        if not e.triggers:
            errors.append(f"event {e.id}: no trigger")
        if len(set(e.participants)) < 2:
            errors.append(f"event {e.id}: fewer than two participants")
        for p in e.participants:
            if p not in entity_ids:
                errors.append(f"event {e.id}: participant {p!r} is not a declared entity")
            elif p not in named:
                errors.append(f"event {e.id}: participant {p!r} has no PARTICIPANT mention")
        participating.update(e.participants)
        for role, ids, label in (("trigger", e.triggers, "TRIGGER"), ("date", e.date, "DATE"),
                                 ("location", e.location, "LOCATION"), ("topic", e.topics, "TOPIC")):
            for sid in ids:
                if sid not in spans:
                    errors.append(f"event {e.id}: {role} {sid!r} is not a span")
                    continue
                linked.add(sid)
                if spans[sid].label != label:
                    errors.append(f"event {e.id}: {role} {sid!r} is a {spans[sid].label} span")
                elif role == "trigger" and e.id not in trigger_of.setdefault(sid, []):
                    trigger_of[sid].append(e.id)
    for s in doc.spans:
        if len(trigger_of.get(s.id, ())) > 1:  # GUIDELINES §1.2: a trigger word belongs to one event
            errors.append(f"span {s.id}: TRIGGER of events {', '.join(trigger_of[s.id])}; "
                          "a trigger belongs to exactly one event")
        if s.label in _LINKED_LABELS and s.id not in linked:
            errors.append(f"span {s.id}: {s.label} span linked to no event")
    mentions = doc.mentions_by_entity(ENTITY_LABELS)
    for ent_id in sorted(entity_ids - participating):
        where = ", ".join(m.id for m in mentions.get(ent_id, []))
        errors.append(f"entity {ent_id!r}: takes part in no event" + (f" (its spans: {where})" if where else ""))
    return errors


def check_document(doc: Document, seeds_dir: Path | None = None) -> list[str]:
    """Semantic errors of one document, each as 'span ID: what is wrong' (or event, entity)."""
    errors: list[str] = []
    if not PLAIN_ID.fullmatch(doc.id):  # it names the file: no path, nothing hidden
        errors.append(f"id {doc.id!r} is not a plain file name (letters, digits, '.', '_', '-')")
    try:
        document_date(doc.text)
    except DateError as exc:
        errors.append(f"text: {exc}")
    errors += _check_spans(doc)
    errors += _check_overlaps(doc.spans)
    errors += _check_links(doc)
    if seeds_dir is not None:
        seed = Path(seeds_dir) / f"{doc.id}.txt"
        if seed.exists() and seed.read_text(encoding="utf-8") != doc.text:
            errors.append(f"text differs from {seed}")
    return errors


def _file_problems(path: Path, seeds_dir: Path | None) -> list[str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [f"cannot read: {exc}"]
    structural = [_schema_message(e) for e in _VALIDATOR.iter_errors(data)]
    if structural:
        return structural
    doc = Document.from_json(data)
    errors = check_document(doc, seeds_dir)
    if doc.id != path.stem:
        errors.append(f"id {doc.id!r} differs from the file name")
    return errors


def validate_file(path: Path, seeds_dir: Path | None = None) -> list[str]:
    """All errors of one annotation file, each prefixed with the path as given (directory included:
    an annotator may check several directories of the same ids)."""
    return [f"{path}: {e}" for e in _file_problems(Path(path), seeds_dir)]


def _missing_seeds(files: list[Path], seeds_dir: Path) -> list[Path]:
    have = {f.stem for f in files}
    return [s for s in sorted(Path(seeds_dir).glob("*.txt")) if s.stem not in have]


def validate_dir(directory: Path, seeds_dir: Path | None = None, every_seed: bool = True) -> tuple[int, list[str]]:
    """Number of files checked and all their errors. A file whose id is a seed's must hold the seed's
    text; with `every_seed`, every seed must also have a file (the project's own corpus, not a
    second pass over a few documents)."""
    files = sorted(Path(directory).glob("*.json"))
    errors = [e for f in files for e in validate_file(f, seeds_dir)]
    if seeds_dir is not None and every_seed:
        errors += [f"{s}: seed has no annotation file in {directory}" for s in _missing_seeds(files, seeds_dir)]
    return len(files), errors


def require_valid(directory: Path, seeds_dir: Path | None = None, every_seed: bool = True) -> int:
    """The number of annotation files in `directory`; AnnotationError naming the first invalid file
    (and how many errors there are) unless every one passes `validate`."""
    files = sorted(Path(directory).glob("*.json"))
    problems = [(f, e) for f in files for e in _file_problems(f, seeds_dir)]
    if problems:
        path, first = problems[0]
        more = f"; {len(problems) - 1} more error(s)" if len(problems) > 1 else ""
        raise AnnotationError(f"{path} is not a valid annotation file ({first}{more}); run `validate`")
    if seeds_dir is not None and every_seed and (missing := _missing_seeds(files, seeds_dir)):
        raise AnnotationError(f"seed {missing[0]} has no annotation file in {directory}"
                              + (f" ({len(missing) - 1} more)" if len(missing) > 1 else ""))
    return len(files)
