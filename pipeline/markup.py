"""A light inline markup for writing annotations by hand, converted to standoff JSON.

Counting character offsets by hand is error-prone, so annotators write the article with tags in
place and let this module compute the offsets. The format (see annotations/README.md):

    id: 012_example
    date: 2019-06-27            # optional: prepends the " date YYYY-MM-DD" line to the text
    style: wire                 # optional metadata
    ---
    [Shinzo Abe|P:abe] [met|T:e1] [Narendra Modi|P:modi] [in Osaka|L:e1] ...
    ---
    e1 occurred abe,modi
    entity abe Shinzo Abe       # optional: the entity's most complete name
"""

from __future__ import annotations

import re
from pathlib import Path

from .schema import STATUSES, DateError, Document, Entity, Event, Span, document_date

_TAG = re.compile(r"\[([^\[\]|]+)\|([A-Z]+):([^\]\s]+)\]")
_KINDS = {
    "T": "TRIGGER",
    "P": "PARTICIPANT",
    "TI": "TITLE",
    "AF": "AFFILIATION",
    "D": "DATE",
    "L": "LOCATION",
    "TO": "TOPIC",
}


class MarkupError(ValueError):
    pass


def _split(source: str) -> tuple[dict[str, str], str, list[str]]:
    parts = re.split(r"^---[ \t]*$\n?", source, maxsplit=2, flags=re.M)
    if len(parts) != 3:
        raise MarkupError("expected a header, a body and an event list separated by lines '---'")
    header = {}
    for line in parts[0].splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            key, _, value = line.partition(":")
            header[key.strip()] = value.strip()
    footer = [ln.split("#", 1)[0].strip() for ln in parts[2].splitlines()]
    body = parts[1]
    if body.endswith("\n"):
        body = body[:-1]  # the newline before the closing '---' is not part of the text
    return header, body, [ln for ln in footer if ln]


def parse_markup(source: str, seed_text: str | None = None) -> Document:
    """Build a Document from markup. With `seed_text`, the tagged body must reproduce it exactly
    (leading/trailing whitespace of the seed file aside) and offsets index the seed text."""
    header, body, footer = _split(source)
    if "id" not in header:
        raise MarkupError("header has no 'id:' line")
    text_parts: list[str] = []
    raw_spans: list[tuple[str, int, int, str, str]] = []
    pos, out_len = 0, 0
    for m in _TAG.finditer(body):
        text_parts.append(body[pos : m.start()])
        out_len += m.start() - pos
        surface, kind, arg = m.group(1), m.group(2), m.group(3)
        if kind not in _KINDS:
            raise MarkupError(f"unknown tag kind {kind!r} in [{surface}|{kind}:{arg}]")
        raw_spans.append((_KINDS[kind], out_len, out_len + len(surface), surface, arg))
        text_parts.append(surface)
        out_len += len(surface)
        pos = m.end()
    text_parts.append(body[pos:])
    text = "".join(text_parts)
    if "|" in text and re.search(r"\[[^\]]*\|", text):
        raise MarkupError("a '[...|...]' tag could not be parsed: check its kind and argument")

    shift = 0
    if seed_text is not None:
        core = text.strip()
        if core != seed_text.strip():
            raise MarkupError("tagged text differs from the seed text")
        shift = seed_text.index(core) - text.index(core)
        text = seed_text
    elif header.get("date"):
        try:
            has_line = document_date(text) is not None
        except DateError:
            has_line = True
        if has_line:
            raise MarkupError("header has 'date:' and the body already starts with a date line")
        prefix = f" date {header['date']} \n\n"
        shift = len(prefix)
        text = prefix + text

    spans: list[Span] = []
    events: dict[str, Event] = {}
    entity_ids: list[str] = []
    for i, (label, start, end, surface, arg) in enumerate(raw_spans, 1):
        sid = f"s{i}"
        span = Span(sid, label, start + shift, end + shift, surface)
        if label == "TRIGGER":
            events.setdefault(arg, Event(arg, "", [], [])).triggers.append(sid)
        elif label in ("PARTICIPANT", "TITLE", "AFFILIATION"):
            span.entity = arg
            if arg not in entity_ids:
                entity_ids.append(arg)
        else:
            ev_part, _, value = arg.partition("=")
            if label == "DATE":
                span.value = value if value and value != "?" else None
            for ev in ev_part.split(","):
                e = events.setdefault(ev, Event(ev, "", [], []))
                {"DATE": e.date, "LOCATION": e.location, "TOPIC": e.topics}[label].append(sid)
        spans.append(span)

    names: dict[str, str] = {}
    for line in footer:
        fields = line.split()
        if fields[0] == "entity" and len(fields) >= 3:
            names[fields[1]] = line.split(None, 2)[2]
            continue
        if len(fields) != 3 or fields[1] not in STATUSES:
            raise MarkupError(f"bad event line {line!r}: expected 'EVENT_ID STATUS ENTITY,ENTITY,...'")
        e = events.setdefault(fields[0], Event(fields[0], "", [], []))
        e.status = fields[1]
        e.participants = fields[2].split(",")
    for e in events.values():
        if not e.status:
            raise MarkupError(f"event {e.id} is tagged in the text but has no line in the event list")

    entities = []
    for eid in entity_ids:
        name = names.get(eid) or _best_name([s.text for s in spans if s.entity == eid and s.label == "PARTICIPANT"])
        entities.append(Entity(eid, name or eid))
    meta = {k: v for k, v in header.items() if k not in ("id", "date")}
    return Document(header["id"], text, spans, entities, list(events.values()), meta)


def _best_name(mentions: list[str]) -> str | None:
    """The most complete proper-name mention: prefer capitalised, non-nominal, longest."""
    if not mentions:
        return None
    proper = [m for m in mentions if m[:1].isupper() and not m.lower().startswith(("the ", "his ", "her "))]
    return max(proper or mentions, key=len)


def convert_file(path: Path, seeds_dir: Path | None = None) -> Document:
    source = Path(path).read_text(encoding="utf-8")
    header, _, _ = _split(source)
    seed_text = None
    if seeds_dir is not None and (Path(seeds_dir) / f"{header.get('id')}.txt").exists():
        seed_text = (Path(seeds_dir) / f"{header['id']}.txt").read_text(encoding="utf-8")
    return parse_markup(source, seed_text)
