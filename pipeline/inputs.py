"""Reading articles for `predict`: .txt files, directories, standard input, JSON Lines.

Every input is checked before the model loads (`check_articles`), so that one empty file among
thousands fails the run at once, or is left out with `--skip-invalid`, instead of ending it
after hours of work.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .extract import Article
from .schema import DateError, document_date, iso_day

SUFFIXES = (".txt", ".jsonl")


class InputError(ValueError):
    pass


@dataclass
class Stdin:
    """Standard input, read once: it is checked before the model loads, then predicted."""

    text: str


def _decode(data: bytes, where: str) -> str:
    try:
        # A byte-order mark is an encoding artefact, not text: offsets count from the first character after it.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{where} is not UTF-8 text (byte {exc.start})") from exc


def _jsonl(path: Path) -> Iterator[tuple[str, Article | InputError]]:
    # Lines end at "\n" only: JSON strings may hold U+2028 and other characters str.splitlines breaks on.
    for n, line in enumerate(_decode(path.read_bytes(), str(path)).split("\n"), 1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield where, InputError(f"{where}: not JSON ({exc.msg})")
            continue
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            yield where, InputError(f"{where}: expected an object with a string 'text'")
            continue
        date = row.get("date") or None  # "" is no date, as null is
        if date is not None and not iso_day(date):
            yield where, InputError(f"{where}: date {date!r} is not a YYYY-MM-DD calendar day")
            continue
        doc_id = row.get("id")
        if isinstance(doc_id, bool) or not isinstance(doc_id, (str, int, type(None))) or doc_id == "":
            yield where, InputError(f"{where}: id {doc_id!r} is not a string or an integer")
            continue
        yield where, Article(f"{path.stem}-{n}" if doc_id is None else str(doc_id), row["text"], date)


def expand(inputs: list[str]) -> list[Path | Stdin]:
    """Input sources in reading order; checks that every path exists before any work starts.
    A directory contributes its .txt files (not hidden ones, nor its subdirectories, nor .jsonl
    files, which may be earlier output)."""
    out: list[Path | Stdin] = []
    for raw in inputs:
        if raw == "-":
            out.append(Stdin(_decode(sys.stdin.buffer.read(), "standard input")))
            continue
        p = Path(raw)
        if p.is_dir():
            # Hidden files are no articles (an editor's backup, macOS's "._a.txt" resource forks).
            files = sorted(f for f in p.iterdir()
                           if f.is_file() and f.suffix.lower() == ".txt" and not f.name.startswith("."))
            if not files:
                raise InputError(f"{p} holds no .txt files")
            out += files
        elif p.is_file():
            if p.suffix.lower() not in SUFFIXES:
                raise InputError(f"{p}: expected a .txt or .jsonl file")
            out.append(p)
        else:
            raise InputError(f"no such file or directory: {p}")
    return out


def _items(source: Path | Stdin) -> Iterator[tuple[str, Article | InputError]]:
    """(where it comes from, the article or what is wrong with it)."""
    if isinstance(source, Stdin):
        yield "standard input", Article("stdin", source.text)
    elif source.suffix.lower() == ".jsonl":
        yield from _jsonl(source)
    else:
        try:
            yield str(source), Article(source.stem, _decode(source.read_bytes(), str(source)))
        except InputError as exc:
            yield str(source), exc


def read_articles(sources: list[Path | Stdin], date: str | None = None,
                  skipped: list[str] | None = None) -> Iterator[Article]:
    """Articles from expanded inputs; `date` fills in documents that carry none. An invalid
    document (empty, not UTF-8, a bad date, an id met before) raises InputError, or, when a
    `skipped` list is given, is reported there and left out."""
    seen: set[str] = set()
    for source in sources:
        for where, art in _items(source):
            problem = art if isinstance(art, InputError) else _problem(art, where, seen)
            if problem is not None:
                if skipped is None:
                    raise problem
                skipped.append(str(problem))
                continue
            seen.add(art.id)
            if date and not art.date:
                art.date = date
            yield art


def _problem(art: Article, where: str, seen: set[str]) -> InputError | None:
    if not art.text.strip():
        return InputError(f"{where}: empty document")
    if art.id in seen:  # records, and merged records' sources, name documents by id
        return InputError(f"{where}: document id {art.id!r} was already read")
    try:
        document_date(art.text)
    except DateError as exc:
        return InputError(f"{where}: {exc}")
    return None


def check_articles(sources: list[Path | Stdin], date: str | None = None) -> tuple[int, list[str]]:
    """Read every input once without keeping it: the number of valid articles and the problems."""
    problems: list[str] = []
    n = sum(1 for _ in read_articles(sources, date, problems))
    return n, problems


def resolved(path: Path) -> Path:
    """`path.resolve()`, a symlink loop being an input error rather than a traceback."""
    try:
        return path.resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError before Python 3.13
        raise InputError(f"{path}: cannot follow its symbolic links ({exc})") from exc
