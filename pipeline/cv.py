"""Cross-validation (`cv`) and the re-scoring of its saved candidates (`rescore`).

A cv output directory holds one directory per split (real-news, fold-1, ...) and summary.json.
Each split records in split.json the config (and its hash), the fold count and the annotations it
ran with; the summary averages only the splits that ran with the same ones, so that `cv --only`
never mixes recipes or fold partitions. Several `cv --only` runs may write one directory side by
side: the summary is merged under a file lock each time a split ends.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import shutil
import statistics
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from . import corpus, tracking
from .config import Config
from .corpus import CorpusError
from .evaluate import (
    EVENT_KEYS,
    Evaluation,
    calibrate_on,
    candidates_of,
    evaluate_documents,
    format_figure,
    log_evaluation,
    score,
    write_evaluation,
)
from .schema import Document, JSONFileError, json_default, read_json_object, swap_dir, write_atomic

SUMMARY = "summary.json"
SPLIT_INFO = "split.json"


class CVError(ValueError):
    """A cv output directory that is damaged, incomplete or not a cv output at all."""


def _silent(message: str) -> None:
    pass


def config_hash(cfg: Config) -> str:
    """The recipe a split's result depends on: the config without its name, output directory
    and tracking settings."""
    recipe = cfg.model_dump(exclude={"name", "output_dir", "tracking"})
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:12]


def _split_order(name: str) -> tuple[bool, str]:
    return (name != "real-news", name)  # the real-news test first, then the folds


def _summary(rows: list[dict]) -> dict:
    if not rows:  # e.g. `cv --only real-news` before any fold has run
        return {}
    # Each key over the rows that have it: per-label scores exist only for labels a fold holds,
    # and a split copied in and re-scored has no training figures.
    out = {}
    for k in sorted({k for r in rows for k, v in r.items() if isinstance(v, (int, float))}):
        values = [r[k] for r in rows if isinstance(r.get(k), (int, float))]
        out[k] = {"mean": statistics.fmean(values), "std": statistics.stdev(values) if len(values) > 1 else None,
                  "n": len(values)}
    return out


def _read_json(path: Path) -> dict:
    if not path.is_file():
        raise CVError(f"{path.parent} is incomplete (no {path.name})")
    try:
        return read_json_object(path)
    except JSONFileError as exc:
        raise CVError(str(exc)) from exc


def _read_lines(path: Path) -> list:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise CVError(f"{path.parent} is incomplete (no {path.name})") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise CVError(f"{path} cannot be read ({exc})") from exc
    rows = []
    for n, line in enumerate(lines, 1):
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise CVError(f"{path} is damaged (line {n})") from exc
    return rows


def read_summary(cv_dir: Path) -> dict:
    summary = _read_json(cv_dir / SUMMARY)
    if not isinstance(summary.get("per_split"), dict):
        raise CVError(f"{cv_dir / SUMMARY} is damaged (no per_split)")
    return summary


@contextlib.contextmanager
def _locked(cv_dir: Path) -> Iterator[None]:
    """Held while summary.json is read and rewritten: concurrent `cv --only` runs and `rescore`
    take turns, so none puts back a result another has just replaced."""
    cv_dir.mkdir(parents=True, exist_ok=True)
    with open(cv_dir / ".summary.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        yield


def _matches(name: str, info: dict, ref: dict) -> bool:
    if ref.get("config_hash") is None:  # a summary of an earlier version: nothing to compare
        return True
    return (info.get("config_hash") == ref["config_hash"]
            and info.get("annotations_digest") == ref.get("annotations_digest")
            and (not name.startswith("fold-") or info.get("folds") == ref.get("folds")))


def assemble(per_split: dict, splits: dict, ref: dict) -> dict:
    """The summary of the splits that ran with the reference's config, annotations and (for
    folds) fold count; the others stay listed, with their config, under `excluded`."""
    per_split = dict(sorted(per_split.items(), key=lambda kv: _split_order(kv[0])))
    excluded = [n for n in per_split if not _matches(n, splits.get(n, {}), ref)]
    folds_only = [row for n, row in per_split.items() if n.startswith("fold-") and n not in excluded]
    summary = {"folds": ref.get("folds"), "config_hash": ref.get("config_hash"),
               "annotations": ref.get("annotations"), "annotations_digest": ref.get("annotations_digest"),
               "cv": _summary(folds_only),
               "real_news": per_split.get("real-news") if "real-news" not in excluded else None,
               "excluded": excluded, "per_split": per_split, "splits": splits}
    summary["table"] = format_cv(summary)
    return summary


def _excluded_warning(summary: dict, cv_dir: Path, report: Callable[[str], None]) -> None:
    if summary["excluded"]:
        report(f"warning: {cv_dir}: {', '.join(summary['excluded'])} ran with another config, --folds or annotations "
              "(see split.json); left out of the summary (re-run them with --only)")


def _merge(cv_dir: Path, rows: dict, splits: dict, ref: dict, fresh: bool) -> dict:
    """Merge split results into summary.json as it is now on disk; the caller holds the lock."""
    prior = read_summary(cv_dir) if not fresh and (cv_dir / SUMMARY).exists() else {}
    summary = assemble({**prior.get("per_split", {}), **rows}, {**prior.get("splits", {}), **splits}, ref)
    write_atomic(cv_dir / SUMMARY, json.dumps(summary, indent=2, default=json_default))
    return summary


def _write_split(split_dir: Path, ev: Evaluation, calibration: Evaluation | None,
                 info: dict) -> tuple[Path, dict[str, str]]:
    """Write a split into a directory of its own beside the old one (two runs of one split never
    share it), to be swapped in whole: nothing of an earlier run (its calibration/, a reliability
    plot) survives to be mixed with the new results. Returns it and the evaluation's file names."""
    split_dir.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(dir=split_dir.parent, prefix=f".{split_dir.name}.", suffix=".partial"))
    try:
        names = {k: p.name for k, p in write_evaluation(ev, partial).items()}
        if calibration is not None:  # kept so that `rescore` can refit the calibrator
            write_evaluation(calibration, partial / "calibration")
        write_atomic(partial / SPLIT_INFO, json.dumps(info, indent=2, default=json_default))
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return partial, names


