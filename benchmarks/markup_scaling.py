"""Cost of `import-markup`'s parse and of `validate`'s check as a document grows: time per event
at 2,500, 5,000, 10,000 and 20,000 events, and the ratio of the largest to the smallest (1.0 is
linear, 8.0 quadratic).

    .venv/bin/python benchmarks/markup_scaling.py
"""

from __future__ import annotations

import time

from pipeline.markup import parse_markup
from pipeline.validate import check_document


def source(n: int) -> str:
    body = " ".join(f"[Leader{i}|P:a{i}] [met|T:e{i}] [Other{i}|P:b{i}] in [Town{i}|L:e{i}]." for i in range(n))
    events = "\n".join(f"e{i} occurred a{i},b{i}" for i in range(n))
    return f"id: bench\n---\n{body}\n---\n{events}\n"


def main() -> None:
    per_event = {}
    for n in (2_500, 5_000, 10_000, 20_000):
        text = source(n)
        start = time.perf_counter()
        errors = check_document(parse_markup(text))
        seconds = time.perf_counter() - start
        assert not errors, errors[:3]
        per_event[n] = seconds / n
        print(f"{n:>6} events: {seconds:6.2f} s, {1e6 * per_event[n]:.0f} µs per event")
    print(f"time per event, largest / smallest: {per_event[20_000] / per_event[2_500]:.2f}")


if __name__ == "__main__":
    main()
