"""Evaluation on held-out documents: seqeval span scores and event-level scores, with calibration."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment
from seqeval.metrics import classification_report
from tqdm.auto import tqdm

from .calibration import Calibrator, expected_calibration_error, f1_threshold, fit_calibrator, reliability_plot
from .countries import country_code, title_country
from .entities import name_country
from .events import Candidate, PredSpan
from .extract import Article, Extractor, record
from .features import LABELS, LINK, argument_tags, encode, trigger_tags
from .intervals import SCORES, bootstrap_intervals
from .schema import Document, json_default, write_atomic

EVENT_KEYS = ("event_precision", "event_recall", "event_f1", "participant_precision", "participant_recall",
              "participant_f1", "status_accuracy", "date_accuracy", "location_accuracy", "exact_event_f1",
              "title_accuracy", "country_accuracy")


@dataclass
class Evaluation:
    metrics: dict
    per_label: dict
    report: str
    predictions: list[dict]
    calibration: dict = field(default_factory=dict)
    candidates: list[list[Candidate]] = field(default_factory=list)


def _overlaps(a: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in spans)


def _gold_events(doc: Document) -> list[dict]:
    out = []
    for ev in doc.events:
        values = [doc.span(s).value for s in ev.date if doc.span(s).value]
        out.append({
            "status": ev.status,
            "participants": {p: [(m.start, m.end) for m in doc.entity_mentions(p)] for p in ev.participants},
            "date": values[0] if values else None,
            "location": [(doc.span(s).start, doc.span(s).end) for s in ev.location],
            "trigger": doc.span(ev.triggers[0]).start,
        })
    return out


def gold_attributes(doc: Document) -> dict[str, tuple[set[str], set[str]]]:
    """Per gold entity: its title texts (lower case) and the ISO codes its affiliations or name imply."""
    out: dict[str, tuple[set[str], set[str]]] = {e.id: (set(), set()) for e in doc.entities}
    for s in doc.spans:
        if s.entity in out and s.label == "TITLE":
            out[s.entity][0].add(s.text.lower())
        elif s.entity in out and s.label == "AFFILIATION" and (code := country_code(s.text)):
            out[s.entity][1].add(code)
    for s in doc.spans:  # a title names its holder's country only where no affiliation does
        if s.entity in out and s.label == "TITLE" and not out[s.entity][1] and (code := title_country(s.text)):
            out[s.entity][1].add(code)
    for e in doc.entities:
        if not out[e.id][1] and (code := name_country(e.name, titled=bool(out[e.id][0]))):
            out[e.id][1].add(code)
    return out


def _participant_matches(pred: dict, gold: dict) -> list[tuple[int, str]]:
    """One-to-one (pred participant index, gold entity) pairs whose mentions overlap: the most
    pairs, then the most overlapping mentions. An optimal assignment, so a party carrying one stray
    mention of another party cannot take that party's place."""
    ids = list(gold["participants"])
    if not pred["participants"] or not ids:
        return []
    weight = np.zeros((len(pred["participants"]), len(ids)))
    for i, p in enumerate(pred["participants"]):
        spans = [(m["start"], m["end"]) for m in p["mentions"]]
        for k, g in enumerate(ids):
            if shared := sum(_overlaps(s, gold["participants"][g]) for s in spans):
                weight[i, k] = 1000 + shared  # a pair first, then its overlap
    rows, cols = linear_sum_assignment(weight, maximize=True)
    return [(int(i), ids[k]) for i, k in zip(rows, cols) if weight[i, k] > 0]


