"""A light inline markup for writing annotations by hand, converted to standoff JSON.

Counting character offsets by hand is error-prone, so annotators write the article with tags in
place and let this module compute the offsets. The format (see annotations/README.md):

    id: 012_example
    date: 2019-06-27            # optional: the article date (see _place for seeds)
    style: wire                 # optional metadata
    ---
    [Shinzo Abe|P:abe] [met|T:e1] [Narendra Modi|P:modi] [in Osaka|L:e1] ...
    ---
    e1 occurred abe,modi
    entity abe Shinzo Abe       # optional: the entity's most complete name

The header ends at the first '---' line and the event list starts after the last one, so an
article may itself hold a '---' line. Every error names the line (and column) in the markup file.
"""

from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from .schema import STATUSES, DateError, Document, Entity, Event, Span, document_date, iso_day
from .validate import check_document

_TAG = re.compile(r"\[([^\[\]|]+)\|([A-Z]+):([^\]\s]+)\]")
# What is left of a tag that _TAG did not take: an opening '[...|' or a closing '|...]'.
_BROKEN = re.compile(r"\[[^\]]*\||\|[^\[\]|\n]*\]")
_SEPARATOR = re.compile(r"^---[ \t]*$\n?", re.M)
_HEADER_KEY = re.compile(r"[A-Za-z_][\w-]*")
_KINDS = {
    "T": "TRIGGER",
    "P": "PARTICIPANT",
    "TI": "TITLE",
    "AF": "AFFILIATION",
    "D": "DATE",
    "L": "LOCATION",
    "TO": "TOPIC",
}
_ENTITY_KINDS = ("P", "TI", "AF")


# A comment starts at a '#' that begins the line or follows a space: a URL's fragment
# ("https://x/news#story-2") stays part of the value.
_COMMENT = re.compile(r"(?:^|\s)#.*$")


def _uncomment(line: str) -> str:
    return _COMMENT.sub("", line).strip()


class MarkupError(ValueError):
    pass


@dataclass
class _Tag:
    kind: str
    surface: str
    arg: str
    out: int  # offset of the surface in the tagged text
    start: int  # offsets of '[' and after ']' in the body
    end: int


class _Body:
    """The article part of a markup file and its tags: maps text offsets back to file lines."""

    def __init__(self, body: str, first_line: int) -> None:
        self.body, self.first_line = body, first_line
        self.tags: list[_Tag] = []
        parts: list[str] = []
        pos = out = 0
        for m in _TAG.finditer(body):
            parts.append(body[pos : m.start()])
            out += m.start() - pos
            self.tags.append(_Tag(m.group(2), m.group(1), m.group(3), out, m.start(), m.end()))
            parts.append(m.group(1))
            out += len(m.group(1))
            pos = m.end()
        parts.append(body[pos:])
        self.text = "".join(parts)
        self._outs = [t.out for t in self.tags]

    def where(self, pos: int) -> str:
        """'line L, col C' of a body offset, counted in the whole file."""
        line, line_start = self.first_line + self.body.count("\n", 0, pos), self.body.rfind("\n", 0, pos) + 1
        return f"line {line}, col {pos - line_start + 1}"

    def body_pos(self, text_pos: int) -> int:
        i = bisect.bisect_right(self._outs, text_pos) - 1
        if i < 0:
            return text_pos
        t = self.tags[i]
        if text_pos < t.out + len(t.surface):
            return t.start + 1 + text_pos - t.out
        return t.end + text_pos - t.out - len(t.surface)

    def error(self, tag: _Tag, message: str) -> MarkupError:
        return MarkupError(f"{self.where(tag.start)}: {self.body[tag.start:tag.end]}: {message}")

    def check_tags(self) -> None:
        for m in _BROKEN.finditer(self.text):
            pos = self.body_pos(m.start())
            raise MarkupError(f"{self.where(pos)}: {_diagnose(self.body, pos)}")
        for t in self.tags:
            if t.kind not in _KINDS:
                raise self.error(t, f"unknown kind {t.kind!r} (one of {', '.join(_KINDS)})")
            if t.surface != t.surface.strip():  # GUIDELINES: a span is the shortest text
                raise self.error(t, "the tagged text starts or ends with whitespace; leave it outside the tag")
            ids, _, value = t.arg.partition("=")
            if t.kind in ("T", *_ENTITY_KINDS) and (value or "," in ids):
                raise self.error(t, f"{t.kind} takes a single id")
            if "" in ids.split(","):
                raise self.error(t, "empty id")
            if t.kind == "D" and value not in ("", "?") and not iso_day(value):
                raise self.error(t, f"date value {value!r} is not a YYYY-MM-DD calendar day")


