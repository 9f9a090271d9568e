import json

import numpy as np
import pytest

from pipeline.calibration import (
    EVENT_FEATURES,
    Calibrator,
    Platt,
    expected_calibration_error,
    f1_threshold,
    fit_calibrator,
)


def _event(conf: float, parties: int = 2) -> dict:
    return {"confidence": conf, "trigger_mentions": [{}], "date": None,
            "participants": [{"confidence": conf, "mentions": [{}]} for _ in range(parties)]}


def test_ece_is_zero_when_confidence_matches_accuracy_and_large_when_overconfident():
    assert expected_calibration_error(np.array([0.75] * 4), np.array([1, 1, 1, 0])) == pytest.approx(0.0)
    assert expected_calibration_error(np.array([0.99] * 4), np.array([1, 0, 0, 0])) == pytest.approx(0.74)


def test_overconfident_scores_are_pulled_to_the_observed_hit_rate():
    rng = np.random.default_rng(0)
    confs = rng.uniform(0.9, 1.0, 200)
    hits = [bool(h) for h in rng.random(200) < 0.5]  # the raw scores say ~95%, the truth is 50%
    records = [{"events": [_event(float(c))]} for c in confs]
    cal = fit_calibrator(records, {"event": hits, "participant": [h for h in hits for _ in range(2)]})
    assert cal.event is not None and cal.event.features == EVENT_FEATURES
    out = cal.apply([_event(0.95)])[0]
    assert 0.35 < out["confidence"] < 0.65
    assert all(0.35 < p["confidence"] < 0.65 for p in out["participants"])


def test_higher_raw_scores_stay_higher_when_they_predict_hits():
    confs = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] * 5
    hits = [c > 0.55 for c in confs]
    cal = fit_calibrator([{"events": [_event(c)]} for c in confs],
                         {"event": hits, "participant": [h for h in hits for _ in range(2)]})
    low, high = cal.apply([_event(0.3)])[0], cal.apply([_event(0.9)])[0]
    assert low["confidence"] < 0.5 < high["confidence"]


def test_too_few_examples_or_one_class_leave_raw_scores():
    assert Platt.fit(EVENT_FEATURES, [[0.0] * 4] * 5, [True, False] * 2 + [True]) is None
    assert Platt.fit(EVENT_FEATURES, [[0.0] * 4] * 50, [True] * 50) is None
    assert Calibrator().apply([_event(0.97)])[0]["confidence"] == 0.97


def test_calibrator_round_trips_through_json(tmp_path):
    cal = Calibrator(Platt(EVENT_FEATURES, [0.5, 1.0, 0.3, 0.4], -4.0, 80), None, 0.37)
    (tmp_path / "calibration.json").write_text(cal.to_json())
    back = Calibrator.load(tmp_path)
    assert back == cal and json.loads(cal.to_json())["participant"] is None
    assert Calibrator.load(tmp_path / "missing") is None


def test_a_calibration_file_without_threshold_keeps_every_event():
    data = json.loads(Calibrator(Platt(EVENT_FEATURES, [0.5, 1.0, 0.3, 0.4], -4.0, 80)).to_json())
    del data["event_threshold"]
    assert Calibrator.from_json(json.dumps(data)).event_threshold == 0.0


def test_threshold_is_a_quarter_of_the_best_reachable_event_f1():
    # Four right events above two wrong ones, five gold events: keeping the top four gives
    # F1 = 2*4 / (4 + 5) = 0.889, the best cut, so the threshold is 0.222.
    scored = [(0.9, True), (0.8, True), (0.7, True), (0.6, True), (0.5, False), (0.4, False)]
    assert f1_threshold(scored, 5) == pytest.approx(0.2222, abs=1e-4)
    # All wrong: nothing to gain from any cut-off, so the best F1 is 0 and nothing is dropped.
    assert f1_threshold([(0.9, False), (0.2, False)], 3) == 0.0
    assert f1_threshold([], 3) == 0.0 and f1_threshold([(0.9, True)], 0) == 0.0


def test_a_map_fitted_on_other_features_is_refused(tmp_path):
    data = json.loads(Calibrator(Platt(EVENT_FEATURES, [0.5, 1.0, 0.3, 0.4], -4.0, 80)).to_json())
    data["event"]["features"] = ["raw_logit"]
    with pytest.raises(ValueError, match="retrain the model"):
        Calibrator.from_json(json.dumps(data))
