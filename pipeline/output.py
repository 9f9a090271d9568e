"""The output contract: its JSON Schema and a validator that also checks every offset."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import jsonschema

SCHEMA_PATH = Path(__file__).with_name("output_schema.json")
MERGED_SCHEMA_PATH = Path(__file__).with_name("merged_schema.json")


@lru_cache(maxsize=2)
def schema(merged: bool = False) -> dict:
    return json.loads((MERGED_SCHEMA_PATH if merged else SCHEMA_PATH).read_text(encoding="utf-8"))


def _schema_errors(record: dict, merged: bool) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or 'record'}: {e.message}"
            for e in jsonschema.Draft202012Validator(schema(merged)).iter_errors(record)]


def check_record(record: dict, text: str | None = None) -> list[str]:
    """Schema errors of one output record; with the document text, also every offset's text."""
    errors = _schema_errors(record, merged=False)
    if text is None or errors:
        return errors

    def check(m: dict, where: str) -> None:
        if text[m["start"] : m["end"]] != m["text"]:
            errors.append(f"{where}: text {m['text']!r} is not at {m['start']}-{m['end']}")

    for i, ev in enumerate(record["events"]):
        check(ev["trigger"], f"events/{i}/trigger")
        for m in ev["trigger_mentions"]:
            check(m, f"events/{i}/trigger_mentions")
        for j, p in enumerate(ev["participants"]):
            for m in p["mentions"]:
                check(m, f"events/{i}/participants/{j}")
            for key in ("title", "affiliation"):
                if p[f"{key}_mention"] or p[key]:
                    if not (p[f"{key}_mention"] and p[f"{key}_mention"]["text"] == p[key]):
                        errors.append(f"events/{i}/participants/{j}: {key} {p[key]!r} is not its mention's text")
                    else:
                        check(p[f"{key}_mention"], f"events/{i}/participants/{j}/{key}_mention")
        for key in ("location", "date"):
            if ev[key]:
                check(ev[key], f"events/{i}/{key}")
        for t in ev["topics"]:
            check(t, f"events/{i}/topics")
    return errors


def check_merged(record: dict, texts: dict[str, str] | None = None) -> list[str]:
    """Schema errors of one `predict --merge` record; with the documents' texts by id, also each
    source's trigger offsets."""
    errors = _schema_errors(record, merged=True)
    if texts is None or errors:
        return errors
    for k, src in enumerate(record["sources"]):
        t = src["trigger"]
        if texts[src["doc_id"]][t["start"] : t["end"]] != t["text"]:
            errors.append(f"sources/{k}/trigger: text {t['text']!r} is not at {t['start']}-{t['end']}")
    return errors
