"""The one document type: text plus standoff spans, entities and events, with character offsets.

Annotation files (`annotations/*.json`) and model predictions both use these classes, so every
offset anywhere in the pipeline indexes the document text exactly as read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

LABELS: tuple[str, ...] = ("TRIGGER", "PARTICIPANT", "TITLE", "AFFILIATION", "DATE", "LOCATION", "TOPIC")
ENTITY_LABELS: tuple[str, ...] = ("PARTICIPANT", "TITLE", "AFFILIATION")
EVENT_ARG_LABELS: tuple[str, ...] = ("DATE", "LOCATION", "TOPIC")
STATUSES: tuple[str, ...] = ("occurred", "planned", "cancelled")

# Seed files may begin with " date YYYY-MM-DD" (leading whitespace, then the word "date"); a
# scraper's "Date: YYYY-MM-DD" is the same line.
_DATE_LINE = re.compile(r"^\s*date(?:\s*:)?\s+(\d{4}-\d{2}-\d{2})(?![\d-])", re.I)  # a time may follow
# A first line that starts like one but gives the day another way ("date 2023-5-9", "Date:
# 09/05/2023"): an error, not an article silently without its date.
_OTHER_DATE_LINE = re.compile(r"^\s*(date(?:\s*:)?\s+\d[\d./-]*[./-]\d[^\n]*)", re.I)


class DateError(ValueError):
    pass


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_day(value: object) -> bool:
    """Whether `value` is a calendar day written YYYY-MM-DD (not 20230508 or 2023-W19-1, which
    `date.fromisoformat` also takes)."""
    if not isinstance(value, str) or not _ISO_DAY.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def document_date(text: str) -> str | None:
    """The ISO date of a ` date YYYY-MM-DD` (or `Date: YYYY-MM-DD`) first line, or None; DateError
    when the line names no calendar day (" date 2023-02-30") or writes it another way ("date 2023-5-9")."""
    m = _DATE_LINE.match(text)
    if not m and (other := _OTHER_DATE_LINE.match(text)):
        raise DateError(f"first line {other.group(1)[:60]!r} is no date line: write it ' date YYYY-MM-DD'")
    if m and not iso_day(m.group(1)):
        raise DateError(f"date line {m.group(1)!r} is not a calendar day")
    return m.group(1) if m else None


@dataclass
class Span:
    id: str
    label: str
    start: int
    end: int
    text: str
    entity: str | None = None  # PARTICIPANT/TITLE/AFFILIATION: the entity it belongs to
    value: str | None = None  # DATE: ISO day when it resolves

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        return {k: v for k, v in d.items() if v is not None or k in ("id", "label", "start", "end", "text")}


@dataclass
class Entity:
    id: str
    name: str


@dataclass
class Event:
    id: str
    status: str
    triggers: list[str]
    participants: list[str]  # entity ids
    date: list[str] = field(default_factory=list)  # span ids
    location: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)


@dataclass
class Document:
    id: str
    text: str
    spans: list[Span] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def date(self) -> str | None:
        return document_date(self.text)

    def span(self, span_id: str) -> Span:
        return self._span_index()[span_id]

    def _span_index(self) -> dict[str, Span]:
        return {s.id: s for s in self.spans}

    def entity_mentions(self, entity_id: str, labels: tuple[str, ...] = ("PARTICIPANT",)) -> list[Span]:
        return [s for s in self.spans if s.entity == entity_id and s.label in labels]

    def mentions_by_entity(self, labels: tuple[str, ...] = ("PARTICIPANT",)) -> dict[str, list[Span]]:
        """Every entity's mentions from one pass over the spans (`entity_mentions` per entity would
        make a pass each, quadratic on a long document); spans keep their order."""
        out: dict[str, list[Span]] = {}
        for s in self.spans:
            if s.entity is not None and s.label in labels:
                out.setdefault(s.entity, []).append(s)
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "meta": self.meta,
            "text": self.text,
            "spans": [s.to_json() for s in sorted(self.spans, key=lambda s: (s.start, s.end))],
            "entities": [asdict(e) for e in self.entities],
            "events": [asdict(e) for e in self.events],
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Document:
        return cls(
            id=d["id"],
            text=d["text"],
            spans=[Span(**s) for s in d.get("spans", [])],
            entities=[Entity(**e) for e in d.get("entities", [])],
            events=[Event(**e) for e in d.get("events", [])],
            meta=d.get("meta", {}),
        )


def load_document(path: Path) -> Document:
    return Document.from_json(json.loads(Path(path).read_text(encoding="utf-8")))


def write_atomic(path: Path, content: str) -> None:
    """Write a file so that readers never see a half-written one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(path) as f:
        f.write(content)


@contextlib.contextmanager
def replacing(target: Path) -> Iterator[TextIO]:
    """A text file that takes `target`'s place once written whole: a temporary file of its own
    beside it (concurrent writers never share one), given the mode a plain write would, renamed
    over the target when the block ends and removed if it fails or is interrupted."""
    fd, name = tempfile.mkstemp(dir=Path(target).parent, prefix=f".{Path(target).name}.", suffix=".tmp")
    tmp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            yield f
        tmp.chmod(plain_mode(Path(target)))
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


def plain_mode(existing: Path | None = None) -> int:
    """The permissions a plain open() gives a new file (0666 less the umask), or those of the
    file being replaced: mkstemp makes its files 0600, which teammates could not read."""
    if existing is not None and existing.is_file():
        return stat.S_IMODE(existing.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def swap_dir(partial: Path, target: Path) -> None:
    """Put a complete directory (a model, a cv split) in place of the old one. Ctrl-C and SIGTERM
    are held back until the two renames and the clean-up are done, so an interrupted run never
    leaves the old one gone and the new one not there, nor a copy of the old one behind."""
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    with _signals_held():
        if target.exists():
            target.rename(old)
        partial.rename(target)
        shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Record SIGINT/SIGTERM instead of acting on them, and deliver them on leaving. Python runs
    signal handlers in the main thread whichever thread the OS delivers to, so swapping the
    handlers holds them back where a thread's signal mask would not."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    handlers = {s: signal.signal(s, lambda signum, frame: pending.append(signum))
                for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in handlers.items():
            signal.signal(s, h)
        for s in pending:
            signal.raise_signal(s)


class JSONFileError(ValueError):
    """A JSON file (a summary, a model's config) that cannot be read, is not JSON or is no object."""


def read_json_object(path: Path) -> dict:
    """A JSON object from a file the pipeline wrote, or JSONFileError with a one-line reason."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise JSONFileError(f"{path} is damaged (line {exc.lineno}: {exc.msg})") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise JSONFileError(f"{path} cannot be read ({exc})") from exc
    if not isinstance(data, dict):
        raise JSONFileError(f"{path} is damaged (not a JSON object)")
    return data


def json_default(obj: Any) -> Any:
    """NumPy scalars (seqeval's supports, model scores) as plain Python numbers."""
    if hasattr(obj, "item"):
        return obj.item()
    raise TypeError(f"{type(obj).__name__} is not JSON serializable")


def save_document(doc: Document, path: Path) -> None:
    write_atomic(path, json.dumps(doc.to_json(), ensure_ascii=False, indent=1) + "\n")
