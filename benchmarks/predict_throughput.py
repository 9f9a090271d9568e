"""Inference throughput of a trained model on the annotated articles, batched against one window
at a time. Prints articles/s, words/s and the ratio; timings live here, not in the tests.

    .venv/bin/python benchmarks/predict_throughput.py --model models/default
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from pipeline.corpus import load as load_corpus
from pipeline.extract import Article, Extractor

ROOT = Path(__file__).resolve().parent.parent


def run(extractor: Extractor, articles: list[Article]) -> float:
    start = time.perf_counter()
    for _ in extractor.predict(articles):
        pass
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", type=Path, default=ROOT / "models/default")
    ap.add_argument("--docs", type=int, default=30)
    args = ap.parse_args()
    docs = load_corpus(ROOT / "annotations")[: args.docs]
    articles = [Article(d.id, d.text) for d in docs]
    words = sum(len(d.text.split()) for d in docs)
    results = {}
    for batch in (1, 32):
        ext = Extractor.load(args.model, batch_size=batch)
        run(ext, articles[:2])  # warm-up
        results[batch] = run(ext, articles)
        rate = len(articles) / results[batch]
        print(f"batch {batch:>2}: {rate:.2f} articles/s, {words / results[batch]:.0f} words/s")
    print(f"batched / unbatched speed: {results[1] / results[32]:.2f}x")


if __name__ == "__main__":
    main()
