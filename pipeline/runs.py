"""The evaluate and predict jobs behind the CLI: plain functions that raise on user errors
(`cv` and `rescore` are in cv.py)."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from tqdm.auto import tqdm

from . import corpus, tracking
from .corpus import CorpusError
from .evaluate import HELDOUT_TITLE, Evaluation, evaluate_documents, save_evaluation
from .extract import Extractor
from .inputs import InputError, check_articles, expand, read_articles, resolved
from .modeling import model_config
from .schema import replacing

TITLES = {"seeds": "Reliability on the seed documents",
          "all": "Reliability on all documents (training documents included)"}


def evaluate_model(model_dir: Path, which: str, output: Path | None, root: Path,
                   annotations: Path | None = None) -> tuple[Evaluation, Path, list[str]]:
    """Evaluate a saved model on its held-out documents ('heldout'), the seeds, or all documents of
    `annotations` (default: the directory it was trained from, data.annotations).
    Written to `output`, else to <model>/evaluation/ when the documents are the held-out ones
    train evaluated there, else to <model>/evaluation-<which>/, which never replaces them.
    Also returns the ids of the scored documents the model saw in training (`all`, or a batch
    that overlaps its corpus): figures over them are not held-out ones."""
    model_dir = Path(model_dir)
    if output is not None:
        _check_output_dir(Path(output))
    cfg, info = model_config(model_dir)
    annotations = Path(annotations) if annotations is not None else root / cfg.data.annotations
    docs = corpus.load(annotations)
    trained_on = set(info.get("train_documents", []))
    held = set(info.get("heldout_documents", []))
    if which == "heldout":
        selected = [d for d in docs if d.id in held]
        if not held:
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
    if not selected:  # seeds: none annotated in data.annotations, or no seed files in data.seeds
        raise CorpusError(f"no annotated document in {annotations} is "
                          + ("held out" if which == "heldout" else f"one of the seeds in {root / cfg.data.seeds}"))
    ids = [d.id for d in selected]
    # The figures train wrote: the same documents, from the annotations it trained on.
    is_heldout = bool(held) and set(ids) == held and resolved(annotations) == resolved(root / cfg.data.annotations)
    out_dir = Path(output) if output else model_dir / ("evaluation" if is_heldout else f"evaluation-{which}")
    extractor = Extractor.load(model_dir)
    # Documents the model trained on or calibrated on: figures over them are not held-out ones.
    seen = sorted(set(ids) & (trained_on | set(info.get("calibration_documents", []))))
    about = {"model": str(model_dir.resolve()), "annotations": str(annotations.resolve()), "documents": which,
             "document_ids": ids, "seen_in_training": seen}
    tags = {"annotations_digest": corpus.digest(annotations), "documents": which,
            "model_dir": str(model_dir.resolve())}
    if info.get("mlflow_run_id"):  # the train run that logged this model as `extractor`
        tags.update(model_run_id=info["mlflow_run_id"], model_uri=f"runs:/{info['mlflow_run_id']}/extractor")
    with tracking.run(cfg, "evaluate", run_name=f"evaluate-{cfg.name}-{which}", tags=tags):
        ev = evaluate_documents(extractor, selected)
        save_evaluation(ev, out_dir, about, HELDOUT_TITLE if is_heldout else TITLES.get(which, HELDOUT_TITLE))
    return ev, out_dir, seen


def _check_output_dir(out_dir: Path) -> None:
    """Fail before the model loads if `out_dir` cannot be a directory."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"--output {out_dir} exists and is not a directory")
    parent = out_dir.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK):
        raise InputError(f"--output {out_dir} cannot be created ({parent} is not a writable directory)")


def predict_files(inputs: list[str], model_dir: Path, output: Path | None, date: str | None,
                  min_confidence: float | None = None, merge: bool = False,
                  skip_invalid: bool = False, force: bool = False) -> tuple[int, list[str]]:
    """Run the extractor over articles and write JSON Lines: the number of records and the inputs
    left out (with `skip_invalid`; otherwise an invalid input is an error before any work).
    Events below `min_confidence` are dropped; None takes the model's own cut-off (calibration.json).
    The output file appears only when every record is written; an existing file is replaced only
    when it is earlier output of `predict` (or with `force`)."""
    from .merge import merge_reports

    if output is not None and str(output) == "-":
        output = None
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
    if _special(output):  # /dev/null, a named pipe, /dev/stdout: written as they are, never replaced
        try:  # appended: /dev/stdout may be a file the shell opened with >>
            with output.open("a", encoding="utf-8") as f:
                for line in lines:
                    f.write(line)
                    written += 1
        except OSError as exc:
            raise _cannot_write(output, exc) from exc
        return written, _merged(problems, late)
    # A link is kept and its target replaced. Streamed to a file that replaces the target once
    # complete: thousands of records never sit in memory, and a failed run leaves no partial file.
    target = output.resolve() if output.is_symlink() else output
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with replacing(target) as f:
            for line in lines:
                f.write(line)
                written += 1
    except OSError as exc:
        raise _cannot_write(output, exc) from exc
    return written, _merged(problems, late)


def _special(path: Path) -> bool:
    """Something that exists and is neither a file nor a directory, links followed, or a path
    under /dev or /proc (/dev/stdout leads to whatever the shell redirected it to)."""
    return path.exists() and (not path.is_file() and not path.is_dir()
                              or path.absolute().parts[1:2] in (("dev",), ("proc",)))


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
    inputs = {resolved(p) for p in sources if isinstance(p, Path)}
    if resolved(output) in inputs:
        raise InputError(f"--output {output} is one of the inputs; it would be overwritten")
    if _special(output):
        return
    if output.is_file() and not force and not _earlier_output(output):
        raise InputError(f"--output {output} exists and is not earlier predict output; "
                         "pass --force to replace it")
    _temporary(output.resolve() if output.is_symlink() else output).unlink()


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
