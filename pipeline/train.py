"""Fine-tuning the token classifier on annotated documents, and saving a complete model directory."""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import torch
from datasets import Dataset
from torch.utils.data import DataLoader
from tqdm.auto import tqdm
from transformers import get_linear_schedule_with_warmup, set_seed

from . import corpus, tracking
from .calibration import Calibrator
from .config import Config
from .events import Candidate
from .extract import Extractor
from .features import encode, labels_for, training_windows, trigger_vocabulary
from .modeling import ModelError, check_base_model, collator, load_base, pick_device, uses_case
from .schema import Document, json_default, plain_mode, swap_dir, write_atomic


class TrainError(ModelError):
    """A `train` run that cannot start or cannot write its model directory."""


MODEL_MARKERS = ("pipeline_config.json", "training.json")  # written by `save`, last


def is_model_dir(path: Path) -> bool:
    return path.is_dir() and all((path / m).is_file() for m in MODEL_MARKERS)


def check_output(target: Path) -> None:
    """Fail before any work if `target` cannot become the model directory: something that is not
    a model written by `train` is there (it would be deleted), or its parent cannot be written."""
    if (target.exists() or target.is_symlink()) and not is_model_dir(target):
        raise TrainError(f"{target} exists and is not a model directory written by `train` (no "
                         f"{' or '.join(MODEL_MARKERS)}); saving would delete it: choose another name or "
                         "output_dir, or move it away")
    if target.parent.exists() and not target.parent.is_dir():
        raise TrainError(f"output_dir {target.parent} is a file, not a directory")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rmdir(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".probe"))
    except OSError as exc:
        raise TrainError(f"cannot write the model directory {target}: {exc.strerror or exc}") from exc


def preflight(cfg: Config, root: Path) -> Path:
    """Every check that needs neither the data nor the weights: output directory, device, base
    model. Run before an MLflow run is opened, so a user error leaves no failed run behind."""
    target = root / cfg.output_dir / cfg.name
    check_output(target)
    pick_device(cfg.train.device)
    check_base_model(cfg.model.base_model)
    return target


@dataclass
class FitResult:
    model: object
    tokenizer: object
    history: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    trigger_words: list[str] = field(default_factory=list)


def build_dataset(docs: list[Document], tokenizer, cfg: Config, trigger_words: set[str],
                  with_case: bool, progress: bool = False, epoch: int = 1) -> Dataset:
    """The training windows of `docs`; the sampled ones are drawn anew for each `epoch`."""
    rng = random.Random(cfg.train.seed if epoch == 1 else f"{cfg.train.seed}:{epoch}")
    rows = []
    for d in tqdm(docs, desc="windows", unit="doc", disable=not progress, leave=False):
        for w in training_windows(d, tokenizer, cfg.model.max_length, cfg.model.stride, cfg.model.event_window,
                                  cfg.train.negatives_per_doc, trigger_words, rng,
                                  cfg.train.mentions_per_event, cfg.train.empty_window_keep,
                                  cfg.model.link_mentions):
            rows.append(w.model_inputs(with_case))
    return Dataset.from_list(rows)


def class_weights(data: Dataset, power: float, num_labels: int) -> torch.Tensor:
    """Inverse label frequency to the given power (0 = unweighted), normalised to mean 1 over the
    labels seen, so rare tags (cancelled meetings, locations) are not drowned by O."""
    counts = torch.ones(num_labels)
    for labels in data["labels"]:
        for lab in labels:
            if lab >= 0:
                counts[lab] += 1
    w = counts.pow(-power)
    return w / w.mean()


