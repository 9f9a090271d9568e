"""Inference: article text in, meeting events out (the output contract of `predict`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .alignment import best_window, join_hyphenated, tags_to_spans
from .calibration import Calibrator
from .events import Candidate, PredSpan, assemble
from .features import ARG_TYPES, LABELS, STATUS_OF, Encoded, Window, argument_window, encode, trigger_windows
from .modeling import ModelError, load_trained, pick_device, predict_windows
from .schema import JSONFileError, document_date, read_json_object


@dataclass
class Article:
    id: str
    text: str
    date: str | None = None  # used when the text has no date line of its own


def word_probs(enc: Encoded, windows: list[Window], ranges: list[tuple[int, int]] | None,
               probs: list[np.ndarray], words: range | None = None) -> np.ndarray:
    """Label probabilities of each word (of `words`, default all), from the window where its first
    sub-token has the most context (overlapping windows are merged, never truncated)."""
    words = range(len(enc.words)) if words is None else words
    # A model trained without `link_mentions` has the first labels only.
    out = np.zeros((len(words), probs[0].shape[-1] if probs else len(LABELS)), dtype=np.float32)
    out[:, 0] = 1.0
    where: dict[tuple[int, int], int] = {}
    for k, w in enumerate(windows):
        for pos, word in enumerate(w.word_at):
            if word is not None:
                where[(k, word)] = pos
    for i, word in enumerate(words):
        k = best_window(ranges, enc.word_first_token[word]) if ranges else 0
        if (k, word) in where:
            out[i] = probs[k][where[(k, word)]]
    return out


def window_words(window: Window) -> range:
    """The document words an argument window covers: its probabilities are kept for those only, so
    that an article's cost grows with its triggers, not with triggers times its length."""
    covered = [w for w in window.word_at if w is not None]
    return range(min(covered), max(covered) + 1) if covered else range(0)


def decode(enc: Encoded, wprobs: np.ndarray, keep: set[str], first_word: int = 0) -> list[PredSpan]:
    """Spans of the given label types, scored by the mean probability of their words' tags;
    `wprobs` holds the words from `first_word` on."""
    words = enc.words[first_word : first_word + len(wprobs)]
    best = wprobs.argmax(axis=1)
    raw = [LABELS[i] for i in best]
    tags = join_hyphenated(enc.text, words, raw)
    spans = []
    for label, start, end, w0, w1 in tags_to_spans(words, tags):
        # A span never starts or ends on bare punctuation (". Qin" is "Qin").
        while w0 < w1 and not any(c.isalnum() for c in enc.text[slice(*words[w0])]):
            w0 += 1
        while w1 > w0 and not any(c.isalnum() for c in enc.text[slice(*words[w1 - 1])]):
            w1 -= 1
        # Nor does it run across a line break (a name followed by the next paragraph's dateline).
        while w1 - w0 > 1 and "\n" in enc.text[words[w0][0] : words[w1 - 1][1]]:
            w1 -= 1
        if w0 == w1:
            continue
        start, end = words[w0][0], words[w1 - 1][1]
        if label in keep:
            # A hyphen joined into a name by `join_hyphenated` has no probability of its own here.
            scored = [w for w in range(w0, w1) if raw[w] != "O"] or list(range(w0, w1))
            score = float(np.mean([wprobs[w, best[w]] for w in scored]))
            spans.append(PredSpan(label, start, end, score))
    return spans