def _diagnose(body: str, pos: int) -> str:
    """Why the tag text at `pos` (a '[' or a stray '|') is not a tag, quoting it."""
    line_end = body.find("\n", pos)
    line = body[pos : line_end if line_end >= 0 else len(body)]
    if body[pos] == "|":
        before = body[body.rfind("\n", 0, pos) + 1 : pos][-30:]
        before = before[before.rfind("]") + 1 :]  # from the end of the tag before, if any
        return f"{before + line[: line.find(']') + 1]!r}: a tag's '|KIND:ARG]' without its opening '['"
    close, reopen = line.find("]"), line.find("[", 1)
    if close < 0 or 0 <= reopen < close:
        return f"{line[:60]!r}: tag has no closing ']' (tags cannot nest)"
    tag = line[: close + 1]
    kind, colon, arg = tag[1:-1].partition("|")[2].partition(":")
    if not colon:
        problem = "expected KIND:ARG after '|'"
    elif kind not in _KINDS:
        problem = f"unknown kind {kind!r} (one of {', '.join(_KINDS)})"
    elif not arg or arg != arg.strip() or " " in arg:
        problem = "ARG is empty or holds a space"
    else:
        problem = "expected [text|KIND:ARG]"
    return f"{tag!r}: {problem}"


def _split(source: str) -> tuple[dict[str, tuple[str, int]], _Body, list[tuple[str, int]]]:
    """Header {key: (value, line)}, body, and the event list's non-empty lines with their numbers."""
    seps = list(_SEPARATOR.finditer(source))
    if len(seps) < 2:
        raise MarkupError("expected a header, the article and an event list, separated by lines '---'")
    first, last = seps[0], seps[-1]
    header: dict[str, tuple[str, int]] = {}
    for n, raw in enumerate(source[: first.start()].split("\n"), 1):
        line = _uncomment(raw)
        if not line:
            continue
        key, colon, value = (x.strip() for x in line.partition(":"))
        if not colon or not _HEADER_KEY.fullmatch(key):
            raise MarkupError(f"line {n}: header line {line!r} is not 'key: value'")
        key = key.lower()  # "ID:", "Date:"
        # Other keys are free metadata, so a misspelt "data:" would silently lose the article date
        # (a misspelt "id:" is caught as missing).
        if key != "date" and key[:1] == "d" and len(key) <= 5 and difflib.get_close_matches(key, ["date"], 1, 0.75):
            raise MarkupError(f"line {n}: header {key!r}: did you mean 'date'?")
        if key in header:
            raise MarkupError(f"line {n}: header {key!r} given twice")
        header[key] = (value, n)
    body = source[first.end() : last.start()]
    if body.endswith("\n"):
        body = body[:-1]  # the newline before the closing '---' is not part of the text
    footer_line = source.count("\n", 0, last.end()) + 1
    footer = [(_uncomment(ln), n) for n, ln in enumerate(source[last.end() :].split("\n"), footer_line)]
    return header, _Body(body, source.count("\n", 0, first.end()) + 1), [(ln, n) for ln, n in footer if ln]


def date_line(day: str) -> str:
    """The first line a `date:` header stands for in a new article's text."""
    return f" date {day} \n\n"


