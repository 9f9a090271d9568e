"""`cv` and `rescore` bookkeeping, with the model's training and evaluation faked (no model needed):
which splits a summary averages, side-by-side `--only` runs, stale outputs, damaged directories."""

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.config import load_config
from pipeline.cv import CVError, cross_validate, rescore_cv
from pipeline.evaluate import format_table, score, write_evaluation

SEEDS = ["001_9f3ea27a63f6ddfc", "003_061ffb02e5cf6f54"]
WRITTEN = ["w1_01", "w1_02", "w1_03", "w1_04"]
runner = CliRunner()


@pytest.fixture()
def work(tmp_path, root) -> Path:
    """A project root with 2 seeds and 4 written articles under ids the repository lacks."""
    (tmp_path / "annotations").mkdir()
    (tmp_path / "seeds").mkdir()
    for s in SEEDS:
        shutil.copy(root / "annotations" / f"{s}.json", tmp_path / "annotations")
        shutil.copy(root / "seeds" / f"{s}.txt", tmp_path / "seeds")
    written = sorted(p for p in (root / "annotations").glob("w*.json"))[:4]
    for name, path in zip(WRITTEN, written):
        doc = json.loads(path.read_text())
        doc["id"] = f"zz_{name}"
        (tmp_path / "annotations" / f"{doc['id']}.json").write_text(json.dumps(doc))
    return tmp_path


@pytest.fixture()
def fake_model(monkeypatch):
    """Training returns at once; evaluation scores no events and reports the learning rate as
    entity_f1, so a test can tell which config produced a split's figures."""
    hooks: dict = {}

    def fit_calibrated(cfg, train_docs, eval_docs=None, progress=True):
        if "during_fit" in hooks:
            hooks.pop("during_fit")()
        cal = train_docs[:1] if cfg.data.calibration_fraction > 0 else []
        return SimpleNamespace(extractor=SimpleNamespace(lr=cfg.train.learning_rate),
                               result=SimpleNamespace(seconds=1.0), calibration_docs=cal,
                               calibration_candidates=[[] for _ in cal])

    def evaluate_documents(extractor, docs, progress=True):
        ev = score(docs, [[] for _ in docs])
        ev.metrics["entity_f1"] = extractor.lr
        ev.report = "report"
        return ev

    monkeypatch.setattr("pipeline.train.fit_calibrated", fit_calibrated)
    monkeypatch.setattr("pipeline.cv.evaluate_documents", evaluate_documents)
    return hooks


def _cfg(root, *overrides):
    return load_config(root / "configs/default.yaml", ["name=t", "tracking.enabled=false", *overrides])


def _files(directory: Path) -> dict:
    return {p: p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file() and p.name != ".summary.lock"}


def test_only_leaves_out_splits_of_another_fold_count_or_config(work, root, fake_model):
    lines: list[str] = []
    cross_validate(_cfg(root), work, 2, report=lines.append)
    err = "\n".join(lines)
    lines.clear()
    assert "split 1/3: real-news" in err and "split 3/3: fold-2" in err
    summary = cross_validate(_cfg(root), work, 3, only=["fold-1"], report=lines.append)
    err = "\n".join(lines)
    lines.clear()
    assert "split 1/1: fold-1" in err and "fold-2 ran with another config, --folds or annotations" in err
    # fold-2 of the 2-fold partition is not averaged with fold-1 of the 3-fold one
    assert summary["folds"] == 3 and summary["excluded"] == ["fold-2"]
    assert summary["cv"]["test_documents"]["mean"] == summary["per_split"]["fold-1"]["test_documents"]
    assert summary["real_news"] is not None  # the real-news split does not depend on --folds
    info = json.loads((work / "models/t-cv/fold-1/split.json").read_text())
    assert info["folds"] == 3 and info["config"]["train"]["learning_rate"] == 1e-4
    summary = cross_validate(_cfg(root, "train.learning_rate=0.001"), work, 3, only=["fold-1"], report=lines.append)
    assert "real-news, fold-2 ran with another config" in "\n".join(lines)
    assert summary["excluded"] == ["real-news", "fold-2"] and summary["real_news"] is None
    assert summary["per_split"]["fold-2"]["entity_f1"] == 1e-4  # kept, listed, not averaged


