"""Document-level bootstrap intervals for the event scores.

A held-out set of a few articles holds a few dozen meetings, and the meetings of one article
succeed or fail together (one misread party spoils every report of it), so the figures are
resampled by document, not by event: a 95% percentile interval over resampled sets says how far a
score could move on another draw of articles like these.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import bootstrap

# The counts `evaluate.event_scores` keeps per document, and the F1 scores built from them.
COUNTS = ("pred", "gold", "match", "p_pred", "p_gold", "p_tp", "exact")
SCORES = {"event_f1": ("match", "pred", "gold"), "participant_f1": ("p_tp", "p_pred", "p_gold"),
          "exact_event_f1": ("exact", "pred", "gold")}


def _f1(hits: np.ndarray, predicted: np.ndarray, gold: np.ndarray) -> np.ndarray:
    # 2·hits / (predicted + gold) is the F1 of precision hits/predicted and recall hits/gold.
    total = predicted + gold
    return np.divide(2 * hits, total, out=np.zeros(np.shape(total)), where=total > 0)


def bootstrap_intervals(per_document: list[dict[str, int]], resamples: int = 1000, seed: int = 0,
                        level: float = 0.95) -> dict[str, float]:
    """`<score>_ci_low` and `<score>_ci_high` for each of `SCORES`: scipy's percentile bootstrap
    over documents (a document's counts are drawn together); nothing for fewer than two documents."""
    if len(per_document) < 2:
        return {}
    columns = {k: np.array([row[k] for row in per_document], dtype=float) for k in COUNTS}

    def pooled_f1(hits: np.ndarray, predicted: np.ndarray, gold: np.ndarray, axis: int = -1) -> np.ndarray:
        return _f1(hits.sum(axis=axis), predicted.sum(axis=axis), gold.sum(axis=axis))

    out = {}
    for name, keys in SCORES.items():
        ci = bootstrap([columns[k] for k in keys], pooled_f1, n_resamples=resamples, paired=True,
                       vectorized=True, confidence_level=level, method="percentile",
                       rng=np.random.default_rng(seed)).confidence_interval
        out[f"{name}_ci_low"], out[f"{name}_ci_high"] = float(ci.low), float(ci.high)
    return out
