import json

import pytest

from pipeline.markup import MarkupError, parse_markup
from pipeline.schema import Document
from pipeline.validate import AnnotationError, check_document, require_valid, validate_dir, validate_file

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
    path = write(tmp_path, doc)
    errors = validate_file(path)
    assert errors and any(message in e for e in errors), errors
    assert all(e.startswith(f"{path}: ") for e in errors)  # the file with its directory, as given


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


def _declare(d: dict, entity: str, span: int) -> None:
    d["entities"].append({"id": entity, "name": entity})
    d["spans"][span]["entity"] = entity


# Spans: s1 AF Japanese, s2 TI Prime Minister, s3 P Shinzo Abe, s4 T met (e1), s5 P Narendra Modi,
# s6 L Osaka (e1), s7 D on Thursday (e1), s8 P Abe, s9 T visit (e2), s10 P India, s11 D next month (e2).
@pytest.mark.parametrize("mutate,message", [
    (lambda d: d["events"][1]["triggers"].append("s4"),
     "span s4: TRIGGER of events e1, e2; a trigger belongs to exactly one event"),
    (lambda d: d["spans"].append({"id": "s99", "label": "TRIGGER", "start": 102, "end": 106, "text": "will"}),
     "span s99: TRIGGER span linked to no event"),
    (lambda d: d["events"][1].update(date=[]), "span s11: DATE span linked to no event"),
    (lambda d: d["events"][0].update(location=[]), "span s6: LOCATION span linked to no event"),
    (lambda d: (d["spans"][5].update(label="TOPIC"), d["events"][0].update(location=[])),
     "span s6: TOPIC span linked to no event"),
    (lambda d: _declare(d, "abee", 7), "entity 'abee': takes part in no event (its spans: s8)"),  # a typo of abe
    (lambda d: _declare(d, "pm", 1), "entity 'pm': takes part in no event (its spans: s2)"),
    (lambda d: _declare(d, "jp", 0), "entity 'jp': takes part in no event (its spans: s1)"),
    (lambda d: d["entities"].append({"id": "ghost", "name": "Ghost"}), "entity 'ghost': takes part in no event"),
    (lambda d: d["spans"][3].update(entity="abe"), "span s4: entity 'abe' on a TRIGGER span"),
    (lambda d: d["spans"][6].update(entity="abe"), "span s7: entity 'abe' on a DATE span"),
])
def test_every_span_and_entity_belongs_to_an_event(tmp_path, mutate, message):
    doc = good_doc()
    mutate(doc)
    errors = validate_file(write(tmp_path, doc))
    assert any(message in e for e in errors), errors


@pytest.mark.parametrize("key", ["start", "end"])
def test_a_float_offset_is_a_one_line_error(tmp_path, key):
    doc = good_doc()
    doc["spans"][0][key] = float(doc["spans"][0][key])  # JSON Schema alone counts 19.0 as an integer
    path = write(tmp_path, doc)
    assert validate_file(path) == [f"{path}: spans/0/{key}: {doc['spans'][0][key]!r} is not an integer"]
    built = Document.from_json(doc)  # a Document made in code is checked too, not sliced with a float
    assert any("are not an integer pair" in e for e in check_document(built))


def test_an_empty_span_is_empty_not_outside_the_text(tmp_path):
    doc = good_doc()
    doc["spans"][0].update(end=19, text="")
    errors = validate_file(write(tmp_path, doc))
    assert any("span s1: empty (offsets 19-19)" in e for e in errors), errors
    assert not any("outside the text" in e for e in errors)


def test_a_duplicate_entity_id_is_named(tmp_path):
    doc = good_doc()
    doc["entities"].append({"id": "modi", "name": "Modi again"})
    assert any("duplicate entity id 'modi'" in e for e in validate_file(write(tmp_path, doc)))


