"""Train a tiny random BERT for a few steps on two annotated seeds, save, load, predict, validate."""

import json
import shutil

import pytest

from pipeline import corpus
from pipeline.config import load_config
from pipeline.cv import rescore_cv
from pipeline.evaluate import evaluate_documents, write_evaluation
from pipeline.extract import Article, Extractor
from pipeline.output import check_merged, check_record
from pipeline.schema import load_document, plain_mode
from pipeline.train import train

SEEDS = ["001_9f3ea27a63f6ddfc", "003_061ffb02e5cf6f54"]


@pytest.fixture(scope="module")
def trained(tmp_path_factory, root, tiny_model_dir):
    work = tmp_path_factory.mktemp("e2e")
    (work / "annotations").mkdir()
    (work / "seeds").mkdir()
    for s in SEEDS:
        shutil.copy(root / "annotations" / f"{s}.json", work / "annotations")
        shutil.copy(root / "seeds" / f"{s}.txt", work / "seeds")
    cfg = load_config(root / "configs/default.yaml", [
        f"model.base_model={tiny_model_dir}", "train.epochs=2", "train.batch_size=8", "train.learning_rate=0.005",
        "data.holdout=none", "name=tiny", f"tracking.tracking_uri=sqlite:///{work / 'mlflow.db'}"])
    out = train(cfg, work, progress=False)
    return work, cfg, out


def test_training_writes_a_complete_model_directory(trained):
    work, _, out = trained
    model_dir = work / "models" / "tiny"
    assert out["model_dir"] == str(model_dir)
    for name in ("config.json", "model.safetensors", "tokenizer.json", "pipeline_config.json", "labels.json",
                 "training.json"):
        assert (model_dir / name).is_file(), name
        assert (model_dir / name).stat().st_mode & 0o044 == 0o044 & plain_mode(), name  # teammates can read it
    saved = json.loads((model_dir / "pipeline_config.json").read_text())
    assert saved["train"]["epochs"] == 2
    info = json.loads((model_dir / "training.json").read_text())
    # One of the two documents is kept out of the first fine-tuning for the confidence calibrator;
    # the shipped model is then trained again on both.
    assert len(info["calibration_documents"]) == 1 and info["calibration_documents"][0] in SEEDS
    assert sorted(info["train_documents"]) == sorted(SEEDS) and info["refit_after_calibration"] is True
    assert not list((work / "models").glob(".*partial"))


def test_loaded_model_predicts_valid_output(trained, root):
    work, _, _ = trained
    extractor = Extractor.load(work / "models" / "tiny")
    texts = {s: (root / "seeds" / f"{s}.txt").read_text(encoding="utf-8") for s in SEEDS}
    records = list(extractor.predict([Article(s, t) for s, t in texts.items()]))
    assert [r["doc_id"] for r in records] == SEEDS
    assert records[0]["document_date"] == "2023-05-08" and records[1]["document_date"] is None
    for r in records:
        assert check_record(r, texts[r["doc_id"]]) == []


def test_evaluating_no_document_is_an_error_not_a_traceback(trained, tmp_path):
    from pipeline.corpus import CorpusError
    from pipeline.runs import evaluate_model

    work, _, _ = trained
    shutil.copytree(work / "annotations", tmp_path / "annotations")
    (tmp_path / "seeds").mkdir()  # no seed here: nothing to evaluate
    with pytest.raises(CorpusError, match="is one of the seeds"):
        evaluate_model(work / "models/tiny", "seeds", tmp_path / "out", tmp_path)
    # Another annotation directory (a new batch) is scored when named.
    (tmp_path / "batch").mkdir()
    shutil.copy(work / "annotations" / f"{SEEDS[0]}.json", tmp_path / "batch")
    ev, out, seen = evaluate_model(work / "models/tiny", "all", tmp_path / "out", work, tmp_path / "batch")
    about = json.loads((out / "metrics.json").read_text())
    assert about["document_ids"] == [SEEDS[0]] and about["annotations"] == str((tmp_path / "batch").resolve())
    assert seen == about["seen_in_training"] == [SEEDS[0]]  # a trained-on document: not a held-out figure


def test_long_article_is_not_truncated(trained):
    work, _, _ = trained
    extractor = Extractor.load(work / "models" / "tiny")
    text = " ".join(["Officials talked about trade and security in the capital."] * 120)
    (record,) = extractor.predict([Article("long", text)])
    assert check_record(record, text) == []
    from pipeline.features import encode, trigger_windows
    enc = encode(text, extractor.tokenizer)
    windows, ranges = trigger_windows(enc, extractor.tokenizer, extractor.max_length, extractor.stride)
    assert len(windows) > 1 and ranges[-1][1] == len(enc.input_ids)