def cross_validate(cfg: Config, root: Path, k: int, only: Sequence[str] = (),
                   report: Callable[[str], None] = _silent) -> dict:
    """k folds over documents and the real-news test, in one parent MLflow run with child runs.
    `only` runs the named splits and keeps the other splits' results from an earlier run.
    `report` receives progress lines and warnings (the CLI prints them on stderr)."""
    from .train import fit_calibrated

    annotations = root / cfg.data.annotations
    docs = corpus.load(annotations)
    seeds = corpus.seed_ids(root / cfg.data.seeds)
    splits = [(f"fold-{i + 1}", tr, te) for i, (tr, te) in enumerate(corpus.folds(docs, k, cfg.data.split_seed))]
    real_train = [d for d in docs if d.id not in seeds]
    real_test = [d for d in docs if d.id in seeds]
    if real_test:  # first: the figure that says whether the written corpus teaches anything true
        splits.insert(0, ("real-news", real_train, real_test))
    out_dir = root / cfg.output_dir / f"{cfg.name}-cv"
    if out_dir.exists() and not out_dir.is_dir():
        raise CVError(f"{out_dir} is not a directory")
    digest = corpus.digest(annotations)
    ref = {"config_hash": config_hash(cfg), "folds": k, "annotations": str(annotations.resolve()),
           "annotations_digest": digest}
    if only:
        unknown = sorted(set(only) - {name for name, *_ in splits})
        if unknown:
            raise CorpusError(f"unknown split(s) {', '.join(unknown)}; "
                              f"the splits are {', '.join(name for name, *_ in splits)}")
        splits = [s for s in splits if s[0] in only]
        if (out_dir / SUMMARY).exists():  # read now, so that a damaged summary stops the run before training
            prior = read_summary(out_dir)
            kept = assemble({n: r for n, r in prior["per_split"].items() if n not in only},
                            prior.get("splits", {}), ref)
            _excluded_warning(kept, out_dir, report)
    summary: dict = {}
    with tracking.run(cfg, "cv", run_name=f"cv-{cfg.name}", tags={"folds": str(k), "annotations_digest": digest}):
        for i, (name, train_docs, test_docs) in enumerate(splits, 1):
            report(f"split {i}/{len(splits)}: {name}")
            with tracking.run(cfg, "cv-fold", run_name=name, nested=True):
                run = fit_calibrated(cfg, train_docs)
                ev = evaluate_documents(run.extractor, test_docs)
                row = {**ev.metrics, "train_seconds": run.result.seconds, "test_documents": len(test_docs),
                       "calibration_documents": len(run.calibration_docs)}
                info = {**ref, "folds": k if name.startswith("fold-") else None, "config": cfg.model_dump()}
                calibration = (score(run.calibration_docs, run.calibration_candidates)
                               if run.calibration_docs else None)
                partial, files = _write_split(out_dir / name, ev, calibration, info)
                del info["config"]  # the summary keeps the hash; split.json the whole config
                # Swap and merge under the lock, so a concurrent `rescore` never writes its
                # re-scoring of the old split into the new one. A full run starts the summary
                # afresh; `--only` merges into the one on disk.
                with _locked(out_dir):
                    swap_dir(partial, out_dir / name)
                    summary = _merge(out_dir, {name: row}, {name: info}, ref, fresh=not only and i == 1)
                log_evaluation(ev, {k: out_dir / name / f for k, f in files.items()})
        if tracking.active():
            flat = {f"cv_{stat}_{key}": v[stat] for key, v in summary["cv"].items() for stat in ("mean", "std")}
            if summary["real_news"]:
                flat.update({f"realnews_{key}": v for key, v in summary["real_news"].items()})
            tracking.log_metrics(flat)
    _excluded_warning(summary, out_dir, report)
    return summary


