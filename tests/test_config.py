import pytest

from pipeline.config import ConfigError, flatten, load_config


def test_default_config_loads_with_overrides(root):
    cfg = load_config(root / "configs/default.yaml", ["train.epochs=3", "model.base_model=some/model"])
    assert cfg.name == "default" and cfg.train.epochs == 3 and cfg.model.base_model == "some/model"
    assert flatten(cfg)["train.epochs"] == 3


def test_gpu_config_loads(root):
    assert load_config(root / "configs/gpu.yaml").train.device == "cuda"


@pytest.mark.parametrize("override,message", [
    ("train.epoch=3", "train.epoch"),  # unknown key
    ("train.epochs=three", "train.epochs"),  # wrong type
    ("train.epochs=0", "train.epochs"),  # out of range
    ("nonsense", "KEY=VALUE"),
])
def test_bad_overrides_are_errors(root, override, message):
    with pytest.raises(ConfigError, match=message):
        load_config(root / "configs/default.yaml", [override])


def test_unknown_top_level_key_in_file(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("name: x\nlearning_rate: 1\n")
    with pytest.raises(ConfigError, match="learning_rate"):
        load_config(path)


@pytest.mark.parametrize("name", ["", ".", "..", "a/b", "../models", "/tmp/x"])
def test_model_name_is_a_plain_directory_name(name):
    # An empty name made output_dir itself the model directory, and saving replaced all of it.
    with pytest.raises(ConfigError, match="config name"):
        load_config(None, [f"name={name}"])


def test_numbers_in_exponent_notation(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("train:\n  learning_rate: 5e-5\n  weight_decay: 1E-2\n")
    cfg = load_config(path, ["train.warmup_ratio=1e-1"])
    assert (cfg.train.learning_rate, cfg.train.weight_decay, cfg.train.warmup_ratio) == (5e-5, 0.01, 0.1)
    assert cfg.name == "c"


def test_config_that_is_not_utf8(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_bytes(b"name: caf\xe9\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(path)
