"""Reading articles for `predict`: .txt files, directories, standard input, JSON Lines."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

from .extract import Article


class InputError(ValueError):
    pass


def _decode(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{where} is not UTF-8 text (byte {exc.start})") from exc


def _jsonl(path: Path) -> Iterator[Article]:
    for n, line in enumerate(_decode(path.read_bytes(), str(path)).splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{n}: not JSON ({exc.msg})") from exc
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            raise InputError(f"{path}:{n}: expected an object with a string 'text'")
        yield Article(str(row.get("id", f"{path.stem}:{n}")), row["text"], row.get("date"))


def expand(inputs: list[str]) -> list[Path | str]:
    """Input paths in reading order; checks that every one exists before any work starts."""
    out: list[Path | str] = []
    for raw in inputs:
        if raw == "-":
            out.append("-")
            continue
        p = Path(raw)
        if p.is_dir():
            files = sorted(p.glob("*.txt"))
            if not files:
                raise InputError(f"{p} holds no .txt files")
            out += files
        elif p.is_file():
            if p.suffix not in (".txt", ".jsonl"):
                raise InputError(f"{p}: expected a .txt or .jsonl file")
            out.append(p)
        else:
            raise InputError(f"no such file or directory: {p}")
    return out


def read_articles(paths: list[Path | str], date: str | None = None) -> Iterator[Article]:
    """Articles from expanded inputs; `date` fills in documents that carry none."""
    for p in paths:
        if p == "-":
            items = [Article("stdin", _decode(sys.stdin.buffer.read(), "standard input"))]
        elif p.suffix == ".jsonl":
            items = _jsonl(p)
        else:
            items = [Article(p.stem, _decode(p.read_bytes(), str(p)))]
        for art in items:
            if not art.text.strip():
                raise InputError(f"{art.id}: empty document")
            if date and not art.date:
                art.date = date
            yield art