def format_cv(summary: dict) -> str:
    keys = ("entity_f1",) + EVENT_KEYS + ("event_ece",)
    lines = [f"{'metric':<24}{'cv mean':>9}{'cv std':>9}{'real-news':>11}"]
    for key in keys:
        cv = summary["cv"].get(key)
        rn = (summary["real_news"] or {}).get(key)
        mean, std = (cv["mean"], cv["std"]) if cv else (None, None)
        lines.append(f"{key:<24}{format_figure(mean, 9)}{format_figure(std, 9)}{format_figure(rn, 11)}")
    return "\n".join(lines)


def _saved(path: Path, label: str, docs: dict[str, Document], annotations: Path) -> tuple[list[Document], list]:
    """The documents and candidates of a saved evaluation, checked to belong together."""
    ids = [row.get("doc_id") if isinstance(row, dict) else None for row in _read_lines(path / "predictions.jsonl")]
    if None in ids:
        raise CVError(f"{path / 'predictions.jsonl'} is damaged (line {ids.index(None) + 1}: no doc_id)")
    rows = _read_lines(path / "candidates.jsonl")
    if len(rows) != len(ids):  # a short file would silently drop documents from the scores
        raise CVError(f"split {label}: candidates.jsonl has {len(rows)} line(s) but predictions.jsonl "
                      f"{len(ids)} document(s); the split is incomplete, nothing was rescored")
    missing = [i for i in ids if i not in docs]
    if missing:
        raise CVError(f"split {label}: documents not found in {annotations}: {', '.join(missing[:3])}; "
                      "pass --annotations")
    cands = []
    for n, row in enumerate(rows, 1):
        try:
            cands.append(candidates_of(row))
        except (TypeError, KeyError, AttributeError) as exc:
            raise CVError(f"{path / 'candidates.jsonl'} is damaged (line {n})") from exc
    return [docs[i] for i in ids], cands


