"""Checks annotation files: structure (JSON Schema), offsets, span text, links, ids, seeds unchanged."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema

from .schema import ENTITY_LABELS, LABELS, STATUSES, DateError, Document, document_date, iso_day

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


_PLAIN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _short(message: str, limit: int = 200) -> str:
    """A schema message quotes the offending value, which may be the whole document."""
    return message if len(message) <= limit else message[: limit - 3] + "..."


def check_document(doc: Document, seeds_dir: Path | None = None) -> list[str]:
    """Semantic errors of one document, each as 'span ID: what is wrong'."""
    errors: list[str] = []
    if not _PLAIN_ID.fullmatch(doc.id):  # it names the file: no path, nothing hidden
        errors.append(f"id {doc.id!r} is not a plain file name (letters, digits, '.', '_', '-')")
    try:
        document_date(doc.text)
    except DateError as exc:
        errors.append(f"text: {exc}")
    seen: set[str] = set()
    for s in doc.spans:
        if s.id in seen:
            errors.append(f"span {s.id}: duplicate id")
        seen.add(s.id)
        if s.label not in LABELS:
            errors.append(f"span {s.id}: unknown label {s.label!r}")
        if not (0 <= s.start < s.end <= len(doc.text)):
            errors.append(f"span {s.id}: offsets {s.start}-{s.end} outside the text (length {len(doc.text)})")
        elif doc.text[s.start : s.end] != s.text:
            errors.append(f"span {s.id}: text {s.text!r} differs from the text at its offsets "
                          f"{doc.text[s.start:s.end]!r}")
        if s.label in ENTITY_LABELS and not s.entity:
            errors.append(f"span {s.id}: {s.label} span without an entity")
        if s.value is not None and s.label != "DATE":
            errors.append(f"span {s.id}: only DATE spans carry a value")
        elif s.value is not None and not iso_day(s.value):
            errors.append(f"span {s.id}: value {s.value!r} is not a YYYY-MM-DD calendar day")
    ordered = sorted(doc.spans, key=lambda s: (s.start, s.end))
    for a, b in zip(ordered, ordered[1:]):
        if b.start < a.end:
            errors.append(f"span {b.id}: overlaps span {a.id}")
    spans = {s.id: s for s in doc.spans}
    entity_ids = [e.id for e in doc.entities]
    # Sets built once: list look-ups and per-participant scans of every span made large documents quadratic.
    declared = set(entity_ids)
    mentioned = {s.entity for s in doc.spans if s.label == "PARTICIPANT"}
    if len(declared) != len(entity_ids):
        errors.append("entities: duplicate entity id")
    for s in doc.spans:
        if s.entity and s.entity not in declared:
            errors.append(f"span {s.id}: entity {s.entity!r} is not declared")
    event_ids: set[str] = set()
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
            if p not in declared:
                errors.append(f"event {e.id}: participant {p!r} is not a declared entity")
            elif p not in mentioned:
                errors.append(f"event {e.id}: participant {p!r} has no PARTICIPANT mention")
        for role, ids, label in (("trigger", e.triggers, "TRIGGER"), ("date", e.date, "DATE"),
                                 ("location", e.location, "LOCATION"), ("topic", e.topics, "TOPIC")):
            for sid in ids:
                if sid not in spans:
                    errors.append(f"event {e.id}: {role} {sid!r} is not a span")
                elif spans[sid].label != label:
                    errors.append(f"event {e.id}: {role} {sid!r} is a {spans[sid].label} span")
    if seeds_dir is not None:
        seed = Path(seeds_dir) / f"{doc.id}.txt"
        if seed.exists() and seed.read_text(encoding="utf-8") != doc.text:
            errors.append(f"text differs from {seed}")
    return errors


def validate_file(path: Path, seeds_dir: Path | None = None) -> list[str]:
    """All errors of one annotation file, each prefixed with the file name."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [f"{path.name}: cannot read: {exc}"]
    structural = [f"{path.name}: {'/'.join(map(str, e.absolute_path)) or 'document'}: {_short(e.message)}"
                  for e in jsonschema.Draft202012Validator(ANNOTATION_SCHEMA).iter_errors(data)]
    if structural:
        return structural
    doc = Document.from_json(data)
    errors = [f"{path.name}: {e}" for e in check_document(doc, seeds_dir)]
    if doc.id != path.stem:
        errors.append(f"{path.name}: id {doc.id!r} differs from the file name")
    return errors


def validate_dir(directory: Path, seeds_dir: Path | None = None) -> tuple[int, list[str]]:
    """Number of files checked and all their errors. Every seed must have an annotation file."""
    files = sorted(Path(directory).glob("*.json"))
    errors = [e for f in files for e in validate_file(f, seeds_dir)]
    if seeds_dir is not None:
        have = {f.stem for f in files}
        errors += [f"{s.name}: seed has no annotation file" for s in sorted(Path(seeds_dir).glob("*.txt"))
                   if s.stem not in have]
    return len(files), errors
