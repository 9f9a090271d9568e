"""How many annotated date phrases assembly resolves to their annotated value: each gold trigger
mention becomes a candidate holding its meeting's date spans, and `events` resolves them in text
order as it does for the model's candidates (anchors included). The seeds are left out.

    .venv/bin/python benchmarks/gold_dates.py [--annotations DIR ...] [--misses]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pipeline import corpus
from pipeline.entities import Candidate, Entities, PredSpan
from pipeline.events import _dates
from pipeline.schema import document_date

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotations", action="append", type=Path, help="default: annotations/")
    parser.add_argument("--misses", action="store_true", help="list the phrases resolved otherwise")
    args = parser.parse_args()
    seeds = corpus.seed_ids(ROOT / "seeds")
    right = total = 0
    for directory in args.annotations or [ROOT / "annotations"]:
        for doc in corpus.load(directory):
            if doc.id in seeds:
                continue
            cands = [Candidate(PredSpan(ev.status, doc.span(t).start, doc.span(t).end, 1.0),
                               [PredSpan("DATE", doc.span(s).start, doc.span(s).end, 1.0) for s in ev.date])
                     for ev in doc.events for t in ev.triggers]
            resolved = _dates(Entities(doc.text), document_date(doc.text), cands)
            for ev in doc.events:
                for sid in ev.date:
                    span = doc.span(sid)
                    value = resolved[(span.start, span.end, ev.status)]["value"]
                    total += 1
                    right += value == span.value
                    if args.misses and value != span.value:
                        print(f"{doc.id}: {span.text!r} ({ev.status}) -> {value}, annotated {span.value}")
    print(f"{right} of {total} annotated date phrases resolved to their annotated value")


if __name__ == "__main__":
    main()
