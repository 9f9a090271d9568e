import json

import pytest

from pipeline.markup import MarkupError, parse_markup
from pipeline.validate import validate_dir, validate_file

MARKUP = """id: x1
date: 2019-06-28
---
[Japanese|AF:abe] [Prime Minister|TI:abe] [Shinzo Abe|P:abe] [met|T:e1] [Narendra Modi|P:modi] in [Osaka|L:e1] \
[on Thursday|D:e1=2019-06-27], and [Abe|P:abe] will [visit|T:e2] [India|P:india] [next month|D:e2].
---
e1 occurred abe,modi
e2 planned abe,india
"""


def test_markup_offsets_index_the_text():
    doc = parse_markup(MARKUP)
    assert doc.date == "2019-06-28"
    for s in doc.spans:
        assert doc.text[s.start:s.end] == s.text
    assert [e.status for e in doc.events] == ["occurred", "planned"]
    assert {e.id: e.name for e in doc.entities}["abe"] == "Shinzo Abe"
    assert doc.span(doc.events[0].date[0]).value == "2019-06-27"
    assert doc.span(doc.events[1].date[0]).value is None


def test_markup_must_reproduce_seed_text():
    with pytest.raises(MarkupError, match="differs from the seed"):
        parse_markup("id: s\n---\n[Qin|P:q] met [Burns|P:b].\n---\n", seed_text="Qin met Blinken.")


def test_markup_event_without_status_line_is_an_error():
    with pytest.raises(MarkupError, match="no line in the event list"):
        parse_markup("id: s\n---\n[A|P:a] [met|T:e1] [B|P:b].\n---\n")


def write(tmp_path, doc: dict):
    path = tmp_path / f"{doc['id']}.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def good_doc() -> dict:
    return parse_markup(MARKUP).to_json() | {"id": "good"}


def test_valid_document_has_no_errors(tmp_path):
    assert validate_file(write(tmp_path, good_doc())) == []


@pytest.mark.parametrize("mutate,message", [
    (lambda d: d["spans"][0].update(end=10_000), "outside the text"),
    (lambda d: d["spans"][0].update(text="Chinese"), "differs from the text at its offsets"),
    (lambda d: d["spans"][0].update(label="PERSON"), "unknown label"),
    (lambda d: d["spans"][1].update(id=d["spans"][0]["id"]), "duplicate id"),
    (lambda d: d["events"][0].update(triggers=["s999"]), "is not a span"),
    (lambda d: d["events"][0].update(participants=["abe", "nobody"]), "not a declared entity"),
    (lambda d: d["events"][0].update(status="maybe"), "unknown status"),
    (lambda d: d["events"][0].update(participants=["abe"]), "fewer than two participants"),
    (lambda d: d["spans"].append({**d["spans"][2], "id": "s99", "start": d["spans"][2]["start"] + 1,
                                  "text": d["text"][d["spans"][2]["start"] + 1:d["spans"][2]["end"]]}), "overlaps"),
    (lambda d: d.update(extra=1), "Additional properties"),
])
def test_validation_errors_name_file_span_and_problem(tmp_path, mutate, message):
    doc = good_doc()
    mutate(doc)
    errors = validate_file(write(tmp_path, doc))
    assert errors and any(message in e for e in errors), errors
    assert all(e.startswith("good.json") for e in errors)


def test_changed_seed_text_is_caught(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    doc = good_doc()
    (seeds / "good.txt").write_text(doc["text"] + " edited", encoding="utf-8")
    path = write(tmp_path, doc)
    assert any("differs from" in e for e in validate_file(path, seeds))


def test_repository_annotations_are_valid(root):
    n, errors = validate_dir(root / "annotations", root / "seeds")
    assert n >= 85
    assert errors == []
