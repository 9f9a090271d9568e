import json

from typer.testing import CliRunner

from pipeline.cli import app

runner = CliRunner()


def test_validate_passes_on_the_repository():
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output


def test_validate_reports_errors_in_one_line_each(tmp_path):
    (tmp_path / "bad.json").write_text(json.dumps({"id": "bad", "text": "Hi", "spans": [
        {"id": "s1", "label": "TRIGGER", "start": 0, "end": 9, "text": "Hi"}], "entities": [], "events": []}))
    (tmp_path / "no_seeds").mkdir()
    result = runner.invoke(app, ["validate", "--annotations", str(tmp_path), "--seeds", str(tmp_path / "no_seeds")])
    assert result.exit_code == 1
    assert "bad.json: span s1: offsets 0-9 outside the text" in result.output
    assert "Traceback" not in result.output


def test_validate_unreadable_json(tmp_path):
    (tmp_path / "broken.json").write_text("{not json")
    (tmp_path / "no_seeds").mkdir()
    result = runner.invoke(app, ["validate", "--annotations", str(tmp_path), "--seeds", str(tmp_path / "no_seeds")])
    assert result.exit_code == 1 and "broken.json: cannot read" in result.output


def test_validate_rejects_a_missing_seeds_directory(tmp_path):
    result = runner.invoke(app, ["validate", "--seeds", str(tmp_path / "nope")])
    assert result.exit_code == 1 and "no such seeds directory" in result.output


def test_train_rejects_unknown_config_key():
    result = runner.invoke(app, ["train", "--set", "train.epoch=3"])
    assert result.exit_code == 1
    assert "train.epoch" in result.output and "Traceback" not in result.output


def test_train_rejects_missing_config_file(tmp_path):
    result = runner.invoke(app, ["train", "--config", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1 and "cannot read config" in result.output


def test_predict_missing_input_fails_before_loading_a_model(tmp_path):
    result = runner.invoke(app, ["predict", str(tmp_path / "missing.txt"), "--model", str(tmp_path)])
    assert result.exit_code == 1 and "no such file or directory" in result.output


def test_predict_without_trained_model(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Leaders met.")
    result = runner.invoke(app, ["predict", str(article), "--model", str(tmp_path / "models/none")])
    assert result.exit_code == 1 and "run `train` first" in result.output


def test_predict_bad_date_option(tmp_path):
    result = runner.invoke(app, ["predict", "-", "--date", "08/05/2023"])
    assert result.exit_code == 1 and "YYYY-MM-DD" in result.output


def test_import_markup_refuses_to_overwrite(tmp_path):
    src = tmp_path / "m.txt"
    src.write_text("id: m1\n---\n[A|P:a] [met|T:e1] [B|P:b].\n---\ne1 occurred a,b\n")
    args = ["import-markup", str(src), "--out", str(tmp_path / "ann"), "--seeds", str(tmp_path / "none")]
    assert runner.invoke(app, args).exit_code == 0
    again = runner.invoke(app, args)
    assert again.exit_code == 1 and "--force" in again.output


def test_agreement_of_a_set_with_itself_is_perfect(root):
    result = runner.invoke(app, ["agreement", str(root / "annotations"), str(root / "annotations")])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores["span_f1_exact"] == 1.0 and scores["event_f1"] == 1.0 and scores["status_accuracy"] == 1.0


def test_cv_rejects_an_unknown_split_before_training():
    result = runner.invoke(app, ["cv", "--only", "fold-9", "--set", "tracking.enabled=false"])
    assert result.exit_code == 1
    assert "unknown split(s) fold-9" in result.output and "real-news, fold-1" in result.output


def test_rescore_rejects_a_missing_directory(tmp_path):
    result = runner.invoke(app, ["rescore", str(tmp_path / "nope")])
    assert result.exit_code == 1 and "is not a directory" in result.output and "Traceback" not in result.output