class Extractor:
    def __init__(self, model, tokenizer, max_length: int, stride: int, event_window: int, batch_size: int = 32,
                 calibrator: Calibrator | None = None):
        self.model, self.tokenizer = model, tokenizer
        self.max_length, self.stride, self.event_window = max_length, stride, event_window
        self.batch_size = batch_size
        self.calibrator = calibrator  # None: raw model scores as confidences

    @classmethod
    def load(cls, model_dir: Path, device: str = "auto", batch_size: int = 32) -> Extractor:
        tokenizer, model = load_trained(model_dir)
        model.to(pick_device(device))
        try:  # training.json is not needed here: predict works without it
            cfg = read_json_object(Path(model_dir) / "pipeline_config.json")["model"]
        except (JSONFileError, KeyError, TypeError) as exc:
            raise ModelError(f"{model_dir}/pipeline_config.json is missing or damaged ({exc})") from exc
        try:
            calibrator = Calibrator.load(model_dir)
        except (ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"{model_dir}/calibration.json: {exc}") from exc
        if calibrator is None and _calibrated_in_training(Path(model_dir)):
            # Without it every event would keep its raw, overconfident score and no cut: other output.
            raise ModelError(f"{model_dir} has no calibration.json, though training fitted one; "
                             "copy the whole model directory")
        return cls(model, tokenizer, cfg["max_length"], cfg["stride"], cfg["event_window"], batch_size, calibrator)

    def _run(self, windows: list[Window]) -> list[np.ndarray]:
        return predict_windows(self.model, self.tokenizer, windows, self.batch_size)

    def trigger_probs(self, encs: list[Encoded]) -> list[np.ndarray]:
        per_doc = [trigger_windows(e, self.tokenizer, self.max_length, self.stride) for e in encs]
        flat = self._run([w for ws, _ in per_doc for w in ws])
        out, k = [], 0
        for enc, (ws, ranges) in zip(encs, per_doc):
            out.append(word_probs(enc, ws, ranges, flat[k : k + len(ws)]))
            k += len(ws)
        return out

    def argument_probs(self, enc: Encoded, triggers: list[tuple[int, int]]) -> list[tuple[int, np.ndarray]]:
        """Word probabilities of the argument pass for each trigger (character spans): the first
        word its window covers, and the probabilities of the covered words."""
        return self._argument_probs([(enc, triggers)])[0]

    def _argument_probs(self, jobs: list[tuple[Encoded, list[tuple[int, int]]]]) -> list[list[tuple[int, np.ndarray]]]:
        # One run over the windows of all documents: a document has a dozen triggers, too few to
        # fill a batch on a GPU.
        windows = [[argument_window(enc, self.tokenizer, enc.token_range(s, e), self.event_window)
                    for s, e in triggers] for enc, triggers in jobs]
        flat = iter(self._run([w for ws in windows for w in ws]))
        out = []
        for (enc, _), ws in zip(jobs, windows):
            probs = []
            for w in ws:
                words = window_words(w)
                probs.append((words.start, word_probs(enc, [w], None, [next(flat)], words)))
            out.append(probs)
        return out

    def candidates(self, encs: list[Encoded]) -> list[list[Candidate]]:
        triggers = [decode(e, p, set(STATUS_OF)) for e, p in zip(encs, self.trigger_probs(encs))]
        probs = self._argument_probs([(e, [(t.start, t.end) for t in ts]) for e, ts in zip(encs, triggers)])
        # Links between mentions (`model.link_mentions`) are a training target only: assembly joining
        # the mentions a window linked lost more meetings than it saved (README).
        return [[Candidate(PredSpan(STATUS_OF[t.label], t.start, t.end, t.score), decode(enc, p, set(ARG_TYPES), first))
                 for t, (first, p) in zip(trigs, doc_probs)]
                for enc, trigs, doc_probs in zip(encs, triggers, probs)]

    @property
    def threshold(self) -> float:
        """The model's own event cut-off (calibration.json); 0 keeps every event."""
        return (self.calibrator or Calibrator()).event_threshold

    def predict(self, articles: Iterable[Article], chunk: int = 16,
                min_confidence: float | None = None) -> Iterator[dict]:
        """One output record per article, in input order, without the events whose confidence is
        below `min_confidence` (None: the model's threshold)."""
        cut = self.threshold if min_confidence is None else min_confidence
        batch: list[Article] = []
        for art in articles:
            batch.append(art)
            if len(batch) == chunk:
                yield from self._predict_batch(batch, cut)
                batch = []
        if batch:
            yield from self._predict_batch(batch, cut)

    def _predict_batch(self, arts: list[Article], cut: float) -> list[dict]:
        encs = [encode(a.text, self.tokenizer) for a in arts]
        records = [record(art, cands) for art, cands in zip(arts, self.candidates(encs))]
        for rec in records:
            rec["events"] = (self.calibrator or Calibrator()).finish(rec["events"], cut)
        return records


def _calibrated_in_training(model_dir: Path) -> bool:
    try:
        return bool(read_json_object(model_dir / "training.json").get("calibration_documents"))
    except JSONFileError:
        return False  # training.json is optional for predict


def record(art: Article, candidates: list[Candidate]) -> dict:
    """The output record of one article from its candidates (one per predicted trigger mention)."""
    date = document_date(art.text) or art.date
    return {"doc_id": art.id, "document_date": date, "events": assemble(art.text, date, candidates)}
