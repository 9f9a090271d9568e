"""Event-level scoring, the basis of every figure in the README: checked against a perfect
prediction built from the gold annotation, then against known damage."""

import copy

import pytest

from pipeline.agreement import AgreementError, agreement, as_record, unpaired
from pipeline.evaluate import _participant_matches, event_scores
from pipeline.schema import Document, load_document

SEED = "001_9f3ea27a63f6ddfc"


@pytest.fixture()
def gold(root):
    return load_document(root / "annotations" / f"{SEED}.json")


def perfect(doc) -> dict:
    """The gold annotation in the output contract's shape, confidence 0.9 throughout."""
    record = as_record(doc)
    for ev in record["events"]:
        ev["confidence"] = 0.9
        for p in ev["participants"]:
            p["confidence"] = 0.9
    return record


def test_a_perfect_prediction_scores_one_everywhere(gold):
    m, conf = event_scores([perfect(gold)], [gold])
    for key in ("event_f1", "participant_f1", "status_accuracy", "date_accuracy", "location_accuracy",
                "exact_event_f1", "title_accuracy", "country_accuracy"):
        assert m[key] == pytest.approx(1.0), key
    assert all(hit for _, hit in conf["event"]) and len(conf["event"]) == len(gold.events)


def test_a_wrong_status_costs_status_and_exact_but_not_the_match(gold):
    pred = perfect(gold)
    pred["events"][0]["status"] = "cancelled" if pred["events"][0]["status"] != "cancelled" else "planned"
    m, _ = event_scores([pred], [gold])
    n = len(gold.events)
    assert m["event_f1"] == pytest.approx(1.0)
    assert m["status_accuracy"] == pytest.approx((n - 1) / n) and m["exact_event_f1"] == pytest.approx((n - 1) / n)


def test_an_event_with_one_party_left_does_not_match(gold):
    pred = perfect(gold)
    k = next(i for i, e in enumerate(pred["events"]) if len(e["participants"]) == 2)
    pred["events"][k]["participants"] = pred["events"][k]["participants"][:1]
    m, conf = event_scores([pred], [gold])
    n = len(gold.events)
    assert m["event_recall"] == pytest.approx((n - 1) / n) and m["event_precision"] == pytest.approx((n - 1) / n)
    assert conf["event"][k] == (0.9, False)


def test_a_duplicate_event_costs_precision_only(gold):
    pred = perfect(gold)
    pred["events"].append(copy.deepcopy(pred["events"][0]))
    m, _ = event_scores([pred], [gold])
    n = len(gold.events)
    assert m["event_recall"] == pytest.approx(1.0) and m["event_precision"] == pytest.approx(n / (n + 1))


def test_a_wrong_country_or_title_is_counted(gold):
    pred = perfect(gold)
    party = next(p for e in pred["events"] for p in e["participants"] if p["country"] and p["title"])
    party["country"], party["title"] = "ATA", "Court Jester"
    m, _ = event_scores([pred], [gold])
    assert m["country_accuracy"] < 1.0 and m["title_accuracy"] < 1.0


def test_accuracies_with_no_matched_event_are_unknown_not_zero(gold):
    from pipeline.evaluate import format_table

    m, _ = event_scores([{"doc_id": gold.id, "events": []}], [gold])
    assert m["event_f1"] == 0.0 and m["event_recall"] == 0.0
    for key in ("status_accuracy", "date_accuracy", "location_accuracy", "title_accuracy", "country_accuracy"):
        assert m[key] is None, key
    assert "status_accuracy              n/a" in format_table(m, {})


def test_a_party_with_a_stray_mention_of_another_does_not_take_its_place():
    gold = {"participants": {"tokayev": [(0, 7), (40, 58)], "szijjarto": [(10, 19)]}}
    # Szijjarto also carries "the Kazakh president" (40-58), a mention of Tokayev.
    pred = {"participants": [{"mentions": [{"start": 10, "end": 19}, {"start": 40, "end": 58}]},
                             {"mentions": [{"start": 0, "end": 7}]}]}
    assert sorted(_participant_matches(pred, gold)) == [(0, "szijjarto"), (1, "tokayev")]
    assert _participant_matches({"participants": []}, gold) == []


def _meeting(doc_id: str = "d1", text: str = "Qin met Burns.") -> Document:
    return Document.from_json({
        "id": doc_id, "text": text,
        "spans": [{"id": "s1", "label": "PARTICIPANT", "start": 0, "end": 3, "text": "Qin", "entity": "q"},
                  {"id": "s2", "label": "TRIGGER", "start": 4, "end": 7, "text": "met"},
                  {"id": "s3", "label": "PARTICIPANT", "start": 8, "end": 13, "text": "Burns", "entity": "b"}],
        "entities": [{"id": "q", "name": "Qin"}, {"id": "b", "name": "Burns"}],
        "events": [{"id": "e1", "status": "occurred", "triggers": ["s2"], "participants": ["q", "b"]}]})


def test_agreement_on_nothing_is_null_not_zero():
    empty = [Document(id="d1", text="No meeting here.")]
    scores = agreement(empty, empty)
    assert scores["documents"] == 1 and scores["events_gold"] == scores["events_predicted"] == 0
    for key in ("span_f1_exact", "span_f1_overlap", "event_f1", "participant_f1", "exact_event_f1",
                "status_accuracy", "date_accuracy", "location_accuracy", "title_accuracy", "country_accuracy"):
        assert scores[key] is None, key
    one_sided = agreement([_meeting()], [Document(id="d1", text="Qin met Burns.")])
    assert one_sided["event_f1"] == 0.0 and one_sided["span_f1_exact"] == 0.0  # a real disagreement
    assert one_sided["status_accuracy"] is None  # no matched event to compare a status on


def test_agreement_refuses_a_shared_id_with_another_text():
    with pytest.raises(AgreementError, match="texts differ between the two sets in d1"):
        agreement([_meeting()], [_meeting(text="Qin met Burns!")])


def test_agreement_scores_the_shared_documents_and_names_the_rest():
    a, b = [_meeting("d1"), _meeting("d2")], [_meeting("d1"), _meeting("d3")]
    assert agreement(a, b)["documents"] == 1 and agreement(a, b)["event_f1"] == 1.0
    assert unpaired(a, b) == (["d2"], ["d3"])


def test_a_gold_title_names_its_holder_s_country_where_no_affiliation_does():
    from pipeline.evaluate import gold_attributes

    text = "Prime Minister of Norway Jonas Gahr Store met the US envoy for Ukraine Kurt Volker."
    spans = [("TITLE", "Prime Minister of Norway", "n"), ("PARTICIPANT", "Jonas Gahr Store", "n"),
             ("AFFILIATION", "US", "v"), ("TITLE", "envoy for Ukraine", "v"), ("PARTICIPANT", "Kurt Volker", "v")]
    doc = Document.from_json({
        "id": "d", "text": text,
        "spans": [{"id": f"s{k}", "label": lab, "start": text.index(t), "end": text.index(t) + len(t), "text": t,
                   "entity": e} for k, (lab, t, e) in enumerate(spans)],
        "entities": [{"id": "n", "name": "Jonas Gahr Store"}, {"id": "v", "name": "Kurt Volker"}], "events": []})
    attrs = gold_attributes(doc)
    assert (attrs["n"][1], attrs["v"][1]) == ({"NOR"}, {"USA"})  # a remit ("for Ukraine") names none
