"""The annotated corpus: loading, splits by document, digests and statistics."""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Collection
from pathlib import Path

from .schema import Document, load_document


class CorpusError(ValueError):
    pass


def load(annotations: Path) -> list[Document]:
    annotations = Path(annotations)
    if not annotations.is_dir():
        raise CorpusError(f"no annotation directory {annotations}")
    docs = []
    for path in sorted(annotations.glob("*.json")):
        try:
            doc = load_document(path)
            doc.date  # noqa: B018 -- raises DateError on a date line that is no calendar day
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:  # JSON, fields, encoding, date
            raise CorpusError(f"{path} is not a valid annotation file ({exc}); run `validate`") from exc
        docs.append(doc)
    if not docs:
        raise CorpusError(f"no annotation files (*.json) in {annotations}")
    return docs


def seed_ids(seeds: Path) -> set[str]:
    return {p.stem for p in Path(seeds).glob("*.txt")}


def holdout_split(docs: list[Document], mode: str, fraction: float, seed: int,
                  seeds: set[str]) -> tuple[list[Document], list[Document]]:
    """(train, held out), split by document. `seeds` holds out the real-news seed articles."""
    if mode == "none":
        return list(docs), []
    if mode == "seeds":
        held = [d for d in docs if d.id in seeds]
        if not held:
            raise CorpusError("holdout 'seeds' but no seed article is annotated")
    else:
        ids = sorted(d.id for d in docs)
        random.Random(seed).shuffle(ids)
        n = max(1, round(fraction * len(ids))) if fraction > 0 else 0
        chosen = set(ids[:n])
        held = [d for d in docs if d.id in chosen]
    held_ids = {d.id for d in held}
    train = [d for d in docs if d.id not in held_ids]
    if not train:
        raise CorpusError("no document left for training")
    return train, held


def calibration_split(docs: list[Document], fraction: float, seed: int) -> tuple[list[Document], list[Document]]:
    """(fine-tune, calibrate): a random share of the training documents for the calibrator."""
    if fraction <= 0 or len(docs) < 2:
        return list(docs), []
    return holdout_split(docs, "random", fraction, seed + 1, set())


def folds(docs: list[Document], k: int, seed: int) -> list[tuple[list[Document], list[Document]]]:
    """k (train, test) pairs over documents; every document is tested exactly once."""
    if not 2 <= k <= len(docs):
        raise CorpusError(f"cannot make {k} folds of {len(docs)} documents")
    ids = sorted(d.id for d in docs)
    random.Random(seed).shuffle(ids)
    out = []
    for i in range(k):
        test = set(ids[i::k])
        out.append(([d for d in docs if d.id not in test], [d for d in docs if d.id in test]))
    return out


def digest(annotations: Path) -> str:
    """A short content hash of every annotation file, to tie a run to its data."""
    h = hashlib.sha256()
    for p in sorted(Path(annotations).glob("*.json")):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def stats(docs: list[Document], seeds: Collection[str], tokenizer=None) -> dict:
    """Corpus counts: documents, events by status, spans by label, tokens. `seeds` are the seed
    article ids (`seed_ids`): an id's spelling says nothing about where the article came from."""
    status = Counter(e.status for d in docs for e in d.events)
    labels = Counter(s.label for d in docs for s in d.spans)
    out = {
        "documents": len(docs),
        "seed_documents": sum(1 for d in docs if d.id in seeds),
        "documents_without_meeting": sum(1 for d in docs if not d.events),
        "documents_without_date_line": sum(1 for d in docs if d.date is None),
        "documents_over_700_words": sum(1 for d in docs if len(d.text.split()) > 700),
        "events": sum(status.values()),
        "events_by_status": dict(sorted(status.items())),
        "multilateral_events": sum(1 for d in docs for e in d.events if len(e.participants) >= 3),
        "spans_by_label": dict(sorted(labels.items())),
        "words": sum(len(d.text.split()) for d in docs),
    }
    if tokenizer is not None:
        out["tokens"] = sum(len(tokenizer(d.text, add_special_tokens=False)["input_ids"]) for d in docs)
    return out
