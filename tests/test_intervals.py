"""Bootstrap intervals of the event scores: resampled by document, deterministic, bracketing the
point figure."""

import copy

import pytest

from pipeline.agreement import as_record
from pipeline.evaluate import event_scores
from pipeline.intervals import bootstrap_intervals
from pipeline.schema import load_document


def row(match: int, pred: int, gold: int, exact: int = 0) -> dict:
    return {"pred": pred, "gold": gold, "match": match, "p_pred": 2 * pred, "p_gold": 2 * gold,
            "p_tp": 2 * match, "exact": exact}


def test_identical_documents_give_a_point_interval():
    ci = bootstrap_intervals([row(3, 4, 4, 2)] * 5)
    assert ci["event_f1_ci_low"] == ci["event_f1_ci_high"] == pytest.approx(0.75)
    assert ci["exact_event_f1_ci_low"] == pytest.approx(0.5)


def test_the_interval_brackets_the_pooled_score_and_widens_with_disagreeing_documents():
    rows = [row(4, 4, 4, 4), row(0, 3, 3), row(2, 3, 2, 1), row(3, 3, 4, 2), row(1, 2, 3)]
    pooled = 2 * 10 / (15 + 16)
    ci = bootstrap_intervals(rows)
    assert ci["event_f1_ci_low"] < pooled < ci["event_f1_ci_high"]
    assert ci["event_f1_ci_high"] - ci["event_f1_ci_low"] > 0.2
    assert bootstrap_intervals(rows) == ci  # seeded: the same set gives the same interval
    assert bootstrap_intervals(rows * 10)["event_f1_ci_high"] - bootstrap_intervals(rows * 10)["event_f1_ci_low"] \
        < ci["event_f1_ci_high"] - ci["event_f1_ci_low"]  # more documents, narrower


def test_no_interval_from_a_single_document():
    assert bootstrap_intervals([row(1, 1, 1)]) == {}


def test_event_scores_report_intervals_over_documents(root):
    docs = [load_document(p) for p in sorted((root / "annotations").glob("00*.json"))[:3]]
    preds = []
    for d in docs:
        record = as_record(d)
        for ev in record["events"]:
            ev["confidence"] = 0.9
            for p in ev["participants"]:
                p["confidence"] = 0.9
        preds.append(record)
    damaged = copy.deepcopy(preds)
    damaged[0]["events"] = []  # one article's meetings all missed
    m, _ = event_scores(damaged, docs)
    assert m["event_f1_ci_low"] <= m["event_f1"] <= m["event_f1_ci_high"]
    assert m["event_f1_ci_low"] < m["event_f1_ci_high"]
    perfect, _ = event_scores(preds, docs)
    assert perfect["event_f1_ci_low"] == perfect["event_f1_ci_high"] == 1.0
