"""Incomplete or damaged model directories are named as such, in one line."""

import json
import shutil

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.config import load_config
from pipeline.extract import Extractor
from pipeline.modeling import ModelError, load_base, model_config
from pipeline.train import FitResult, save


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory, tiny_model_dir):
    """A model directory as `train` writes it (untrained weights: only its files matter here)."""
    tokenizer, model = load_base(str(tiny_model_dir))
    cfg = load_config(None, [f"model.base_model={tiny_model_dir}", "name=m", "tracking.enabled=false"])
    target = tmp_path_factory.mktemp("models") / "m"
    save(FitResult(model, tokenizer), cfg, target, {"heldout_documents": ["001_9f3ea27a63f6ddfc"]})
    return target


def _damaged(model_dir, tmp_path, how):
    broken = tmp_path / how
    shutil.copytree(model_dir, broken)
    if how == "no-tokenizer":
        (broken / "tokenizer.json").unlink()
        (broken / "tokenizer_config.json").unlink()
    elif how == "no-weights":
        (broken / "model.safetensors").unlink()
    elif how == "truncated-weights":
        data = (model_dir / "model.safetensors").read_bytes()
        (broken / "model.safetensors").write_bytes(data[: len(data) // 3])
    elif how == "no-training-json":
        (broken / "training.json").unlink()
    elif how == "other-version":
        cfg = json.loads((broken / "pipeline_config.json").read_text())
        cfg["train"]["lr_schedule"] = "cosine"
        (broken / "pipeline_config.json").write_text(json.dumps(cfg))
    elif how == "damaged-json":
        (broken / "training.json").write_text('{"history": [')
    elif how == "no-calibration":  # training fitted a calibrator; the copy lost it
        info = json.loads((broken / "training.json").read_text())
        (broken / "training.json").write_text(json.dumps({**info, "calibration_documents": ["w1_01"]}))
    return broken


def test_the_intact_directory_loads(model_dir):
    assert Extractor.load(model_dir).tokenizer is not None
    assert model_config(model_dir)[1]["heldout_documents"] == ["001_9f3ea27a63f6ddfc"]


@pytest.mark.parametrize("load,how,message", [
    (Extractor.load, "no-tokenizer", "is not a complete model directory (no tokenizer.json)"),
    (Extractor.load, "no-weights", "is not a complete model directory (no model.safetensors)"),
    (Extractor.load, "truncated-weights", "the model weights are damaged or incomplete"),
    (model_config, "no-training-json", "is not a complete model directory (no training.json)"),
    (model_config, "other-version",
     "pipeline_config.json was written by another version of the pipeline (train.lr_schedule"),
    (model_config, "damaged-json", "training.json is damaged (line 1"),
    (Extractor.load, "no-calibration", "has no calibration.json, though training fitted one"),
])
def test_loading_names_the_missing_or_damaged_part(model_dir, tmp_path, load, how, message):
    broken = _damaged(model_dir, tmp_path, how)
    with pytest.raises(ModelError) as info:
        load(broken)
    assert message in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize("how", ["no-tokenizer", "no-weights", "truncated-weights", "no-training-json",
                                 "other-version"])
def test_evaluate_on_a_damaged_directory_is_one_line(model_dir, tmp_path, how):
    broken = _damaged(model_dir, tmp_path, how)
    result = CliRunner().invoke(app, ["evaluate", "--model", str(broken)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert not (broken / "evaluation").exists()


def test_a_model_with_mention_links_loads_and_its_links_stay_out_of_the_candidates(tiny_model_dir, tmp_path):
    import numpy as np

    from pipeline.features import LABELS, LINK, encode

    tokenizer, model = load_base(str(tiny_model_dir), link_mentions=True)
    cfg = load_config(None, [f"model.base_model={tiny_model_dir}", "name=l", "tracking.enabled=false",
                             "model.link_mentions=true"])
    save(FitResult(model, tokenizer), cfg, tmp_path / "l", {})
    assert json.loads((tmp_path / "l/labels.json").read_text())[-1] == f"I-{LINK}"
    extractor = Extractor.load(tmp_path / "l")
    calls = []

    def run(windows):  # the trigger pass tags every word a trigger; the argument pass only links
        calls.append(windows)
        label = LABELS.index("B-MEET_OCCURRED" if len(calls) == 1 else f"B-{LINK}")
        return [np.eye(len(LABELS), dtype=np.float32)[[label] * len(w.input_ids)] for w in windows]

    extractor._run = run
    (cands,) = extractor.candidates([encode("Qin met Burns.", extractor.tokenizer)])
    assert cands and all(c.args == [] for c in cands)  # a training target only


def test_a_model_with_another_label_set_is_refused(tiny_model_dir, tmp_path):
    tokenizer, model = load_base(str(tiny_model_dir))
    model.config.id2label = {**model.config.id2label, 1: "B-SOMETHING"}
    cfg = load_config(None, [f"model.base_model={tiny_model_dir}", "name=x", "tracking.enabled=false"])
    save(FitResult(model, tokenizer), cfg, tmp_path / "x", {})
    with pytest.raises(ModelError, match="trained with another label set"):
        Extractor.load(tmp_path / "x")