def _place(body: _Body, date: tuple[str, int] | None, seed_text: str | None) -> tuple[str, int]:
    """The document text and the shift from tagged-text offsets to it. The `date:` header stands
    for the ' date YYYY-MM-DD' first line; a seed keeps its own date line byte for byte, so there
    the header must name the seed's date and the body leaves the line out."""
    text = body.text
    try:
        has_line = document_date(text) is not None
    except DateError:
        has_line = True
    if date and has_line:
        raise MarkupError(f"line {date[1]}: header has 'date:' and the body already starts with a date line")
    if seed_text is None:
        prefix = date_line(date[0]) if date else ""
        return prefix + text, len(prefix)
    try:
        seed_date = document_date(seed_text)
    except DateError as exc:
        raise MarkupError(f"seed text: {exc}") from None
    base = 0
    if date and seed_date is None:
        raise MarkupError(f"line {date[1]}: the seed has no date line: drop the 'date:' header")
    if date and date[0] != seed_date:
        raise MarkupError(f"line {date[1]}: header 'date: {date[0]}' differs from the seed's date line ({seed_date})")
    if date:
        base = seed_text.index(seed_date) + len(seed_date)
    elif seed_date and not has_line:
        raise MarkupError(f"the seed starts with the date line ' date {seed_date}': add 'date: {seed_date}' "
                          "to the header or copy the line into the body")
    target = seed_text[base:]
    core, want = text.strip(), target.strip()  # whitespace around the seed text is not the annotator's
    lead, want_lead = len(text) - len(text.lstrip()), base + len(target) - len(target.lstrip())
    if core != want:
        i = next((k for k, (a, b) in enumerate(zip(core, want)) if a != b), min(len(core), len(want)))
        seed_pos = want_lead + i
        seed_line, seed_col = seed_text.count("\n", 0, seed_pos) + 1, seed_pos - seed_text.rfind("\n", 0, seed_pos)
        raise MarkupError(f"{body.where(body.body_pos(lead + i))}: the text differs from the seed (seed line "
                          f"{seed_line}, col {seed_col}): markup has "
                          f"{core[max(0, i - 20) : i + 20]!r}, the seed has {want[max(0, i - 20) : i + 20]!r}")
    return seed_text, want_lead - lead


def parse_markup(source: str, seed_text: str | None = None) -> Document:
    """Build a Document from markup. With `seed_text`, the tagged body must reproduce it exactly
    (leading/trailing whitespace of the seed file aside) and offsets index the seed text."""
    header, body, footer = _split(source)
    if "id" not in header:
        raise MarkupError("header has no 'id:' line")
    date = header.get("date")
    if date is not None and not iso_day(date[0]):
        raise MarkupError(f"line {date[1]}: header 'date: {date[0]}' is not a YYYY-MM-DD calendar day")
    body.check_tags()
    text, shift = _place(body, date, seed_text)

    spans: list[Span] = []
    events: dict[str, Event] = {}
    event_tags: dict[str, _Tag] = {}  # the first tag of each event and entity, for messages
    entity_tags: dict[str, _Tag] = {}
    mentions: dict[str, list[str]] = {}  # entity id -> its PARTICIPANT texts, for names
    for i, t in enumerate(body.tags, 1):
        span = Span(f"s{i}", _KINDS[t.kind], t.out + shift, t.out + shift + len(t.surface), t.surface)
        if t.kind in _ENTITY_KINDS:
            span.entity = t.arg
            entity_tags.setdefault(t.arg, t)
            mentions.setdefault(t.arg, [])
            if t.kind == "P":
                mentions[t.arg].append(t.surface)
        else:
            ev_part, _, value = t.arg.partition("=")
            if t.kind == "D":
                span.value = value if value and value != "?" else None
            for ev in ev_part.split(","):
                e = events.setdefault(ev, Event(ev, "", [], []))
                event_tags.setdefault(ev, t)
                {"T": e.triggers, "D": e.date, "L": e.location, "TO": e.topics}[t.kind].append(span.id)
        spans.append(span)

    names, listed = _read_footer(footer, source)
    for eid, (status, parties, n) in listed.items():
        for p in parties:
            if not mentions.get(p):
                raise MarkupError(f"line {n}: participant {p!r} of event {eid} has no [...|P:{p}] tag")
        e = events.setdefault(eid, Event(eid, "", [], []))
        e.status, e.participants = status, parties

    for e in events.values():
        if not e.status:
            raise body.error(event_tags[e.id], f"event {e.id} has no line in the event list")
        if not e.triggers:
            raise MarkupError(f"line {listed[e.id][2]}: event {e.id} has no [...|T:{e.id}] tag")
    participants = {p for e in events.values() for p in e.participants}
    for eid, t in entity_tags.items():
        if eid in events:
            raise body.error(t, f"{eid} is an event id; {t.kind} takes the id of an entity")
        if eid not in participants:
            raise body.error(t, f"entity {eid!r} takes part in no event (a typo for another id?)")
    for eid, (_, n) in names.items():
        if eid not in entity_tags:
            raise MarkupError(f"line {n}: entity {eid!r} is not the id of any tag")

    entities = [Entity(eid, (names[eid][0] if eid in names else _best_name(mentions[eid])) or eid)
                for eid in entity_tags]
    meta = {k: v for k, (v, _) in header.items() if k not in ("id", "date")}
    return Document(header["id"][0], text, spans, entities, list(events.values()), meta)