def event_scores(pred_docs: list[dict], gold_docs: list[Document]) -> tuple[dict, dict]:
    """Event-level metrics. A predicted event matches a gold one when they share at least two
    participants (by overlapping mentions); matching is one-to-one, best overlap first."""
    keys = ("pred", "gold", "match", "p_pred", "p_gold", "p_tp", "status", "date", "loc", "exact", "title", "country")
    per_document: list[dict[str, int]] = []
    conf_event: list[tuple[float, bool]] = []
    conf_part: list[tuple[float, bool]] = []
    for pred_doc, doc in zip(pred_docs, gold_docs):
        c = dict.fromkeys(keys, 0)
        per_document.append(c)
        gold = _gold_events(doc)
        attrs = gold_attributes(doc)
        preds = pred_doc["events"]
        c["pred"] += len(preds)
        c["gold"] += len(gold)
        c["p_pred"] += sum(len(p["participants"]) for p in preds)
        c["p_gold"] += sum(len(g["participants"]) for g in gold)
        options = []
        for i, p in enumerate(preds):
            for j, g in enumerate(gold):
                pairs = _participant_matches(p, g)
                if len(pairs) >= 2:
                    options.append((len(pairs), p["status"] == g["status"],
                                    -abs(p["trigger"]["start"] - g["trigger"]), i, j, pairs))
        options.sort(reverse=True)
        used_p, used_g, matched = set(), set(), {}
        for *_, i, j, pairs in options:
            if i not in used_p and j not in used_g:
                used_p.add(i)
                used_g.add(j)
                matched[i] = (j, pairs)
        for i, p in enumerate(preds):
            conf_event.append((p["confidence"], i in matched))
            good = {k for k, _ in matched[i][1]} if i in matched else set()
            conf_part += [(q["confidence"], k in good) for k, q in enumerate(p["participants"])]
        for i, (j, pairs) in matched.items():
            p, g = preds[i], gold[j]
            c["match"] += 1
            c["p_tp"] += len(pairs)
            for k, g_id in pairs:  # attributes of each party found: title and country, or rightly none
                party, (titles, codes) = p["participants"][k], attrs[g_id]
                c["title"] += (party["title"] or "").lower() in titles if titles else party["title"] is None
                c["country"] += party["country"] in codes if codes else party["country"] is None
            status_ok = p["status"] == g["status"]
            date_ok = (p["date"] or {}).get("value") == g["date"]
            c["status"] += status_ok
            c["date"] += date_ok
            loc = p["location"]
            c["loc"] += (not g["location"] and loc is None) or (
                loc is not None and _overlaps((loc["start"], loc["end"]), g["location"]))
            complete = len(pairs) == len(g["participants"]) == len(p["participants"])
            c["exact"] += complete and status_ok and date_ok
    c = {k: sum(row[k] for row in per_document) for k in keys}

    def f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    def ratio(a: int, b: int) -> float:
        return a / b if b else 0.0

    def accuracy(a: int, b: int) -> float | None:
        return a / b if b else None  # nothing to be right about: unknown, not 0 (which drags a mean down)

    m = {"events_gold": c["gold"], "events_predicted": c["pred"], "events_matched": c["match"]}
    m["event_precision"], m["event_recall"] = ratio(c["match"], c["pred"]), ratio(c["match"], c["gold"])
    m["event_f1"] = f1(m["event_precision"], m["event_recall"])
    m["participant_precision"], m["participant_recall"] = ratio(c["p_tp"], c["p_pred"]), ratio(c["p_tp"], c["p_gold"])
    m["participant_f1"] = f1(m["participant_precision"], m["participant_recall"])
    m["status_accuracy"] = accuracy(c["status"], c["match"])
    m["date_accuracy"] = accuracy(c["date"], c["match"])
    m["location_accuracy"] = accuracy(c["loc"], c["match"])
    m["exact_event_f1"] = f1(ratio(c["exact"], c["pred"]), ratio(c["exact"], c["gold"]))
    m["title_accuracy"] = accuracy(c["title"], c["p_tp"])
    m["country_accuracy"] = accuracy(c["country"], c["p_tp"])
    m.update(bootstrap_intervals(per_document))
    return m, {"event": conf_event, "participant": conf_part}