def test_side_by_side_only_runs_keep_each_others_results(work, root, fake_model):
    cross_validate(_cfg(root), work, 2)
    new = _cfg(root, "train.learning_rate=0.0003")
    # While fold-1 trains, another process runs fold-2 with the same new setting and finishes first.
    fake_model["during_fit"] = lambda: cross_validate(new, work, 2, only=["fold-2"])
    summary = cross_validate(new, work, 2, only=["fold-1"])
    on_disk = json.loads((work / "models/t-cv/summary.json").read_text())
    for s in (summary, on_disk):
        assert s["per_split"]["fold-1"]["entity_f1"] == s["per_split"]["fold-2"]["entity_f1"] == 0.0003
        assert s["cv"]["entity_f1"]["mean"] == 0.0003 and s["excluded"] == ["real-news"]


def test_rerunning_a_split_clears_its_old_outputs(work, root, fake_model):
    cross_validate(_cfg(root), work, 2, only=["real-news"])
    split = work / "models/t-cv/real-news"
    assert (split / "calibration" / "candidates.jsonl").is_file()
    (split / "reliability.png").write_bytes(b"old plot")
    cross_validate(_cfg(root, "data.calibration_fraction=0"), work, 2, only=["real-news"])
    # rescore would otherwise refit a calibrator from the earlier run's calibration documents
    assert not (split / "calibration").exists() and not (split / "reliability.png").exists()
    assert not list(split.parent.glob(".real-news*"))


def test_an_old_reliability_plot_is_removed_when_none_is_drawn(tmp_path, work):
    from pipeline import corpus

    docs = corpus.load(work / "annotations")[:1]
    ev = score(docs, [[]])
    assert not ev.calibration  # no event predicted, nothing to plot
    (tmp_path / "reliability.png").write_bytes(b"old plot")
    write_evaluation(ev, tmp_path)
    assert not (tmp_path / "reliability.png").exists()


def test_rescore_uses_the_annotations_the_cv_run_used(work, root, fake_model):
    cross_validate(_cfg(root), work, 2)
    # the zz_ documents are annotated only in the run's own directory, not in the repository's
    summary = rescore_cv(work / "models/t-cv", None, root / "annotations")
    assert summary["annotations"] == str((work / "annotations").resolve())
    assert sorted(summary["per_split"]) == ["fold-1", "fold-2", "real-news"] and summary["excluded"] == []
    with pytest.raises(CVError, match=f"documents not found in {root / 'annotations'}: zz_w1_0.*; pass --annotations"):
        rescore_cv(work / "models/t-cv", root / "annotations")


def _rescore_fails(cv_dir: Path, message: str) -> None:
    before = _files(cv_dir)
    result = runner.invoke(app, ["rescore", str(cv_dir), "--annotations", str(cv_dir.parent.parent / "annotations")])
    assert result.exit_code == 1 and message in result.output, result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    assert _files(cv_dir) == before  # nothing rewritten


def test_rescore_refuses_a_split_with_fewer_candidates_than_documents(work, root, fake_model):
    cross_validate(_cfg(root), work, 2)
    cv_dir = work / "models/t-cv"
    lines = (cv_dir / "fold-2/candidates.jsonl").read_text().splitlines(keepends=True)
    (cv_dir / "fold-2/candidates.jsonl").write_text("".join(lines[:1]))
    _rescore_fails(cv_dir, "split fold-2: candidates.jsonl has 1 line(s) but predictions.jsonl")
    (cv_dir / "fold-2/candidates.jsonl").write_text("")
    _rescore_fails(cv_dir, "split fold-2: candidates.jsonl has 0 line(s)")