def test_every_overlapping_pair_is_reported(tmp_path):
    doc = good_doc()
    # One TOPIC over s3 "Shinzo Abe", s4 "met" and s5 "Narendra Modi": three pairs, not only neighbours.
    doc["spans"].append({"id": "s99", "label": "TOPIC", "start": 43, "end": 71, "text": doc["text"][43:71]})
    doc["events"][0]["topics"] = ["s99"]
    errors = validate_file(write(tmp_path, doc))
    overlaps = sorted(e.split(": ", 1)[1] for e in errors if "overlaps" in e)
    assert overlaps == ["span s4: overlaps span s99", "span s5: overlaps span s99", "span s99: overlaps span s3"]


def _many_meetings(n: int) -> Document:
    """n meetings of two parties of their own, a title and a date each: 5n spans, 2n entities."""
    text, spans, entities, events = "", [], [], []
    for i in range(n):
        ids = []
        for label, word, entity in (("TITLE", "Minister", f"a{i}"), ("PARTICIPANT", f"A{i}", f"a{i}"),
                                    ("TRIGGER", "met", None), ("PARTICIPANT", f"B{i}", f"b{i}"),
                                    ("DATE", "today", None)):
            ids.append(f"s{len(spans)}")
            spans.append({"id": ids[-1], "label": label, "start": len(text), "end": len(text) + len(word),
                          "text": word, "entity": entity})
            text += word + " "
        entities += [{"id": f"a{i}", "name": f"A{i}"}, {"id": f"b{i}", "name": f"B{i}"}]
        events.append({"id": f"e{i}", "status": "occurred", "triggers": [ids[2]], "participants": [f"a{i}", f"b{i}"],
                       "date": [ids[4]]})
    return Document.from_json({"id": "many", "text": text, "spans": spans, "entities": entities, "events": events})


def test_a_document_of_many_meetings_checks_clean():
    # Its cost as it grows is measured by benchmarks/markup_scaling.py, not here.
    assert check_document(_many_meetings(2_000)) == []


def test_seed_coverage_is_checked_only_when_asked(tmp_path, root):
    (tmp_path / "good.json").write_text(json.dumps(good_doc()), encoding="utf-8")
    assert validate_dir(tmp_path, root / "seeds", every_seed=False) == (1, [])
    n, errors = validate_dir(tmp_path, root / "seeds")
    assert len(errors) == 5 and all("seed has no annotation file" in e for e in errors)
    assert require_valid(tmp_path, root / "seeds", every_seed=False) == 1
    with pytest.raises(AnnotationError, match="has no annotation file"):
        require_valid(tmp_path, root / "seeds")


def test_require_valid_names_the_first_invalid_file(tmp_path):
    doc = good_doc()
    doc["events"][0]["date"] = ["s999"]
    path = write(tmp_path, doc)
    with pytest.raises(AnnotationError, match=f"{path} is not a valid annotation file "
                                              r"\(event e1: date 's999' is not a span; 1 more error\(s\)\)"):
        require_valid(tmp_path)


def _code_blocks(path, lang: str) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [b.split("```", 1)[0] for b in text.split(f"```{lang}\n")[1:]]


def test_the_documented_examples_are_valid(root, tmp_path):
    """The annotation example of annotations/README.md passes `validate`, and the predict and
    `--merge` examples of README.md pass the output contract against their seeds, so none drifts
    from the code."""
    from pipeline.output import check_merged, check_record

    example = json.loads(_code_blocks(root / "annotations" / "README.md", "json")[0])
    path = tmp_path / f"{example['id']}.json"
    path.write_text(json.dumps(example), encoding="utf-8")
    assert validate_file(path) == []
    blocks = [json.loads(b) for b in _code_blocks(root / "README.md", "json")]
    records = [b for b in blocks if isinstance(b, dict) and "events" in b]
    merged = [b for b in blocks if isinstance(b, dict) and "sources" in b]
    assert records and merged, "README.md lost its predict or --merge example"
    seed = lambda doc_id: (root / "seeds" / f"{doc_id}.txt").read_text(encoding="utf-8")  # noqa: E731
    for rec in records:
        assert check_record(rec, seed(rec["doc_id"])) == []
    for m in merged:
        assert check_merged(m, {s["doc_id"]: seed(s["doc_id"]) for s in m["sources"]}) == []