def tag_sequences(extractor: Extractor, docs: list[Document],
                  progress: bool = False) -> tuple[list[list[str]], list[list[str]]]:
    """Gold and predicted IOB2 word tags: one trigger sequence per document and one argument
    sequence per gold trigger mention (arguments scored given the gold trigger)."""
    gold, pred = [], []
    tok = extractor.tokenizer
    encs = [encode(d.text, tok) for d in docs]
    tagged = zip(docs, encs, extractor.trigger_probs(encs))
    for d, enc, probs in tqdm(tagged, total=len(docs), desc="spans", disable=not progress, leave=False):
        gold.append(trigger_tags(d, enc))
        pred.append([LABELS[i] for i in probs.argmax(axis=1)])
        jobs = [(k, sid) for k, ev in enumerate(d.events) for sid in ev.triggers]
        spans = [(d.span(sid).start, d.span(sid).end) for _, sid in jobs]
        for (k, sid), (first, p) in zip(jobs, extractor.argument_probs(enc, spans)):
            gold.append(argument_tags(d, enc, k, sid))
            tags = ["O"] * len(enc.words)  # words outside the window are untagged
            # Links between mentions are a training target, not an output: left out, so that the tag
            # scores of models with and without them compare.
            tags[first : first + len(p)] = ["O" if LABELS[i].endswith(LINK) else LABELS[i] for i in p.argmax(axis=1)]
            pred.append(tags)
    return gold, pred


def evaluate_documents(extractor: Extractor, docs: list[Document], progress: bool = True) -> Evaluation:
    gold_tags, pred_tags = tag_sequences(extractor, docs, progress)
    per_label = classification_report(gold_tags, pred_tags, output_dict=True, zero_division=0)
    report = classification_report(gold_tags, pred_tags, digits=3, zero_division=0)
    micro = per_label.get("micro avg", {})
    span_metrics = {"entity_precision": micro.get("precision", 0.0), "entity_recall": micro.get("recall", 0.0),
                    "entity_f1": micro.get("f1-score", 0.0)}
    span_metrics.update({f"entity_f1_{label}": row["f1-score"] for label, row in per_label.items()
                         if "avg" not in label})
    candidates = []
    with tqdm(total=len(docs), desc="evaluate", disable=not progress, leave=False) as bar:
        for i in range(0, len(docs), 16):  # a chunk fills the argument pass's batches, as in predict
            chunk = docs[i : i + 16]
            candidates += extractor.candidates([encode(d.text, extractor.tokenizer) for d in chunk])
            bar.update(len(chunk))
    ev = score(docs, candidates, extractor.calibrator)
    ev.metrics.update(span_metrics)
    ev.per_label = per_label
    ev.report = report
    return ev


def score(docs: list[Document], candidates: list[list[Candidate]], calibrator: Calibrator | None = None) -> Evaluation:
    """Assemble events from the model's candidates and score them. Kept apart from the model so the
    saved candidates of a run (candidates.jsonl) can be re-assembled and re-scored without it."""
    calibrator = calibrator or Calibrator()  # no maps: raw scores, no cut
    preds = [record(Article(d.id, d.text), c) for d, c in zip(docs, candidates)]
    for p in preds:
        p["events"] = calibrator.finish(p["events"])
    metrics, conf = event_scores(preds, docs)
    metrics["event_threshold"] = calibrator.event_threshold
    calibration = {}
    for kind, pairs in conf.items():
        if pairs:
            probs, hits = np.array([p for p, _ in pairs]), np.array([h for _, h in pairs], dtype=float)
            metrics[f"{kind}_ece"] = expected_calibration_error(probs, hits)
            calibration[kind] = pairs
    return Evaluation(metrics, {}, "", preds, calibration, candidates)


def calibrate_on(docs: list[Document], candidates: list[list[Candidate]]) -> Calibrator:
    """A calibrator fitted on the raw confidences of events assembled for documents the model did
    not train on, against their gold events."""
    preds = [record(Article(d.id, d.text), c) for d, c in zip(docs, candidates)]
    metrics, conf = event_scores(preds, docs)
    hits = {kind: [hit for _, hit in pairs] for kind, pairs in conf.items()}
    calibrator = fit_calibrator(preds, hits)
    if calibrator.event:  # a cut from a share of F1 means something for probabilities, not for raw overconfident scores
        # Matching does not depend on confidence: the hits stay, in event_scores' order.
        probs = [e["confidence"] for p in preds for e in calibrator.apply(p["events"])]
        calibrator.event_threshold = f1_threshold(list(zip(probs, hits["event"])), metrics["events_gold"])
    return calibrator