def test_rescore_refuses_what_is_not_a_cv_output(work, root, fake_model):
    model = work / "models/m"
    (model / "evaluation").mkdir(parents=True)
    (model / "pipeline_config.json").write_text("{}")
    (model / "evaluation/candidates.jsonl").write_text("[]\n")
    _rescore_fails(model, "is a model directory, not a `cv` output")
    cross_validate(_cfg(root), work, 2)
    (work / "models/t-cv/summary.json").unlink()
    _rescore_fails(work / "models/t-cv", "is not a `cv` output (no summary.json)")


@pytest.mark.parametrize("damage,message", [
    (("real-news/candidates.jsonl", "a", '{"broken\n'), "real-news/candidates.jsonl is damaged (line 3)"),
    (("summary.json", "w", "garbage"), "summary.json is damaged (line 1: Expecting value)"),
    (("fold-1/metrics.json", "w", '{"metrics": {'), "fold-1/metrics.json is damaged (line 1: Expecting property name"),
    (("fold-1/classification_report.txt", None, None), "fold-1 is incomplete (no readable classification_report"),
    (("fold-1/metrics.json", None, None), "fold-1 is incomplete (no metrics.json)"),
])
def test_rescore_names_a_damaged_file_in_one_line(work, root, fake_model, damage, message):
    cross_validate(_cfg(root), work, 2)
    cv_dir = work / "models/t-cv"
    path, mode, text = damage
    if mode is None:
        (cv_dir / path).unlink()
    else:
        with (cv_dir / path).open(mode) as f:
            f.write(text)
    _rescore_fails(cv_dir, message)


def test_cv_only_refuses_a_damaged_summary_before_training(work, root, fake_model):
    cross_validate(_cfg(root), work, 2)
    (work / "models/t-cv/summary.json").write_text("{")
    fake_model["during_fit"] = lambda: pytest.fail("trained before reading the summary")
    with pytest.raises(CVError, match="summary.json is damaged"):
        cross_validate(_cfg(root), work, 2, only=["fold-1"])


def test_evaluate_output_naming_a_file_fails_before_the_model_loads(tmp_path):
    (tmp_path / "afile").write_text("")
    args = ["evaluate", "--model", str(tmp_path / "no-model"), "--output", str(tmp_path / "afile")]
    result = runner.invoke(app, args)
    assert result.exit_code == 1 and "exists and is not a directory" in result.output
    assert "Traceback" not in result.output


def test_format_table_without_per_label_rows_has_no_header():
    metrics = {"event_f1": 0.5, "events_gold": 2, "events_predicted": 2}
    table = format_table(metrics, {})
    assert "precision" not in table.splitlines()[0] and "event_f1" in table
    assert "label" in format_table(metrics, {"PARTICIPANT": {"precision": 1, "recall": 1, "f1-score": 1,
                                                             "support": 3}}).splitlines()[0]


def test_rescore_counts_a_split_copied_in_from_another_run(work, root, fake_model):
    cross_validate(_cfg(root), work, 2)
    summary_path = work / "models/t-cv/summary.json"
    summary = json.loads(summary_path.read_text())
    del summary["per_split"]["fold-2"]  # its directory was copied in from a run elsewhere
    summary_path.write_text(json.dumps(summary))
    summary = rescore_cv(work / "models/t-cv", None, root / "annotations")
    # It has no training figures; each mean is over the splits that have the figure.
    assert summary["cv"]["train_seconds"]["n"] == 1 and summary["cv"]["event_f1"]["n"] == 2


def test_a_split_is_swapped_in_under_the_summary_lock(work, root, fake_model, monkeypatch):
    """A `rescore` holding the lock must never see a split change under it."""
    import fcntl

    import pipeline.cv as cv

    cross_validate(_cfg(root), work, 2)
    lock_held = []

    def swap(partial, target):
        with open(work / "models/t-cv/.summary.lock", "w") as other:
            try:
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
                lock_held.append(False)
            except BlockingIOError:
                lock_held.append(True)
        shutil.rmtree(target)
        partial.rename(target)

    monkeypatch.setattr(cv, "swap_dir", swap)
    cross_validate(_cfg(root, "train.learning_rate=0.0003"), work, 2, only=["fold-1"])
    assert lock_held == [True]
