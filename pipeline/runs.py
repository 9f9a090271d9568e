"""The evaluate, predict and cv jobs behind the CLI: plain functions that raise on user errors."""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tqdm.auto import tqdm

from . import corpus, tracking
from .config import Config
from .corpus import CorpusError
from .evaluate import EVENT_KEYS, Evaluation, calibrate_on, evaluate_documents, save_evaluation, score, write_evaluation
from .extract import Extractor
from .inputs import InputError, check_articles, expand, read_articles
from .modeling import model_config
from .schema import Document, json_default, write_atomic


def evaluate_model(model_dir: Path, which: str, output: Path | None, root: Path) -> tuple[Evaluation, Path]:
    """Evaluate a saved model on its held-out documents ('heldout'), the seeds, or all documents."""
    cfg, info = model_config(model_dir)
    docs = corpus.load(root / cfg.data.annotations)
    trained_on = set(info.get("train_documents", []))
    if which == "heldout":
        held = set(info.get("heldout_documents", []))
        selected = [d for d in docs if d.id in held]
        if not selected:
            raise CorpusError(f"{model_dir} was trained on every annotated document (data.holdout=none): "
                              "measure the recipe with `cv`, or evaluate a model trained with data.holdout=seeds")
    elif which == "seeds":
        seeds = corpus.seed_ids(root / cfg.data.seeds)
        selected = [d for d in docs if d.id in seeds]
        if trained_on & seeds:
            raise CorpusError("this model was trained on the seeds; train with data.holdout=seeds to test on them")
    elif which == "all":
        selected = docs
    else:
        raise CorpusError(f"--docs must be heldout, seeds or all, not {which!r}")
    extractor = Extractor.load(model_dir)
    out_dir = Path(output) if output else Path(model_dir) / "evaluation"
    with tracking.run(cfg, "evaluate", run_name=f"evaluate-{cfg.name}-{which}",
                      tags={"annotations_digest": corpus.digest(root / cfg.data.annotations), "documents": which}):
        ev = evaluate_documents(extractor, selected)
        save_evaluation(ev, out_dir)
    return ev, out_dir


