"""Cost of one long article against its length: time and peak memory of `predict` on articles of
50, 100 and 200 KB cut from the corpus, and the time ratio per KB (about 1 when the cost grows
linearly with length). Timings live here, not in the tests.

    .venv/bin/python benchmarks/long_article.py --model models/default
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from pipeline.corpus import load as load_corpus
from pipeline.extract import Article, Extractor

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", type=Path, default=ROOT / "models/default")
    ap.add_argument("--sizes", type=int, nargs="+", default=[50, 100, 200], help="article sizes in KB")
    args = ap.parse_args()
    body = "\n\n".join(d.text for d in load_corpus(ROOT / "annotations"))
    ext = Extractor.load(args.model)
    per_kb = []
    for kb in args.sizes:
        text = " date 2024-01-01\n" + body[: kb * 1000]
        start = time.perf_counter()
        (rec,) = ext.predict([Article(f"{kb}kb", text)])
        seconds = time.perf_counter() - start
        per_kb.append(seconds / kb)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{kb:>4} KB: {seconds:6.1f} s, {len(rec['events'])} events, peak RSS so far {peak:.0f} MB")
    print(f"time per KB, largest / smallest article: {per_kb[-1] / per_kb[0]:.2f}")


if __name__ == "__main__":
    main()