def fit(cfg: Config, train_docs: list[Document], eval_docs: list[Document] | None = None,
        progress: bool = True, track: bool = True) -> FitResult:
    """Fine-tune a fresh model on `train_docs`; evaluate on `eval_docs` after every epoch."""
    from .evaluate import evaluate_documents

    set_seed(cfg.train.seed)
    device = pick_device(cfg.train.device)
    tokenizer, model = load_base(cfg.model.base_model, cfg.model.link_mentions)
    model.to(device)
    words = trigger_vocabulary(train_docs)
    with_case = uses_case(model)
    data = build_dataset(train_docs, tokenizer, cfg, words, with_case, progress)
    weights = class_weights(data, cfg.train.class_weight_power, model.config.num_labels).to(device)
    generator = torch.Generator().manual_seed(cfg.train.seed)

    def loader_of(data: Dataset) -> DataLoader:
        return DataLoader(data, batch_size=cfg.train.batch_size, shuffle=True, generator=generator,
                          collate_fn=collator(tokenizer))

    loader = loader_of(data)
    # With resampling, later epochs differ from the first by a few empty windows: the schedule
    # follows the first, and a longer last epoch stops where the learning rate reaches zero.
    steps = len(loader) * cfg.train.epochs
    if cfg.train.max_steps > 0:
        steps = min(steps, cfg.train.max_steps)
    decay = [p for n, p in model.named_parameters() if not any(k in n for k in ("bias", "LayerNorm", "norm"))]
    rest = [p for n, p in model.named_parameters() if any(k in n for k in ("bias", "LayerNorm", "norm"))]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": cfg.train.weight_decay},
                                   {"params": rest, "weight_decay": 0.0}], lr=cfg.train.learning_rate)
    scheduler = get_linear_schedule_with_warmup(optimizer, math.ceil(cfg.train.warmup_ratio * steps), steps)
    amp = cfg.train.mixed_precision and device.type == "cuda"
    amp_dtype = torch.bfloat16 if amp and torch.cuda.is_bf16_supported() else torch.float16
    scaler = torch.amp.GradScaler("cuda", enabled=amp and amp_dtype == torch.float16)

    result = FitResult(model, tokenizer, trigger_words=sorted(words))
    start, step = time.perf_counter(), 0
    for epoch in range(1, cfg.train.epochs + 1):
        if epoch > 1 and cfg.train.resample_windows:
            loader = loader_of(build_dataset(train_docs, tokenizer, cfg, words, with_case, progress, epoch))
        model.train()
        total, n = 0.0, 0
        bar = tqdm(loader, desc=f"epoch {epoch}/{cfg.train.epochs}", disable=not progress, leave=False)
        for batch in bar:
            batch = {k: v.to(device) for k, v in batch.items()}
            labels = batch.pop("labels")
            with torch.autocast(device.type, dtype=amp_dtype, enabled=amp):
                logits = model(**batch).logits
            loss = torch.nn.functional.cross_entropy(logits.float().view(-1, model.config.num_labels), labels.view(-1),
                                                     weight=weights, ignore_index=-100)
            scaler.scale(loss).backward()
            scaler.unscale_(optimizer)
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            scaler.step(optimizer)
            scaler.update()
            optimizer.zero_grad(set_to_none=True)
            scheduler.step()
            total, n, step = total + loss.item(), n + 1, step + 1
            bar.set_postfix(loss=f"{total / n:.4f}")
            if step >= steps:
                break
        row = {"epoch": epoch, "train_loss": total / max(n, 1), "learning_rate": scheduler.get_last_lr()[0]}
        if eval_docs:
            ext = extractor_of(result, cfg)
            m = evaluate_documents(ext, eval_docs, progress=progress).metrics
            row.update({k: m[k] for k in ("entity_f1", "event_f1", "participant_f1", "exact_event_f1")})
        result.history.append(row)
        # Per-epoch scores (uncalibrated, no threshold) get names of their own: under the final
        # held-out names, the last epoch's value would be the one the runs table shows.
        tracking_row = {k if k in ("train_loss", "learning_rate") else f"epoch_{k}": v
                        for k, v in row.items() if k != "epoch"}
        if track and tracking.active():
            tracking.log_metrics(tracking_row, step=epoch)
        if progress:
            tqdm.write("  ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()),
                       file=sys.stderr)  # progress, like the bars: stdout keeps the result
        if step >= steps:
            break
    result.seconds = time.perf_counter() - start
    return result


@dataclass
class Calibrated:
    """A fine-tuned model with the calibrator fitted on the training documents it did not see."""

    result: FitResult
    extractor: Extractor
    calibration_docs: list[Document]
    calibration_candidates: list[list[Candidate]]
    refit: bool = False  # the shipped model was trained again on the calibration documents too


def fit_calibrated(cfg: Config, train_docs: list[Document], eval_docs: list[Document] | None = None,
                   progress: bool = True) -> Calibrated:
    """Fine-tune on all but `data.calibration_fraction` of `train_docs`, then fit the confidence
    calibrator on the rest. Shared by `train` and `cv`, so the figures measure the shipped recipe."""
    from .evaluate import calibrate_on

    fit_docs, cal_docs = corpus.calibration_split(train_docs, cfg.data.calibration_fraction, cfg.data.split_seed)
    refit = bool(cal_docs) and cfg.train.refit_after_calibration
    # With a refit, only the shipped model's epochs go to MLflow, so its curves stay one per metric.
    result = fit(cfg, fit_docs, None if refit else eval_docs, progress=progress, track=not refit)
    calibrator, cands = None, []
    if cal_docs:
        ext = extractor_of(result, cfg)
        for i in tqdm(range(0, len(cal_docs), 16), desc="calibration", disable=not progress, leave=False):
            cands += ext.candidates([encode(d.text, ext.tokenizer) for d in cal_docs[i : i + 16]])
        calibrator = calibrate_on(cal_docs, cands)
    if refit:
        first_seconds = result.seconds
        del result, ext  # free the first model's memory before the second
        result = fit(cfg, train_docs, eval_docs, progress=progress)
        result.seconds += first_seconds
    return Calibrated(result, extractor_of(result, cfg, calibrator), cal_docs, cands, refit)


