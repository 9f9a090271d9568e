"""Confidence calibration: expected calibration error and a reliability plot."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def expected_calibration_error(probs: np.ndarray, hits: np.ndarray, bins: int = 10) -> float:
    """Weighted mean gap between confidence and accuracy over equal-width confidence bins."""
    probs, hits = np.asarray(probs, dtype=float), np.asarray(hits, dtype=float)
    if probs.size == 0:
        return 0.0
    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.digitize(probs, edges[1:-1], right=True), 0, bins - 1)
    ece = 0.0
    for b in range(bins):
        mask = idx == b
        if mask.any():
            ece += mask.mean() * abs(probs[mask].mean() - hits[mask].mean())
    return float(ece)


def reliability_plot(series: dict[str, list[tuple[float, bool]]], path: Path, bins: int = 10) -> None:
    """Accuracy against confidence per bin, one line per kind of prediction."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], "k--", linewidth=1, label="perfect calibration")
    edges = np.linspace(0, 1, bins + 1)
    for name, pairs in series.items():
        probs = np.array([p for p, _ in pairs])
        hits = np.array([h for _, h in pairs], dtype=float)
        idx = np.clip(np.digitize(probs, edges[1:-1], right=True), 0, bins - 1)
        xs = [probs[idx == b].mean() for b in range(bins) if (idx == b).any()]
        ys = [hits[idx == b].mean() for b in range(bins) if (idx == b).any()]
        ece = expected_calibration_error(probs, hits, bins)
        ax.plot(xs, ys, "o-", label=f"{name} (ECE {ece:.3f}, n={len(pairs)})")
    ax.set_xlabel("confidence")
    ax.set_ylabel("fraction correct")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left", fontsize=8)
    ax.set_title("Reliability on held-out documents")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)