def test_run_is_logged_to_mlflow_with_pyfunc_model(trained):
    import mlflow

    work, cfg, _ = trained
    client = mlflow.MlflowClient(tracking_uri=f"sqlite:///{work / 'mlflow.db'}")
    exp = client.get_experiment_by_name(cfg.tracking.experiment)
    (run,) = client.search_runs([exp.experiment_id], filter_string="tags.kind = 'train'")  # evaluate runs too
    assert run.data.params["train.epochs"] == "2"
    assert run.data.tags["kind"] == "train" and "annotations_digest" in run.data.tags
    assert "train_loss" in run.data.metrics
    history = client.get_metric_history(run.info.run_id, "train_loss")
    assert [m.step for m in history] == [1, 2]
    artifacts = {a.path for a in client.list_artifacts(run.info.run_id)}
    assert "sample_predictions.jsonl" in artifacts
    # The samples are what `predict` writes with the saved model: calibrated and cut at its threshold.
    samples = [json.loads(line) for line in (work / "models/tiny/sample_predictions.jsonl").read_text().splitlines()]
    docs = {d.id: d for d in corpus.load(work / "annotations")}
    extractor = Extractor.load(work / "models/tiny")
    assert samples == list(extractor.predict([Article(r["doc_id"], docs[r["doc_id"]].text) for r in samples]))
    mlflow.set_tracking_uri(f"sqlite:///{work / 'mlflow.db'}")
    model = mlflow.pyfunc.load_model(f"runs:/{run.info.run_id}/extractor")
    text = "Chinese Foreign Minister Qin Gang met US Ambassador Nicholas Burns on Monday."
    (out,) = model.predict([{"text": text, "date": "2023-05-09"}])
    assert check_record(out, text) == [] and out["doc_id"] == "0" and out["document_date"] == "2023-05-09"
    import pandas as pd

    outs = model.predict(pd.DataFrame({"text": [text, text], "id": ["a", "b"], "date": ["2023-05-09", None]}))
    assert [(o["doc_id"], o["document_date"]) for o in outs] == [("a", "2023-05-09"), ("b", None)]
    outs = model.predict(pd.DataFrame({"text": [text], "id": [7]}))
    assert [o["doc_id"] for o in outs] == ["7"]
    with pytest.raises(Exception, match="calendar day"):  # MLflow checks the input against the signature
        model.predict([{"text": text, "date": "2023-02-30"}])


def test_cli_predict_writes_one_valid_record_per_file(trained, root, tmp_path):
    from typer.testing import CliRunner

    from pipeline.cli import app

    work, _, _ = trained
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["predict", str(work / "seeds"), "--model", str(work / "models/tiny"),
                                      "--output", str(out), "--min-confidence", "0.0"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["doc_id"] for r in lines] == SEEDS
    for r in lines:
        assert check_record(r, (root / "seeds" / f"{r['doc_id']}.txt").read_text(encoding="utf-8")) == []
    merged_out = tmp_path / "merged.jsonl"
    merged = CliRunner().invoke(app, ["predict", str(work / "seeds"), "--model", str(work / "models/tiny"),
                                      "--merge", "--min-confidence", "0.0", "--output", str(merged_out)])
    assert merged.exit_code == 0, merged.output
    texts = {s: (root / "seeds" / f"{s}.txt").read_text(encoding="utf-8") for s in SEEDS}
    records = [json.loads(line) for line in merged_out.read_text().splitlines()]
    assert sum(len(r["sources"]) for r in records) == sum(len(r["events"]) for r in lines)
    for r in records:
        assert check_merged(r, texts) == []