def _read_footer(footer: list[tuple[str, int]], source: str) -> tuple[dict[str, tuple[str, int]],
                                                                      dict[str, tuple[str, list[str], int]]]:
    """Entity names {id: (name, line)} and event lines {id: (status, participants, line)}."""
    names: dict[str, tuple[str, int]] = {}
    listed: dict[str, tuple[str, list[str], int]] = {}
    for line, n in footer:
        fields = line.split(None, 2)
        if fields[0] == "entity":
            if len(fields) < 3:
                raise MarkupError(f"line {n}: expected 'entity ID Full Name'")
            if fields[1] in names:
                raise MarkupError(f"line {n}: entity {fields[1]} named twice (first on line {names[fields[1]][1]})")
            names[fields[1]] = (fields[2], n)
            continue
        fields = line.split()
        if len(fields) != 3 or fields[1] not in STATUSES:
            hint = (f" (status {fields[1]!r} is not one of {', '.join(STATUSES)})"
                    if len(fields) == 3 and not _TAG.search(line) else
                    " (this looks like article text: is a '---' line missing?)" if _TAG.search(line) else
                    " (the event list is what follows the last '---' line)" if len(_SEPARATOR.findall(source)) > 2
                    else "")
            raise MarkupError(f"line {n}: bad event line {line!r}: expected 'EVENT_ID STATUS ENTITY,ENTITY,...'{hint}")
        if fields[0] in listed:
            raise MarkupError(f"line {n}: event {fields[0]} listed twice (first on line {listed[fields[0]][2]})")
        listed[fields[0]] = (fields[1], fields[2].split(","), n)
    return names, listed


def _best_name(mentions: list[str]) -> str | None:
    """The most complete proper-name mention: prefer capitalised, non-nominal, longest."""
    if not mentions:
        return None
    proper = [m for m in mentions if m[:1].isupper() and not m.lower().startswith(("the ", "his ", "her "))]
    return max(proper or mentions, key=len)


