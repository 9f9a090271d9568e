"""Several trained models as one: their label probabilities averaged per token, events assembled
from the average, a calibrator fitted on documents none of them trained on, then scored.

    .venv/bin/python benchmarks/average_models.py --model models/a --model models/b \\
        --calibration-from models/a --score seeds --score path/to/unseen_batch

The models must share a base model (one tokenizer). `--calibration-from` takes the calibration
documents a model's training.json names (from annotations/); `--score seeds` scores the real
seed articles, any other value a directory of annotation files (all of its documents); two or
more directories are also scored pooled. Each member's own figures come from
`python -m pipeline evaluate`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from pipeline import corpus
from pipeline.evaluate import calibrate_on, score
from pipeline.extract import Extractor
from pipeline.features import BASE_LABELS, encode

ROOT = Path(__file__).resolve().parent.parent


class Averaged(Extractor):
    """An extractor whose window probabilities are the members' mean."""

    def __init__(self, members: list[Extractor]):
        first = members[0]
        super().__init__(first.model, first.tokenizer, first.max_length, first.stride, first.event_window)
        self.members = members

    def _run(self, windows):
        n = len(BASE_LABELS)
        total = None
        for member in self.members:
            # A mention link (model.link_mentions) is a training target: its probability counts as O.
            probs = [np.concatenate([p[:, :1] + p[:, n:].sum(1, keepdims=True), p[:, 1:n]], axis=1)
                     for p in member._run(windows)]
            total = probs if total is None else [t + p for t, p in zip(total, probs)]
        return [t / len(self.members) for t in total]


def candidates(extractor: Extractor, docs: list) -> list:
    out = []
    for i in range(0, len(docs), 16):
        out += extractor.candidates([encode(d.text, extractor.tokenizer) for d in docs[i : i + 16]])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", action="append", required=True, type=Path)
    parser.add_argument("--calibration-from", required=True, type=Path)
    parser.add_argument("--score", action="append", required=True)
    args = parser.parse_args()
    averaged = Averaged([Extractor.load(m, device="auto") for m in args.model])
    by_id = {d.id: d for d in corpus.load(ROOT / "annotations")}
    info = json.loads((args.calibration_from / "training.json").read_text(encoding="utf-8"))
    cal_docs = [by_id[i] for i in info["calibration_documents"]]
    found = {"calibration": (cal_docs, candidates(averaged, cal_docs))}
    calibrator = calibrate_on(*found["calibration"])
    seeds = corpus.seed_ids(ROOT / "seeds")
    for name in args.score:
        docs = [d for d in by_id.values() if d.id in seeds] if name == "seeds" else corpus.load(Path(name))
        found[name] = docs, candidates(averaged, docs)
    batches = [n for n in args.score if n != "seeds"]
    if len(batches) > 1:  # the written batches pooled; real news stays a test of its own
        found["batches pooled"] = tuple(sum((found[n][k] for n in batches), []) for k in (0, 1))
    print(f"{len(args.model)} models averaged; event threshold {calibrator.event_threshold:.3f}")
    for name, (docs, cands) in found.items():
        m = score(docs, cands, calibrator).metrics
        print(f"{name}: {len(docs)} documents, event F1 {m['event_f1']:.3f} "
              f"({m['event_f1_ci_low']:.3f}-{m['event_f1_ci_high']:.3f}), exact event F1 {m['exact_event_f1']:.3f}, "
              f"participant F1 {m['participant_f1']:.3f}, "
              f"gold / predicted {m['events_gold']} / {m['events_predicted']}")


if __name__ == "__main__":
    main()