def format_table(metrics: dict, per_label: dict) -> str:
    lines = []
    if per_label:  # without per-label rows (the caller printed seqeval's report) no header either
        lines.append(f"{'label':<16}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}")
        for label, row in per_label.items():
            lines.append(f"{label:<16}{row['precision']:>10.3f}{row['recall']:>10.3f}{row['f1-score']:>10.3f}"
                         f"{int(row['support']):>9}")
        lines.append("")
    for key in EVENT_KEYS + ("event_ece", "participant_ece"):
        if key in metrics:
            lines.append(f"{key:<24}{format_figure(metrics[key], 8)}")
    for key in SCORES:
        if f"{key}_ci_low" in metrics:
            lines.append(f"{key + ' 95% CI':<24}{metrics[key + '_ci_low']:>8.3f}–{metrics[key + '_ci_high']:.3f}")
    lines.append(f"{'events gold/predicted':<24}{metrics['events_gold']:>4}/{metrics['events_predicted']}")
    return "\n".join(lines)


def format_figure(value: float | None, width: int) -> str:
    return f"{'n/a':>{width}}" if value is None else f"{value:>{width}.3f}"


HELDOUT_TITLE = "Reliability on held-out documents"


def write_evaluation(ev: Evaluation, out_dir: Path, candidates: bool = True, about: dict | None = None,
                     title: str = HELDOUT_TITLE) -> dict[str, Path]:
    """Metrics JSON, seqeval report, predictions and reliability plot, written atomically; and the
    model's candidates unless told not to (`rescore` reads them and must never rewrite them).
    `about` (which documents, which model) goes into metrics.json beside the metrics."""
    out_dir = Path(out_dir)
    paths = {"metrics": out_dir / "metrics.json", "report": out_dir / "classification_report.txt",
             "predictions": out_dir / "predictions.jsonl"}
    if candidates:
        paths["candidates"] = out_dir / "candidates.jsonl"
        write_atomic(paths["candidates"], "".join(
            json.dumps([{"trigger": asdict(c.trigger), "args": [asdict(a) for a in c.args]} for c in cands]) + "\n"
            for cands in ev.candidates))
    write_atomic(paths["metrics"], json.dumps({**(about or {}), "metrics": ev.metrics, "per_label": ev.per_label},
                                              indent=2, default=json_default))
    write_atomic(paths["report"], ev.report)
    write_atomic(paths["predictions"], "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in ev.predictions))
    plot = out_dir / "reliability.png"
    if ev.calibration:
        paths["reliability"] = plot
        reliability_plot(ev.calibration, plot, title)
    else:  # an earlier run's plot would sit beside metrics it does not describe
        plot.unlink(missing_ok=True)
    return paths


def log_evaluation(ev: Evaluation, paths: dict[str, Path]) -> None:
    """With an active MLflow run, log the evaluation's metrics and its files."""
    from . import tracking

    if tracking.active():
        import mlflow

        mlflow.log_metrics({k: float(v) for k, v in ev.metrics.items() if v is not None})
        for p in paths.values():
            mlflow.log_artifact(str(p), artifact_path="evaluation")


def save_evaluation(ev: Evaluation, out_dir: Path, about: dict | None = None,
                    title: str = HELDOUT_TITLE) -> None:
    """Write the evaluation files; with an active MLflow run, also log its metrics and the files."""
    log_evaluation(ev, write_evaluation(ev, out_dir, about=about, title=title))


def candidates_of(row: list) -> list[Candidate]:
    """One document's candidates from a line of candidates.jsonl."""
    return [Candidate(PredSpan(**c["trigger"]), [PredSpan(**a) for a in c["args"]]) for c in row]
