"""The command line: each command parses its arguments and calls one library function."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Extract diplomatic-meeting events from news articles.")

ROOT = Path(__file__).resolve().parent.parent


@app.callback()
def _quiet() -> None:
    """Long texts are windowed on purpose, and a fresh classification head is expected: hide the
    library warnings that say otherwise."""
    import os

    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _stderr(message: str) -> None:
    typer.echo(message, err=True)


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=1)


@app.command()
def validate(
    annotations: Annotated[Path, typer.Option(help="Directory of annotation files.")] = ROOT / "annotations",
    seeds: Annotated[Path, typer.Option(help="Seed articles the annotations must match.")] = ROOT / "seeds",
    require_seeds: Annotated[bool | None, typer.Option(
        "--require-seeds/--no-require-seeds",
        help="Require an annotation file for every seed. Default: only for the project's own annotations/ "
             "directory; another one (a second pass, an annotator's batch) may hold any subset. A file "
             "whose id is a seed's must match the seed text either way.")] = None,
) -> None:
    """Check every annotation file; exit non-zero when any is invalid."""
    from .validate import validate_dir

    if not annotations.is_dir():
        _fail(f"no such directory: {annotations}")
    if not seeds.is_dir():
        _fail(f"no such seeds directory: {seeds}")
    if require_seeds is None:
        require_seeds = annotations.resolve() == (ROOT / "annotations").resolve()
    n, errors = validate_dir(annotations, seeds, every_seed=require_seeds)
    if not n:  # a mistyped directory must not pass
        _fail(f"no annotation files (*.json) in {annotations}")
    for e in errors:
        typer.echo(e, err=True)
    if errors:
        _fail(f"{len(errors)} error(s) in {n} file(s)")
    typer.echo(f"{n} annotation file(s) valid")


@app.command("import-markup")
def import_markup(
    files: Annotated[list[Path], typer.Argument(help="Markup files (see annotations/README.md).")],
    out: Annotated[Path, typer.Option(help="Directory to write annotation JSON to.")] = ROOT / "annotations",
    seeds: Annotated[Path, typer.Option(help="Seed articles; a markup file whose id is a seed must reproduce it.")]
    = ROOT / "seeds",
    force: Annotated[bool, typer.Option("--force", help="Replace existing annotation files.")] = False,
) -> None:
    """Convert hand-written inline markup into standoff annotation files.

    Every file is converted and checked before any is written: a batch is imported whole or not at all."""
    from .markup import convert_files
    from .schema import save_document

    if out.exists() and not out.is_dir():
        _fail(f"--out {out} is not a directory")
    for f in files:
        if f.is_dir():  # markup files have no suffix of their own: the shell's glob picks them
            _fail(f"{f} is a directory; name its markup files, e.g. {f}/*.txt")
        if not f.is_file():
            _fail(f"no such file: {f}")
    done, errors = convert_files(files, out, seeds if seeds.is_dir() else None, force)
    if len(files) == 1 and errors:
        _fail(errors[0])
    for e in errors:
        typer.echo(f"error: {e}", err=True)
    if errors:
        _fail(f"{len(errors)} of {len(files)} file(s) have errors; nothing was written")
    for f, doc, target in done:
        save_document(doc, target)
        typer.echo(f"{f} -> {target} ({len(doc.spans)} span(s), {len(doc.events)} event(s))")


Overrides = Annotated[list[str] | None, typer.Option("--set", help="Dotted override, e.g. train.epochs=3.")]
ConfigPath = Annotated[Path, typer.Option("--config", help="YAML config of the run.")]


def _config(path: Path, overrides: list[str] | None):
    from .config import ConfigError, load_config

    try:
        return load_config(path, overrides or [])
    except ConfigError as exc:
        _fail(str(exc))


def _guard(fn, *args, **kwargs):
    """Run a library call; turn the errors a user can cause into one line and exit 1."""
    from .config import ConfigError
    from .corpus import CorpusError
    from .cv import CVError
    from .inputs import InputError
    from .modeling import ModelError

    try:
        return fn(*args, **kwargs)
    except (ConfigError, CorpusError, CVError, InputError, ModelError, FileNotFoundError) as exc:
        _fail(str(exc))


class Terminated(KeyboardInterrupt):
    """SIGTERM (docker stop, a scheduler's kill), raised like Ctrl-C so that the MLflow run ends
    as KILLED and no half-written model stays."""


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    def handler(signum: int, frame: object) -> None:
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _interruptible(state: str) -> Iterator[None]:
    """SIGTERM ends the command like Ctrl-C: its temporary files are removed, nothing half-written
    stays, and the exit code says which signal (130, 143)."""
    try:
        with _sigterm_as_interrupt():
            yield
    except KeyboardInterrupt as exc:
        typer.echo(f"interrupted; {state}", err=True)
        raise typer.Exit(code=143 if isinstance(exc, Terminated) else 130) from None


def _model_stamp(target: Path) -> int | None:
    """Identifies the model at `target` (training.json is rewritten by every save)."""
    try:
        return (target / "training.json").stat().st_ino
    except OSError:
        return None


@app.command()
def train(config: ConfigPath = ROOT / "configs/default.yaml", overrides: Overrides = None) -> None:
    """Fine-tune the extractor; write models/<config name>/ and log an MLflow run."""
    from .train import preflight
    from .train import train as run_train

    cfg = _config(config, overrides)
    target = _guard(preflight, cfg, ROOT)  # before the data is read: output directory, device, base model
    _check_annotations(ROOT / cfg.data.annotations, ROOT / cfg.data.seeds)
    before = _model_stamp(target)
    try:
        with _sigterm_as_interrupt():
            out = _guard(run_train, cfg, ROOT)
    except KeyboardInterrupt as exc:
        after = _model_stamp(target)
        state = (f"{target} unchanged" if before is not None and after == before else
                 f"no model written to {target}" if after is None else
                 f"the new model was already saved to {target}")
        typer.echo(f"interrupted; {state}", err=True)
        raise typer.Exit(code=143 if isinstance(exc, Terminated) else 130) from None
    typer.echo(f"trained on {out['train_documents']} documents in {out['train_seconds']:.0f}s -> {out['model_dir']}")
    if out["metrics"]:
        from .evaluate import EVENT_KEYS, format_figure

        typer.echo("held-out: " + "  ".join(f"{k}={format_figure(out['metrics'][k], 0)}"
                                           for k in ("entity_f1",) + EVENT_KEYS))


def _check_annotations(annotations: Path, seeds: Path, every_seed: bool = True) -> None:
    """Stop with the first invalid file named unless `annotations` passes `validate`."""
    from .validate import require_valid

    if not annotations.is_dir():
        _fail(f"no annotation directory {annotations}")
    if every_seed and not any(seeds.glob("*.txt")):  # the real-news split and test need them
        _fail(f"no seed articles (*.txt) in {seeds}" + ("" if seeds.is_dir() else ": no such directory"))
    _guard(require_valid, annotations, seeds if seeds.is_dir() else None, every_seed)


@app.command()
def evaluate(
    model: Annotated[Path, typer.Option(help="Trained model directory.")] = ROOT / "models/default",
    docs: Annotated[str, typer.Option(help="'heldout' (the model's held-out documents), 'seeds', or 'all' "
                                           "(training documents included: not a held-out figure).")]
    = "heldout",
    output: Annotated[Path | None, typer.Option(
        help="Directory for metrics.json and reports. Default: <model>/evaluation/ for the held-out documents "
             "(where train wrote them), else <model>/evaluation-<docs>/.")] = None,
    annotations: Annotated[Path | None, typer.Option(
        help="Directory of annotation files to score on (a new batch: --docs all). Default: the one the "
             "model was trained from.")] = None,
) -> None:
    """Score a trained model on annotated documents (by default those it did not train on)."""
    from .evaluate import format_table
    from .runs import evaluate_model

    if annotations is not None and not annotations.is_dir():
        _fail(f"no annotation directory {annotations}")
    ev, out_dir, seen = _guard(evaluate_model, model, docs, output, ROOT, annotations)
    typer.echo(ev.report)
    typer.echo(format_table(ev.metrics, {}))
    if seen:
        typer.echo(f"note: the model trained or calibrated on {len(seen)} of these {len(ev.predictions)} documents: "
                   "these figures are not held-out (metrics.json lists them as seen_in_training)", err=True)
    typer.echo(f"wrote {out_dir}/metrics.json")


@app.command()
def predict(
    inputs: Annotated[list[str], typer.Argument(help=".txt files, directories, .jsonl files or - for stdin.")],
    model: Annotated[Path, typer.Option(help="Trained model directory.")] = ROOT / "models/default",
    output: Annotated[Path | None, typer.Option(help="Write JSON Lines here instead of stdout.")] = None,
    date: Annotated[str | None, typer.Option(help="Article date YYYY-MM-DD for documents without one.")] = None,
    min_confidence: Annotated[float | None, typer.Option(
        help="Drop events below this confidence. Default: the model's cut-off, chosen for event F1 on its "
             "calibration documents (calibration.json); 0 keeps every event.")] = None,
    merge: Annotated[bool, typer.Option("--merge", help="Group reports of the same meeting across articles.")]
    = False,
    skip_invalid: Annotated[bool, typer.Option(
        "--skip-invalid", help="Leave out invalid inputs (empty, not UTF-8, a date that is no calendar day, "
                               "a broken JSONL line, an id met before), each reported, instead of stopping "
                               "before any work.")] = False,
    force: Annotated[bool, typer.Option(
        "--force", help="Replace an existing --output file even if it is not earlier predict output.")] = False,
) -> None:
    """Extract meeting events from articles; one JSON object per document (or per meeting with --merge)."""
    from .runs import predict_files

    _check_date_and_cut(date, min_confidence)
    with _interruptible(f"{output} not written" if output and str(output) != "-" else "output incomplete"):
        n, skipped = _guard(predict_files, inputs, model, output, date, min_confidence, merge, skip_invalid, force)
    for problem in skipped:
        typer.echo(f"skipped: {problem}", err=True)
    typer.echo(f"{n} record(s) written" + (f" to {output}" if output and str(output) != "-" else "")
               + (f"; {len(skipped)} input(s) skipped" if skipped else ""), err=True)


def _check_date_and_cut(date: str | None, min_confidence: float | None) -> None:
    """The options `predict` and `draft` share, checked before any input is read."""
    from .schema import iso_day

    if date is not None and not iso_day(date):
        _fail(f"--date {date!r} is not a YYYY-MM-DD calendar day")
    if min_confidence is not None and not 0.0 <= min_confidence <= 1.0:
        _fail("--min-confidence must be between 0 and 1")


@app.command()
def draft(
    inputs: Annotated[list[str], typer.Argument(help=".txt files, directories, .jsonl files or - for stdin.")],
    out: Annotated[Path, typer.Option(help="Directory to write one markup draft per article to.")],
    model: Annotated[Path, typer.Option(help="Trained model directory.")] = ROOT / "models/default",
    date: Annotated[str | None, typer.Option(help="Article date YYYY-MM-DD for documents without one.")] = None,
    min_confidence: Annotated[float | None, typer.Option(
        help="Leave out events below this confidence (default: the model's cut-off; 0 drafts every event).")]
    = None,
    force: Annotated[bool, typer.Option("--force", help="Replace existing drafts.")] = False,
) -> None:
    """Pre-annotate articles: the model's events as markup drafts to correct and then import-markup."""
    from .drafts import write_drafts

    _check_date_and_cut(date, min_confidence)
    with _interruptible(f"the drafts already in {out} are complete"):
        written = _guard(write_drafts, inputs, model, out, date, min_confidence, force)
    # Least confident first: the drafts that most need a careful eye, and teach the model most.
    for path, n, low in sorted(written, key=lambda w: (w[2] is not None, w[2] or 0.0)):
        typer.echo(f"{path}: {n} event(s)" + (f", lowest confidence {low:.2f}" if low is not None else ""))
    typer.echo(f"{len(written)} draft(s) written; correct them, then: python -m pipeline import-markup "
               f"{out}/*.txt", err=True)


@app.command()
def cv(config: ConfigPath = ROOT / "configs/default.yaml", overrides: Overrides = None,
       folds: Annotated[int, typer.Option(help="Number of folds over documents.")] = 5,
       only: Annotated[list[str] | None, typer.Option(
           "--only", help="Run just this split (real-news, fold-1, ...); repeatable. Other splits' "
                          "results are kept from earlier runs; those of another config or --folds are "
                          "left out of the summary, with a warning.")] = None) -> None:
    """k-fold cross-validation over documents, plus the real-news test; one MLflow run per split.

    The real-news test trains without the seeds and tests on them; the splits' runs are nested under one parent run."""
    from .cv import cross_validate
    from .modeling import check_base_model, pick_device

    cfg = _config(config, overrides)
    # Before the data is read and an MLflow run opened, as for `train`.
    _guard(pick_device, cfg.train.device)
    _guard(check_base_model, cfg.model.base_model)
    _check_annotations(ROOT / cfg.data.annotations, ROOT / cfg.data.seeds)
    try:
        with _sigterm_as_interrupt():
            summary = _guard(cross_validate, cfg, ROOT, folds, only or (), _stderr)
    except KeyboardInterrupt as exc:
        typer.echo(f"interrupted; the splits that finished are in {ROOT / cfg.output_dir / (cfg.name + '-cv')}",
                   err=True)
        raise typer.Exit(code=143 if isinstance(exc, Terminated) else 130) from None
    typer.echo(summary["table"])


@app.command()
def stats(annotations: Annotated[Path, typer.Option(help="Directory of annotation files.")]
          = ROOT / "annotations",
          seeds: Annotated[Path, typer.Option(help="Seed articles: the documents with these ids are counted "
                                                   "as seed_documents.")] = ROOT / "seeds") -> None:
    """Corpus counts: documents, events by status, spans by label, tokens."""
    import json

    from .corpus import load, seed_ids
    from .corpus import stats as corpus_stats
    from .modeling import base_tokenizer

    if not seeds.is_dir():
        _fail(f"no such seeds directory: {seeds}")
    docs = _guard(load, annotations)
    tokenizer = _guard(base_tokenizer)
    typer.echo(json.dumps(corpus_stats(docs, seed_ids(seeds), tokenizer), indent=2))


@app.command("agreement")
def agreement_cmd(
    first: Annotated[Path, typer.Argument(help="Directory of the first annotator's files.")],
    second: Annotated[Path, typer.Argument(help="Directory of the second annotator's files (same ids).")],
) -> None:
    """Inter-annotator agreement: span F1 and event-level agreement of two annotation sets.

    Span F1 is exact and overlapping; only documents in both sets count; a figure with nothing to compare is null."""
    import json

    from .agreement import agreement, unpaired
    from .corpus import load

    for directory in (first, second):  # checked like train's, so a broken file is named, not a traceback
        _check_annotations(directory, ROOT / "seeds", every_seed=False)
    a, b = _guard(load, first), _guard(load, second)
    result = _guard(agreement, a, b)
    for directory, ids in zip((first, second), unpaired(a, b)):
        if ids:
            more = f" and {len(ids) - 10} more" if len(ids) > 10 else ""
            typer.echo(f"warning: {len(ids)} document(s) only in {directory}, not scored: "
                       f"{', '.join(ids[:10])}{more}", err=True)
    typer.echo(json.dumps(result, indent=2))


@app.command()
def rescore(cv_dir: Annotated[Path, typer.Argument(help="Output directory of `cv` (models/<name>-cv).")],
            annotations: Annotated[Path | None, typer.Option(
                help="Directory of annotation files. Default: the one each split ran with (recorded in "
                     "its split.json), else annotations/.")] = None) -> None:
    """Re-assemble events from a cv run's saved candidates and re-score it, without retraining."""
    from .cv import rescore_cv

    if not cv_dir.is_dir():
        _fail(f"{cv_dir} is not a directory")
    typer.echo(_guard(rescore_cv, cv_dir, annotations, ROOT / "annotations", _stderr)["table"])