def rescore(split_dir: Path, docs: dict[str, Document], annotations: Path) -> tuple[Evaluation, Evaluation | None]:
    """Re-assemble and re-score a saved split from its candidates.jsonl, without the model: for
    changes to event assembly. The calibrator is refitted from the saved candidates of the
    split's calibration documents. Span-level (seqeval) figures are kept from the original run.
    Nothing is written: the split and (if any) its calibration evaluation are returned."""
    split_dir = Path(split_dir)
    calibrator, cal_ev = None, None
    if (split_dir / "calibration" / "candidates.jsonl").is_file():
        cal_docs, cal_cands = _saved(split_dir / "calibration", f"{split_dir.name}/calibration", docs, annotations)
        calibrator = calibrate_on(cal_docs, cal_cands)
        cal_ev = score(cal_docs, cal_cands)
    ev = score(*_saved(split_dir, split_dir.name, docs, annotations), calibrator)
    old = _read_json(split_dir / "metrics.json")
    if not isinstance(old.get("metrics"), dict) or not isinstance(old.get("per_label"), dict):
        raise CVError(f"{split_dir / 'metrics.json'} is damaged (no metrics or per_label)")
    ev.metrics.update({k: v for k, v in old["metrics"].items() if k.startswith("entity_")})
    ev.per_label = old["per_label"]
    try:
        ev.report = (split_dir / "classification_report.txt").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CVError(f"{split_dir} is incomplete (no readable classification_report.txt)") from exc
    return ev, cal_ev


def rescore_cv(cv_dir: Path, annotations: Path | None = None, default_annotations: Path | None = None,
               report: Callable[[str], None] = _silent) -> dict:
    """Re-score every split of a `cv` output directory and rewrite its summary. Each split is read
    against `annotations`, else the annotation directory it ran with (split.json, summary.json),
    else `default_annotations`. Every split is read and re-scored before anything is written."""
    cv_dir = Path(cv_dir)
    if (cv_dir / "pipeline_config.json").is_file():
        raise CVError(f"{cv_dir} is a model directory, not a `cv` output (models/<name>-cv)")
    if not (cv_dir / SUMMARY).is_file():
        raise CVError(f"{cv_dir} is not a `cv` output (no {SUMMARY})")
    with _locked(cv_dir):
        summary = read_summary(cv_dir)
        # Every split directory counts, also those run separately (`cv --only`) and copied together.
        names = sorted((p.parent.name for p in cv_dir.glob("*/candidates.jsonl")
                        if not p.parent.name.startswith(".")), key=_split_order)
        if not names:
            raise CVError(f"{cv_dir}: no split directories with candidates.jsonl")
        loaded: dict[Path, dict[str, Document]] = {}
        done, splits = {}, dict(summary.get("splits", {}))
        for name in names:
            if (cv_dir / name / SPLIT_INFO).is_file():
                splits[name] = {k: v for k, v in _read_json(cv_dir / name / SPLIT_INFO).items() if k != "config"}
            recorded = splits.get(name, {}).get("annotations") or summary.get("annotations")
            ann = Path(annotations or recorded or default_annotations or "annotations")
            if ann not in loaded:
                if not ann.is_dir():
                    raise CVError(f"split {name} ran on {ann}, which is no directory now; pass --annotations")
                loaded[ann] = {d.id: d for d in corpus.load(ann)}
            done[name] = rescore(cv_dir / name, loaded[ann], ann)
        for name, (ev, cal_ev) in done.items():
            if cal_ev is not None:
                write_evaluation(cal_ev, cv_dir / name / "calibration", candidates=False)
            write_evaluation(ev, cv_dir / name, candidates=False)
        per_split = dict(summary["per_split"])
        for name, (ev, _) in done.items():
            per_split[name] = {**per_split.get(name, {}), **ev.metrics}
        ref = {key: summary.get(key) for key in ("config_hash", "folds", "annotations", "annotations_digest")}
        if ref["folds"] is None and ref["config_hash"] is None:  # a summary of an earlier version
            ref["folds"] = sum(n.startswith("fold-") for n in per_split)
        result = assemble(per_split, splits, ref)
        write_atomic(cv_dir / SUMMARY, json.dumps(result, indent=2, default=json_default))
    _excluded_warning(result, cv_dir, report)
    return result
