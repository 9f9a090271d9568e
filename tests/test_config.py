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


@pytest.mark.parametrize("override,field,value", [
    ("name=2024", "name", "2024"),  # the README allows a name to start with a digit
    ("name=yes", "name", "yes"),
    ("name=null", "name", "null"),
    ("tracking.experiment=2024", "experiment", "2024"),
    ("tracking.experiment=no", "experiment", "no"),
    ("name='2024'", "name", "2024"),  # quoting still works
])
def test_string_fields_read_as_written(override, field, value):
    cfg = load_config(None, [override])
    assert (cfg.tracking.experiment if field == "experiment" else cfg.name) == value


def test_string_fields_in_a_file_read_as_written(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("name: 2024\ntracking:\n  experiment: on\n  tracking_uri: null\n  enabled: no\n")
    cfg = load_config(path)
    assert (cfg.name, cfg.tracking.experiment, cfg.tracking.tracking_uri, cfg.tracking.enabled) == \
        ("2024", "on", None, False)


def test_the_override_that_replaced_a_section_is_blamed():
    with pytest.raises(ConfigError, match=r"override 'train=3' replaces the section 'train'"):
        load_config(None, ["train=3", "train.max_steps=1"])


def test_duplicate_keys_are_errors(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("name: x\ntrain:\n  epochs: 1\n  epochs: 2\n")
    with pytest.raises(ConfigError, match=r"train.epochs is given twice \(line 4\)"):
        load_config(path)


def test_an_override_given_twice_is_an_error_as_a_key_given_twice_in_the_file():
    with pytest.raises(ConfigError, match=r"train.epochs is already set by 'train.epochs=3'"):
        load_config(None, ["train.epochs=3", "train.epochs=4"])


def test_a_section_override_sets_its_keys_and_keeps_the_others(root):
    cfg = load_config(root / "configs/realnews.yaml", ["data={annotations: /tmp/x}", "train.epochs=5",
                                                      "train={batch_size: 8}"])
    # data.holdout stays 'seeds': the section is not replaced, so the real-news model never sees them.
    assert (cfg.data.annotations, cfg.data.holdout, cfg.train.epochs, cfg.train.batch_size) == \
        ("/tmp/x", "seeds", 5, 8)
    assert load_config(root / "configs/realnews.yaml", ["data={}"]).data.holdout == "seeds"  # sets nothing
    with pytest.raises(ConfigError, match=r"model.stride is already set by 'model=\{stride: 8\}'"):
        load_config(None, ["model={stride: 8}", "model.stride=16"])
    with pytest.raises(ConfigError, match=r"train.epochs is already set by 'train.epochs=5'"):
        load_config(None, ["train.epochs=5", "train={epochs: 8}"])


@pytest.mark.parametrize("stride,ok", [(32, True), (64, True), (65, False), (200, False)])
def test_a_stride_over_half_the_window_is_an_error(stride, ok):
    overrides = ["model.max_length=128", f"model.stride={stride}"]
    if ok:
        assert load_config(None, overrides).model.stride == stride
    else:
        with pytest.raises(ConfigError, match="config model: stride .* is more than half of max_length 128"):
            load_config(None, overrides)


def test_invalid_yaml_is_one_line(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("train: {epochs: [1}\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "is not valid YAML" in str(info.value) and "line 1" in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(ConfigError, match="override 'train.epochs=\\[1' is not valid YAML"):
        load_config(None, ["train.epochs=[1"])


def test_default_yaml_sets_every_key_to_the_code_default(root):
    """configs/default.yaml documents every key, and a config that leaves a key out gets the
    value default.yaml shows."""
    import yaml

    from pipeline.config import Config

    written = yaml.safe_load((root / "configs" / "default.yaml").read_text(encoding="utf-8"))
    keys = lambda tree, p="": {k2 for k, v in tree.items()  # noqa: E731
                               for k2 in (keys(v, f"{p}{k}.") if isinstance(v, dict) else {p + k})}
    assert keys(written) == set(flatten(Config()))
    assert load_config(root / "configs" / "default.yaml", []) == Config()