def predict_files(inputs: list[str], model_dir: Path, output: Path | None, date: str | None,
                  min_confidence: float | None = None, merge: bool = False,
                  skip_invalid: bool = False, force: bool = False) -> tuple[int, list[str]]:
    """Run the extractor over articles and write JSON Lines: the number of records and the inputs
    left out (with `skip_invalid`; otherwise an invalid input is an error before any work).
    Events below `min_confidence` are dropped; None takes the model's own cut-off (calibration.json).
    The output file appears only when every record is written; an existing file is replaced only
    when it is earlier output of `predict` (or with `force`)."""
    from .merge import merge_reports

    sources = expand(inputs)
    n, problems = check_articles(sources, date)
    if problems and not skip_invalid:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InputError(f"{problems[0]}{more}; nothing was predicted (--skip-invalid leaves such inputs out)")
    if not n:
        raise InputError("no valid article to predict")
    if output is not None:
        _check_output(Path(output), sources, force)
    extractor = Extractor.load(model_dir)
    # Without --skip-invalid an input that turns invalid only now (changed meanwhile) is an error;
    # with it, such an input is reported with the others.
    late: list[str] | None = [] if skip_invalid else None
    articles = read_articles(sources, date, late)
    records = tqdm(extractor.predict(articles, min_confidence=min_confidence),
                   desc="predict", unit="doc", total=n, disable=n < 2, file=sys.stderr)
    if merge:
        records = merge_reports(list(records))
    lines = (json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    written = 0
    if output is None:
        for line in lines:
            sys.stdout.write(line)
            written += 1
        return written, _merged(problems, late)
    output = Path(output)
    # Streamed to a temporary file of its own beside the output (thousands of records never sit in
    # memory; a concurrent run writes its own), renamed over the output once complete.
    tmp = _temporary(output)
    try:
        with tmp.open("w", encoding="utf-8") as f:
            for line in lines:
                try:
                    f.write(line)
                except OSError as exc:
                    raise _cannot_write(output, exc) from exc
                written += 1
        try:
            tmp.replace(output)
        except OSError as exc:
            raise _cannot_write(output, exc) from exc
    finally:
        tmp.unlink(missing_ok=True)
    return written, _merged(problems, late)


def _cannot_write(output: Path, exc: OSError) -> InputError:
    return InputError(f"cannot write {output}: {exc.strerror or exc}")


def _merged(problems: list[str], late: list[str] | None) -> list[str]:
    return problems + [p for p in late or [] if p not in problems]


def _temporary(output: Path) -> Path:
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
    except OSError as exc:
        raise _cannot_write(output, exc) from exc
    os.close(fd)
    return Path(name)


def _check_output(output: Path, sources: list, force: bool = False) -> None:
    """Fail before the model loads if the output cannot be written or would replace an input or a
    file that is not earlier output (an article, an annotation file)."""
    if output.is_dir():
        raise InputError(f"--output {output} is a directory")
    inputs = {p.resolve() for p in sources if isinstance(p, Path)}
    if output.resolve() in inputs:
        raise InputError(f"--output {output} is one of the inputs; it would be overwritten")
    if output.is_file() and not force and not _earlier_output(output):
        raise InputError(f"--output {output} exists and is not earlier predict output; "
                         "pass --force to replace it")
    _temporary(output).unlink()


def _earlier_output(path: Path) -> bool:
    """Empty, or its first line is a record `predict` writes (per document or, merged, per meeting)."""
    try:
        with path.open(encoding="utf-8") as f:
            first = f.readline()
    except (OSError, UnicodeDecodeError):
        return False
    if not first.strip():
        return path.stat().st_size == len(first.encode())
    try:
        rec = json.loads(first)
    except ValueError:
        return False
    return isinstance(rec, dict) and ("doc_id" in rec and "events" in rec or "sources" in rec)


def _split_order(name: str) -> tuple[bool, str]:
    return (name != "real-news", name)  # the real-news test first, then the folds


def _summary(rows: list[dict]) -> dict:
    if not rows:  # e.g. `cv --only real-news` before any fold has run
        return {}
    keys = [k for k in rows[0] if isinstance(rows[0][k], (int, float))]
    return {k: {"mean": statistics.fmean(r[k] for r in rows),
                "std": statistics.stdev(r[k] for r in rows) if len(rows) > 1 else 0.0} for k in keys}


def cross_validate(cfg: Config, root: Path, k: int, only: Sequence[str] = ()) -> dict:
    """k folds over documents and the real-news test, in one parent MLflow run with child runs.
    `only` runs the named splits and keeps the other splits' results from an earlier run."""
    from .train import fit_calibrated

    docs = corpus.load(root / cfg.data.annotations)
    seeds = corpus.seed_ids(root / cfg.data.seeds)
    splits = [(f"fold-{i + 1}", tr, te) for i, (tr, te) in enumerate(corpus.folds(docs, k, cfg.data.split_seed))]
    real_train = [d for d in docs if d.id not in seeds]
    real_test = [d for d in docs if d.id in seeds]
    if real_test:  # first: the figure that says whether the written corpus teaches anything true
        splits.insert(0, ("real-news", real_train, real_test))
    out_dir = root / cfg.output_dir / f"{cfg.name}-cv"
    results: dict[str, dict] = {}
    if only:
        unknown = sorted(set(only) - {name for name, *_ in splits})
        if unknown:
            raise CorpusError(f"unknown split(s) {', '.join(unknown)}; "
                              f"the splits are {', '.join(name for name, *_ in splits)}")
        splits = [s for s in splits if s[0] in only]
        if (out_dir / "summary.json").exists():
            results = json.loads((out_dir / "summary.json").read_text())["per_split"]
    with tracking.run(cfg, "cv", run_name=f"cv-{cfg.name}", tags={"folds": str(k),
                      "annotations_digest": corpus.digest(root / cfg.data.annotations)}):
        for name, train_docs, test_docs in splits:
            with tracking.run(cfg, "cv-fold", run_name=name, nested=True):
                run = fit_calibrated(cfg, train_docs)
                ev = evaluate_documents(run.extractor, test_docs)
                results[name] = {**ev.metrics, "train_seconds": run.result.seconds, "test_documents": len(test_docs),
                                 "calibration_documents": len(run.calibration_docs)}
                save_evaluation(ev, out_dir / name)
                if run.calibration_docs:  # kept so that `rescore` can refit the calibrator
                    write_evaluation(score(run.calibration_docs, run.calibration_candidates),
                                     out_dir / name / "calibration")
        results = dict(sorted(results.items(), key=lambda kv: _split_order(kv[0])))
        folds_only = [row for n, row in results.items() if n.startswith("fold-")]
        summary = {"folds": k, "cv": _summary(folds_only), "real_news": results.get("real-news"),
                   "per_split": results}
        if tracking.active():
            flat = {f"cv_{stat}_{key}": v[stat] for key, v in summary["cv"].items() for stat in ("mean", "std")}
            if summary["real_news"]:
                flat.update({f"realnews_{key}": v for key, v in summary["real_news"].items()})
            tracking.log_metrics(flat)
    summary["table"] = format_cv(summary)
    write_atomic(out_dir / "summary.json", json.dumps(summary, indent=2, default=json_default))
    return summary


def format_cv(summary: dict) -> str:
    keys = ("entity_f1",) + EVENT_KEYS + ("event_ece",)
    lines = [f"{'metric':<24}{'cv mean':>9}{'cv std':>9}{'real-news':>11}"]
    for key in keys:
        cv = summary["cv"].get(key)
        rn = (summary["real_news"] or {}).get(key)
        lines.append(f"{key:<24}{cv['mean'] if cv else float('nan'):>9.3f}{cv['std'] if cv else float('nan'):>9.3f}"
                     f"{rn if rn is not None else float('nan'):>11.3f}")
    return "\n".join(lines)


def rescore(split_dir: Path, annotations: Path) -> Evaluation:
    """Re-assemble and re-score a saved evaluation from its candidates.jsonl, without the model:
    for changes to event assembly. The calibrator is refitted from the saved candidates of the
    split's calibration documents. Span-level (seqeval) figures are kept from the original run."""
    from .evaluate import load_candidates

    split_dir = Path(split_dir)
    docs = {d.id: d for d in corpus.load(annotations)}

    def saved(path: Path) -> tuple[list[Document], list]:
        ids = [json.loads(line)["doc_id"] for line in (path / "predictions.jsonl").read_text().splitlines()]
        missing = [i for i in ids if i not in docs]
        if missing:
            raise CorpusError(f"{path}: documents no longer annotated: {', '.join(missing[:3])}")
        return [docs[i] for i in ids], load_candidates(path / "candidates.jsonl")

    calibrator = None
    if (split_dir / "calibration" / "candidates.jsonl").is_file():
        cal_docs, cal_cands = saved(split_dir / "calibration")
        calibrator = calibrate_on(cal_docs, cal_cands)
        write_evaluation(score(cal_docs, cal_cands), split_dir / "calibration", candidates=False)
    ev = score(*saved(split_dir), calibrator)
    old = json.loads((split_dir / "metrics.json").read_text())
    ev.metrics.update({k: v for k, v in old["metrics"].items() if k.startswith("entity_")})
    ev.per_label = old["per_label"]
    ev.report = (split_dir / "classification_report.txt").read_text()
    return ev


def rescore_cv(cv_dir: Path, annotations: Path) -> dict:
    """Re-score every split of a `cv` output directory and rewrite its summary."""
    cv_dir = Path(cv_dir)
    summary_path = cv_dir / "summary.json"
    summary = json.loads(summary_path.read_text()) if summary_path.exists() else {"per_split": {}}
    # Every split directory counts, also those run separately (`cv --only`) and copied together.
    names = sorted((p.parent.name for p in cv_dir.glob("*/candidates.jsonl")), key=_split_order)
    if not names:
        raise CorpusError(f"{cv_dir}: no split directories with candidates.jsonl")
    summary["folds"] = summary.get("folds") or sum(n.startswith("fold-") for n in names)
    for name in names:
        ev = rescore(cv_dir / name, annotations)
        write_evaluation(ev, cv_dir / name, candidates=False)
        summary["per_split"][name] = {**summary["per_split"].get(name, {}), **ev.metrics}
    folds_only = [r for n, r in summary["per_split"].items() if n.startswith("fold-")]
    summary["cv"] = _summary(folds_only)
    summary["real_news"] = summary["per_split"].get("real-news")
    summary["table"] = format_cv(summary)
    write_atomic(cv_dir / "summary.json", json.dumps(summary, indent=2, default=json_default))
    return summary