def test_cli_predict_output_keeps_links_pipes_modes_and_dash_is_stdout(trained, tmp_path, monkeypatch):
    import os
    import stat
    import threading

    from typer.testing import CliRunner

    from pipeline.cli import app

    work, _, _ = trained
    monkeypatch.chdir(tmp_path)

    def predict(output: str) -> object:
        result = CliRunner().invoke(app, ["predict", str(work / "seeds"), "--model", str(work / "models/tiny"),
                                          "--output", output, "--min-confidence", "0"])
        assert result.exit_code == 0, result.output
        return result

    (tmp_path / "real").mkdir()
    target, link = tmp_path / "real" / "target.jsonl", tmp_path / "link.jsonl"
    target.write_text("")
    target.chmod(0o640)
    link.symlink_to(target)
    predict(str(link))  # the link stays, its target is replaced and keeps its mode
    assert link.is_symlink() and len(target.read_text().splitlines()) == len(SEEDS)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    predict(str(tmp_path / "new.jsonl"))  # a new file gets the umask's mode, not mkstemp's 0600
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.jsonl").stat().st_mode) == 0o666 & ~umask
    fifo, got = tmp_path / "pipe", []
    os.mkfifo(fifo)
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()))
    reader.start()
    predict(str(fifo))  # written into the pipe, not replaced by a file
    reader.join(timeout=60)
    assert len(got[0].splitlines()) == len(SEEDS) and stat.S_ISFIFO(fifo.stat().st_mode)
    result = predict("-")
    assert [json.loads(line)["doc_id"] for line in result.stdout.splitlines()] == SEEDS
    assert not (tmp_path / "-").exists()
    (tmp_path / "loop1").symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(tmp_path / "loop1")
    looped = CliRunner().invoke(app, ["predict", str(work / "seeds"), "--model", str(work / "models/tiny"),
                                      "--output", str(tmp_path / "loop1")])
    assert looped.exit_code == 1 and "cannot follow its symbolic links" in looped.output, looped.output


def test_cli_draft_writes_markup_that_imports_as_valid_annotations(trained, root, tmp_path):
    from typer.testing import CliRunner

    from pipeline.cli import app

    work, _, _ = trained
    drafts, ann = tmp_path / "drafts", tmp_path / "ann"
    result = CliRunner().invoke(app, ["draft", str(work / "seeds"), "--model", str(work / "models/tiny"),
                                      "--out", str(drafts), "--min-confidence", "0"])
    assert result.exit_code == 0, result.output
    files = sorted(drafts.glob("*.txt"))
    assert [f.stem for f in files] == SEEDS and not list(drafts.glob(".*"))
    imported = CliRunner().invoke(app, ["import-markup", *map(str, files), "--out", str(ann),
                                        "--seeds", str(root / "seeds")])
    assert imported.exit_code == 0, imported.output
    for s in SEEDS:
        assert load_document(ann / f"{s}.json").text == (root / "seeds" / f"{s}.txt").read_text()


def test_cli_predict_rejects_undecodable_and_empty_input(trained, tmp_path):
    from typer.testing import CliRunner

    from pipeline.cli import app

    work, _, _ = trained
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe caf\xe9")
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n")
    for path, message in ((bad, "not UTF-8"), (empty, "empty document")):
        result = CliRunner().invoke(app, ["predict", str(path), "--model", str(work / "models/tiny")])
        assert result.exit_code == 1 and message in result.output
        assert "Traceback" not in result.output
    assert bad.read_bytes() == b"\xff\xfe caf\xe9"  # inputs are never modified


def test_rescore_reassembles_saved_candidates_without_rewriting_them(trained, tmp_path):
    work, _, _ = trained
    ev = evaluate_documents(Extractor.load(work / "models" / "tiny"), corpus.load(work / "annotations"), progress=False)
    split = tmp_path / "cv" / "fold-1"
    write_evaluation(ev, split)
    (tmp_path / "cv" / "summary.json").write_text('{"per_split": {}}')  # what makes it a cv output
    saved = split / "candidates.jsonl"
    before = (saved.stat().st_ino, saved.read_bytes())
    summary = rescore_cv(tmp_path / "cv", work / "annotations")
    # The candidates are the model's raw output: the only record of a run once its model is gone.
    assert (saved.stat().st_ino, saved.read_bytes()) == before
    assert summary["cv"]["event_f1"]["mean"] == ev.metrics["event_f1"]
    assert len((split / "predictions.jsonl").read_text().splitlines()) == len(SEEDS)