def read_markup(path: Path) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise MarkupError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MarkupError(f"{path} is not UTF-8 text (byte {exc.start})") from None
    # A byte-order mark (Windows Notepad) is an encoding artefact, not the start of the header;
    # line ends are read as text mode reads them.
    return source.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def convert_file(path: Path, seeds_dir: Path | None = None) -> Document:
    """One markup file as a Document; MarkupError messages start with the file name."""
    source = read_markup(path)
    try:
        header, _, _ = _split(source)
        seed = Path(seeds_dir) / f"{header['id'][0]}.txt" if seeds_dir is not None and "id" in header else None
        seed_text = seed.read_text(encoding="utf-8") if seed is not None and seed.is_file() else None
        return parse_markup(source, seed_text)
    except MarkupError as exc:
        raise MarkupError(f"{path}: {exc}") from None


def convert_files(paths: list[Path], out: Path, seeds_dir: Path | None = None,
                  force: bool = False) -> tuple[list[tuple[Path, Document, Path]], list[str]]:
    """Convert and check every file before anything is written, so that a batch is imported
    whole or not at all: (source, document, target) per file, and the errors, one per bad file."""
    done: list[tuple[Path, Document, Path]] = []
    errors: list[str] = []
    sources: dict[str, Path] = {}
    for path in paths:
        try:
            doc = convert_file(path, seeds_dir)
        except MarkupError as exc:
            errors.append(str(exc))
            continue
        target = Path(out) / f"{doc.id}.json"
        if problems := check_document(doc, seeds_dir):
            errors.append(f"{path}: " + "; ".join(problems))
        elif doc.id in sources:
            errors.append(f"{path}: id {doc.id} is also the id of {sources[doc.id]}")
        elif target.exists() and not force:
            errors.append(f"{target} exists; pass --force to replace it")
        else:
            done.append((path, doc, target))
        sources.setdefault(doc.id, path)
    return done, errors


_TAG_OF = {label: kind for kind, label in _KINDS.items()}


def to_markup(doc: Document, comments: list[str] = (), notes: dict[str, str] | None = None) -> str:
    """The inverse of `parse_markup`: the document with its spans as inline tags, an event line per
    event and an `entity` line per entity. `comments` open the header as '#' lines; `notes` adds a
    comment to an event's line. Raises MarkupError when the text cannot be written as markup (it
    holds something read as a tag) or a span cannot be a tag (overlapping, or not its shortest text)."""
    links: dict[str, list[str]] = {}
    for e in doc.events:
        for key in ("triggers", "date", "location", "topics"):
            for sid in getattr(e, key):
                links.setdefault(sid, []).append(e.id)
    parts, pos = [], 0
    for s in sorted(doc.spans, key=lambda s: s.start):
        if s.start < pos or s.text != s.text.strip() or not s.text or re.search(r"[\[\]|]", s.text):
            raise MarkupError(f"span {s.id} ({s.text!r}) overlaps another or is not a taggable text")
        arg = s.entity if s.entity is not None else ",".join(links.get(s.id, []))
        if s.label == "DATE" and s.value:
            arg += f"={s.value}"
        parts += [doc.text[pos : s.start], f"[{doc.text[s.start:s.end]}|{_TAG_OF[s.label]}:{arg}]"]
        pos = s.end
    parts.append(doc.text[pos:])
    header = [f"# {c}" for c in comments] + [f"id: {doc.id}"]
    header += [f"{k}: {v}" for k, v in doc.meta.items() if isinstance(v, str) and v.strip() and "\n" not in v]
    notes = notes or {}
    events = [f"{e.id} {e.status} {','.join(e.participants)}" + (f"  # {notes[e.id]}" if e.id in notes else "")
              for e in doc.events]
    source = "\n".join(header + ["---", "".join(parts), "---"] + events
                       + [f"entity {e.id} {e.name}" for e in doc.entities]) + "\n"
    try:
        back = parse_markup(source)
    except MarkupError as exc:
        raise MarkupError(f"{doc.id}: cannot be written as markup: {exc}") from None
    if back.text != doc.text or len(back.spans) != len(doc.spans):
        raise MarkupError(f"{doc.id}: cannot be written as markup: the text holds what markup reads as a tag "
                          "('[text|KIND:ARG]')")
    return source
