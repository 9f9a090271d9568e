"""`train` refuses what it cannot do before any work, and ends an interrupted run cleanly."""

import json
import os
import shutil
import signal
import sqlite3

import pytest
import torch
from typer.testing import CliRunner

from pipeline.cli import app

runner = CliRunner()
SEEDS = ["001_9f3ea27a63f6ddfc", "003_061ffb02e5cf6f54"]


@pytest.fixture
def work(tmp_path, root, tiny_model_dir):
    (tmp_path / "ann").mkdir()
    (tmp_path / "seeds").mkdir()
    for s in SEEDS:
        shutil.copy(root / "annotations" / f"{s}.json", tmp_path / "ann")
        shutil.copy(root / "seeds" / f"{s}.txt", tmp_path / "seeds")
    return tmp_path


def _args(work, base, *more, annotations=None, output_dir=None):
    return ["train", "--set", "name=tiny", "--set", f"output_dir={output_dir or work / 'models'}",
            "--set", f"data.annotations={annotations or work / 'ann'}", "--set", f"data.seeds={work / 'seeds'}",
            "--set", f"model.base_model={base}", "--set", "train.epochs=1", "--set", "data.holdout=none",
            "--set", f"tracking.tracking_uri=sqlite:///{work / 'mlflow.db'}", *more]


def _runs(work) -> list[tuple[str, str]]:
    with sqlite3.connect(work / "mlflow.db") as db:
        return db.execute("select name, status from runs").fetchall()


def test_refuses_to_replace_a_directory_that_is_not_a_model(work, tiny_model_dir):
    victim = work / "models" / "tiny"
    victim.mkdir(parents=True)
    (victim / "summary.json").write_text("{}")  # e.g. a cv result directory
    # The annotations do not exist: the refusal must come before any data is read.
    result = runner.invoke(app, _args(work, tiny_model_dir, annotations=work / "none"))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "exists and is not a model directory written by `train`" in result.output
    assert (victim / "summary.json").read_text() == "{}"


@pytest.mark.parametrize("output_dir,message", [
    ("afile", "is a file, not a directory"),
    ("/proc/nope", "cannot write the model directory"),
])
def test_an_unusable_output_dir_is_found_before_training(work, tiny_model_dir, output_dir, message):
    (work / "afile").write_text("x")
    target = output_dir if output_dir.startswith("/") else str(work / output_dir)
    result = runner.invoke(app, _args(work, tiny_model_dir, output_dir=target, annotations=work / "none"))
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("setting,message", [
    ("base=/nonexistent/model", "no such directory /nonexistent/model"),
    ("base=EMPTY", "holds no model (no config.json)"),
    ("train.device=mps", "config asks for device mps but no MPS device is available"),
])
def test_preflight_errors_come_before_an_mlflow_run(work, tiny_model_dir, setting, message):
    if setting == "train.device=mps" and torch.backends.mps.is_available():
        pytest.skip("this machine has MPS")
    (work / "empty").mkdir()
    base = {"base=/nonexistent/model": "/nonexistent/model", "base=EMPTY": str(work / "empty")}.get(setting)
    extra = [] if base else ["--set", setting]
    result = runner.invoke(app, _args(work, base or tiny_model_dir, *extra))
    assert result.exit_code == 1 and message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (work / "mlflow.db").exists()  # no FAILED run left in the experiment


def _fake_model(path):
    path.mkdir(parents=True)
    for name in ("pipeline_config.json", "training.json"):
        (path / name).write_text("{}")


@pytest.mark.parametrize("how", ["sigterm", "sigint"])
def test_an_interrupted_run_is_killed_and_the_model_unchanged(work, tiny_model_dir, monkeypatch, how):
    import pipeline.train

    def interrupted(*args, **kwargs):
        if how == "sigint":
            raise KeyboardInterrupt
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(10_000_000):  # the handler raises at the next bytecode
            pass
        raise AssertionError("SIGTERM was not turned into an interruption")

    def unhandled(signum, frame):  # so that a regression fails this test instead of killing pytest
        raise RuntimeError("SIGTERM reached the test's own handler")

    monkeypatch.setattr(pipeline.train, "fit_calibrated", interrupted)
    target = work / "models" / "tiny"
    _fake_model(target)
    before = signal.signal(signal.SIGTERM, unhandled)
    try:
        result = runner.invoke(app, _args(work, tiny_model_dir))
        assert signal.getsignal(signal.SIGTERM) is unhandled
    finally:
        signal.signal(signal.SIGTERM, before)
    assert result.exit_code == (143 if how == "sigterm" else 130), result.output
    assert f"interrupted; {target} unchanged" in result.output and "Traceback" not in result.output
    assert _runs(work) == [("train-tiny", "KILLED")]
    assert json.loads((target / "training.json").read_text()) == {}


def test_help_of_every_command_starts_with_one_line():
    import inspect

    for command in app.registered_commands:
        first = inspect.cleandoc(command.callback.__doc__).split("\n\n")[0]
        assert "\n" not in first, command.callback.__name__


def test_a_signal_held_back_during_the_swap_still_leaves_no_old_copy(tmp_path, monkeypatch):
    from pathlib import Path

    from pipeline.schema import swap_dir

    target, partial = tmp_path / "tiny", tmp_path / ".tiny.partial"
    for d, tag in ((target, "old"), (partial, "new")):
        d.mkdir()
        (d / "model.safetensors").write_text(tag)

    class Terminated(Exception):
        pass

    def handler(signum, frame):
        raise Terminated

    previous = signal.signal(signal.SIGTERM, handler)
    rename = Path.rename

    def rename_and_signal(self, dst):
        if self == partial:  # `docker stop` arrives between the two renames
            os.kill(os.getpid(), signal.SIGTERM)
        return rename(self, dst)

    monkeypatch.setattr(Path, "rename", rename_and_signal)
    try:
        with pytest.raises(Terminated):  # delivered once the swap is done
            swap_dir(partial, target)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny"]
    assert (target / "model.safetensors").read_text() == "new"


@pytest.mark.parametrize("base,setting,message", [
    ("/nonexistent/model", None, "no such directory /nonexistent/model"),
    (None, "train.device=mps", "config asks for device mps but no MPS device is available"),
])
def test_cv_checks_device_and_base_model_before_an_mlflow_run(work, tiny_model_dir, base, setting, message):
    if setting == "train.device=mps" and torch.backends.mps.is_available():
        pytest.skip("this machine has MPS")
    args = _args(work, base or tiny_model_dir, *(["--set", setting] if setting else []))
    result = runner.invoke(app, ["cv", *args[1:], "--folds", "2"])
    assert result.exit_code == 1 and message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (work / "mlflow.db").exists()  # no FAILED run left in the experiment