def test_cli_predict_skips_invalid_inputs_only_when_asked(trained, root, tmp_path):
    from typer.testing import CliRunner

    from pipeline.cli import app

    work, _, _ = trained
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in SEEDS[:2]:
        (inputs / f"{name}.txt").write_bytes((root / "seeds" / f"{name}.txt").read_bytes())
    (inputs / "zz_empty.txt").write_text("")
    out = tmp_path / "out" / "events.jsonl"
    args = ["predict", str(inputs), "--model", str(work / "models/tiny"), "--output", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1 and "zz_empty.txt: empty document" in result.output and not out.exists()
    result = CliRunner().invoke(app, args + ["--skip-invalid"])
    assert result.exit_code == 0, result.output
    assert f"skipped: {inputs / 'zz_empty.txt'}: empty document" in result.output
    assert "1 input(s) skipped" in result.output
    assert [json.loads(line)["doc_id"] for line in out.read_text().splitlines()] == SEEDS[:2]
    assert sorted(p.name for p in out.parent.iterdir()) == ["events.jsonl"]  # no temporary file left


def test_evaluate_other_documents_never_replaces_the_heldout_evaluation(trained, tmp_path):
    import mlflow

    from pipeline.runs import evaluate_model

    work, _, _ = trained
    model = tmp_path / "tiny"
    shutil.copytree(work / "models" / "tiny", model)
    cfg = json.loads((model / "pipeline_config.json").read_text())
    cfg["tracking"]["tracking_uri"] = f"sqlite:///{tmp_path / 'mlflow.db'}"  # not the fixture's store
    (model / "pipeline_config.json").write_text(json.dumps(cfg))
    (model / "evaluation").mkdir()
    (model / "evaluation" / "metrics.json").write_text('{"held-out": true}')
    _, out_dir, _ = evaluate_model(model, "all", None, work)
    assert out_dir == model / "evaluation-all"
    assert (model / "evaluation" / "metrics.json").read_text() == '{"held-out": true}'
    saved = json.loads((out_dir / "metrics.json").read_text())
    assert saved["documents"] == "all" and saved["document_ids"] == SEEDS and saved["model"] == str(model.resolve())
    # The evaluate run names the model it scored and the train run that logged it.
    client = mlflow.MlflowClient(tracking_uri=cfg["tracking"]["tracking_uri"])
    (run,) = client.search_runs([client.get_experiment_by_name(cfg["tracking"]["experiment"]).experiment_id])
    train_run = json.loads((model / "training.json").read_text())["mlflow_run_id"]
    assert run.data.tags["model_dir"] == str(model.resolve())
    assert run.data.tags["model_uri"] == f"runs:/{train_run}/extractor"


def test_long_phases_of_training_show_progress(trained, tiny_model_dir, root, capsys):
    from pipeline.train import fit_calibrated

    work, _, _ = trained
    cfg = load_config(root / "configs/default.yaml", [
        f"model.base_model={tiny_model_dir}", "train.epochs=1", "train.max_steps=1", "data.calibration_fraction=0.5",
        "train.refit_after_calibration=false", "tracking.enabled=false"])
    fit_calibrated(cfg, corpus.load(work / "annotations"), progress=True)
    err = capsys.readouterr().err
    assert "windows" in err and "calibration" in err  # dataset building, calibrator candidates


def test_mlflow_headline_metrics_are_the_final_heldout_figures(tmp_path, root, tiny_model_dir):
    """Per-epoch (uncalibrated) scores have names of their own; under the final names, the last
    epoch's value was what the runs table and Compare showed, not the metrics.json figure."""
    import mlflow

    (tmp_path / "annotations").mkdir()
    (tmp_path / "seeds").mkdir()
    for s in SEEDS:
        shutil.copy(root / "annotations" / f"{s}.json", tmp_path / "annotations")
    cfg = load_config(root / "configs/default.yaml", [
        f"model.base_model={tiny_model_dir}", "train.epochs=1", "train.batch_size=8", "data.holdout=random",
        "data.holdout_fraction=0.5", "data.calibration_fraction=0", "name=heldout",
        f"tracking.tracking_uri=sqlite:///{tmp_path / 'mlflow.db'}"])
    out = train(cfg, tmp_path, progress=False)
    client = mlflow.MlflowClient(tracking_uri=f"sqlite:///{tmp_path / 'mlflow.db'}")
    (run,) = client.search_runs([client.get_experiment_by_name(cfg.tracking.experiment).experiment_id])
    saved = json.loads((tmp_path / "models" / "heldout" / "evaluation" / "metrics.json").read_text())["metrics"]
    for key in ("event_f1", "entity_f1", "exact_event_f1", "participant_f1"):
        assert run.data.metrics[key] == pytest.approx(saved[key]) == pytest.approx(out["metrics"][key])
        assert len(client.get_metric_history(run.info.run_id, key)) == 1  # the final figure only
        assert [m.step for m in client.get_metric_history(run.info.run_id, f"epoch_{key}")] == [1]
