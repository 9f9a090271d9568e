"""The output contract: its JSON Schema and a validator that also checks every offset."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import jsonschema

SCHEMA_PATH = Path(__file__).with_name("output_schema.json")


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def check_record(record: dict, text: str | None = None) -> list[str]:
    """Schema errors of one output record; with the document text, also every offset's text."""
    errors = [f"{'/'.join(map(str, e.absolute_path)) or 'record'}: {e.message}"
              for e in jsonschema.Draft202012Validator(schema()).iter_errors(record)]
    if text is None or errors:
        return errors

    def check(m: dict, where: str) -> None:
        if text[m["start"] : m["end"]] != m["text"]:
            errors.append(f"{where}: text {m['text']!r} is not at {m['start']}-{m['end']}")

    for i, ev in enumerate(record["events"]):
        check(ev["trigger"], f"events/{i}/trigger")
        for j, p in enumerate(ev["participants"]):
            for m in p["mentions"]:
                check(m, f"events/{i}/participants/{j}")
        for key in ("location", "date"):
            if ev[key]:
                check(ev[key], f"events/{i}/{key}")
        for t in ev["topics"]:
            check(t, f"events/{i}/topics")
    return errors