def extractor_of(result: FitResult, cfg: Config, calibrator: Calibrator | None = None) -> Extractor:
    """An in-memory extractor over a just-trained model, with the windows of its config."""
    m = cfg.model
    return Extractor(result.model, result.tokenizer, m.max_length, m.stride, m.event_window, calibrator=calibrator)


def save(result: FitResult, cfg: Config, target: Path, extra: dict[str, object],
         calibrator: Calibrator | None = None) -> None:
    """Write model, tokenizer, label map and resolved config to `target`, replacing an older model
    only once the new one is complete."""
    target = Path(target)
    check_output(target)  # something else may have appeared there while training
    partial = target.with_name(f".{target.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        result.model.save_pretrained(partial)
        result.tokenizer.save_pretrained(partial)
        for f in partial.iterdir():  # the weights are written through a 0600 temporary file
            if f.is_file():
                f.chmod(plain_mode())
        write_atomic(partial / "labels.json", json.dumps(labels_for(cfg.model.link_mentions), indent=2))
        if calibrator:
            write_atomic(partial / "calibration.json", calibrator.to_json())
        # The markers of a model directory (MODEL_MARKERS) come last.
        write_atomic(partial / "pipeline_config.json", json.dumps(cfg.model_dump(), indent=2))
        write_atomic(partial / "training.json", json.dumps(
            {"history": result.history, "train_seconds": round(result.seconds, 1), **extra}, indent=2,
            default=json_default))
    except BaseException:  # an interrupted or failed save leaves no half-written directory behind
        shutil.rmtree(partial, ignore_errors=True)
        raise
    swap_dir(partial, target)


def _log_samples(extractor: Extractor, docs: list[Document], target: Path) -> None:
    """What `predict` writes for a few documents (calibrated, cut at the model's threshold)."""
    import mlflow

    from .extract import Article

    records = extractor.predict([Article(d.id, d.text) for d in docs])
    path = target / "sample_predictions.jsonl"
    write_atomic(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    mlflow.log_artifact(str(path))


def train(cfg: Config, root: Path, progress: bool = True) -> dict:
    """The `train` command: split by document, fine-tune, evaluate the held-out documents, save to
    models/<name>/, log everything to one MLflow run. Returns the held-out metrics."""
    from .evaluate import evaluate_documents, save_evaluation

    target = preflight(cfg, root)
    annotations = root / cfg.data.annotations
    docs = corpus.load(annotations)
    train_docs, held = corpus.holdout_split(docs, cfg.data.holdout, cfg.data.holdout_fraction,
                                            cfg.data.split_seed, corpus.seed_ids(root / cfg.data.seeds))
    tags = {"annotations_digest": corpus.digest(annotations)}
    with tracking.run(cfg, "train", tags=tags) as active:
        run = fit_calibrated(cfg, train_docs, held, progress=progress)
        result, ext = run.result, run.extractor
        cal_ids = {d.id for d in run.calibration_docs}
        metrics: dict = {}
        fitted = [d.id for d in train_docs if run.refit or d.id not in cal_ids]
        extra = {"train_documents": fitted, "refit_after_calibration": run.refit,
                 "calibration_documents": sorted(cal_ids), "heldout_documents": [d.id for d in held]}
        if held:
            evaluation = evaluate_documents(ext, held, progress=progress)
            metrics = evaluation.metrics
            extra["heldout_metrics"] = metrics
        save(result, cfg, target, extra, ext.calibrator)
        if held:
            save_evaluation(evaluation, target / "evaluation",
                            {"documents": "heldout", "document_ids": extra["heldout_documents"]})
        if tracking.active():
            tracking.log_metrics({"train_seconds": result.seconds, "train_documents": len(fitted),
                                  "calibration_documents": len(cal_ids)})
            if not held:  # nothing held out: still show what the model makes of a few articles
                _log_samples(ext, docs[:5], target)
            from .pyfunc import log_pyfunc

            log_pyfunc(target)
            if active is not None:  # only once the model is logged: lets `evaluate` link its run to it
                info = json.loads((target / "training.json").read_text(encoding="utf-8"))
                write_atomic(target / "training.json", json.dumps({**info, "mlflow_run_id": active.info.run_id},
                                                                   indent=2, default=json_default))
    return {"model_dir": str(target), "train_seconds": result.seconds, "metrics": metrics,
            "train_documents": len(fitted), "calibration_documents": len(cal_ids),
            "heldout_documents": len(held)}
