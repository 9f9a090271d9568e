"""Document-level bootstrap intervals for the event scores.

A held-out set of a few articles holds a few dozen meetings, and the meetings of one article
succeed or fail together (one misread party spoils every report of it), so the figures are
resampled by document, not by event: a 95% percentile interval over resampled sets says how far a
score could move on another draw of articles like these.
"""

from __future__ import annotations

import numpy as np

# The counts `evaluate.event_scores` keeps per document, and the F1 scores built from them.
COUNTS = ("pred", "gold", "match", "p_pred", "p_gold", "p_tp", "exact")
SCORES = {"event_f1": ("match", "pred", "gold"), "participant_f1": ("p_tp", "p_pred", "p_gold"),
          "exact_event_f1": ("exact", "pred", "gold")}


def _f1(hits: np.ndarray, predicted: np.ndarray, gold: np.ndarray) -> np.ndarray:
    # 2·hits / (predicted + gold) is the F1 of precision hits/predicted and recall hits/gold.
    total = predicted + gold
    return np.divide(2 * hits, total, out=np.zeros_like(hits, dtype=float), where=total > 0)


def bootstrap_intervals(per_document: list[dict[str, int]], resamples: int = 1000, seed: int = 0,
                        level: float = 0.95) -> dict[str, float]:
    """`<score>_ci_low` and `<score>_ci_high` for each of `SCORES`, from `resamples` sets of as
    many documents drawn with replacement; nothing for fewer than two documents."""
    if len(per_document) < 2:
        return {}
    counts = np.array([[row[k] for k in COUNTS] for row in per_document], dtype=float)
    draws = np.random.default_rng(seed).integers(0, len(counts), size=(resamples, len(counts)))
    sums = counts[draws].sum(axis=1)  # (resamples, len(COUNTS))
    col = {k: sums[:, i] for i, k in enumerate(COUNTS)}
    out = {}
    for name, (hits, predicted, gold) in SCORES.items():
        low, high = np.quantile(_f1(col[hits], col[predicted], col[gold]), [(1 - level) / 2, (1 + level) / 2])
        out[f"{name}_ci_low"], out[f"{name}_ci_high"] = float(low), float(high)
    return out
