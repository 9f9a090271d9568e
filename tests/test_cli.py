import json

import pytest
from typer.testing import CliRunner

from pipeline.cli import app

runner = CliRunner()


def test_validate_passes_on_the_repository():
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output


def test_validate_reports_errors_in_one_line_each(tmp_path):
    (tmp_path / "bad.json").write_text(json.dumps({"id": "bad", "text": "Hi", "spans": [
        {"id": "s1", "label": "TRIGGER", "start": 0, "end": 9, "text": "Hi"}], "entities": [], "events": []}))
    (tmp_path / "no_seeds").mkdir()
    result = runner.invoke(app, ["validate", "--annotations", str(tmp_path), "--seeds", str(tmp_path / "no_seeds")])
    assert result.exit_code == 1
    assert "bad.json: span s1: offsets 0-9 outside the text" in result.output
    assert "Traceback" not in result.output


def test_validate_unreadable_json(tmp_path):
    (tmp_path / "broken.json").write_text("{not json")
    (tmp_path / "no_seeds").mkdir()
    result = runner.invoke(app, ["validate", "--annotations", str(tmp_path), "--seeds", str(tmp_path / "no_seeds")])
    assert result.exit_code == 1 and "broken.json: cannot read" in result.output


def test_validate_rejects_a_missing_seeds_directory(tmp_path):
    result = runner.invoke(app, ["validate", "--seeds", str(tmp_path / "nope")])
    assert result.exit_code == 1 and "no such seeds directory" in result.output


def test_validate_refuses_a_directory_without_annotation_files(tmp_path):
    result = runner.invoke(app, ["validate", "--annotations", str(tmp_path)])
    assert result.exit_code == 1 and f"no annotation files (*.json) in {tmp_path}" in result.output


@pytest.mark.parametrize("make", [False, True])
def test_train_refuses_a_missing_or_empty_seeds_directory(tmp_path, make):
    seeds = tmp_path / "seeds"
    if make:
        seeds.mkdir()
    result = runner.invoke(app, ["train", "--set", f"data.seeds={seeds}", "--set", f"output_dir={tmp_path}",
                                 "--set", "tracking.enabled=false"])
    assert result.exit_code == 1 and f"no seed articles (*.txt) in {seeds}" in result.output, result.output


def test_train_rejects_unknown_config_key():
    result = runner.invoke(app, ["train", "--set", "train.epoch=3"])
    assert result.exit_code == 1
    assert "train.epoch" in result.output and "Traceback" not in result.output


def test_train_rejects_missing_config_file(tmp_path):
    result = runner.invoke(app, ["train", "--config", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1 and "cannot read config" in result.output


def test_predict_missing_input_fails_before_loading_a_model(tmp_path):
    result = runner.invoke(app, ["predict", str(tmp_path / "missing.txt"), "--model", str(tmp_path)])
    assert result.exit_code == 1 and "no such file or directory" in result.output


def test_predict_without_trained_model(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Leaders met.")
    result = runner.invoke(app, ["predict", str(article), "--model", str(tmp_path / "models/none")])
    assert result.exit_code == 1 and "run `train` first" in result.output


def test_predict_bad_date_option(tmp_path):
    result = runner.invoke(app, ["predict", "-", "--date", "08/05/2023"])
    assert result.exit_code == 1 and "YYYY-MM-DD" in result.output


def test_import_markup_refuses_to_overwrite(tmp_path):
    src = tmp_path / "m.txt"
    src.write_text("id: m1\n---\n[A|P:a] [met|T:e1] [B|P:b].\n---\ne1 occurred a,b\n")
    args = ["import-markup", str(src), "--out", str(tmp_path / "ann"), "--seeds", str(tmp_path / "none")]
    assert runner.invoke(app, args).exit_code == 0
    again = runner.invoke(app, args)
    assert again.exit_code == 1 and "--force" in again.output


def test_agreement_of_a_set_with_itself_is_perfect(root):
    result = runner.invoke(app, ["agreement", str(root / "annotations"), str(root / "annotations")])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores["span_f1_exact"] == 1.0 and scores["event_f1"] == 1.0 and scores["status_accuracy"] == 1.0


def test_cv_rejects_an_unknown_split_before_training():
    result = runner.invoke(app, ["cv", "--only", "fold-9", "--set", "tracking.enabled=false"])
    assert result.exit_code == 1
    assert "unknown split(s) fold-9" in result.output and "real-news, fold-1" in result.output


def test_rescore_rejects_a_missing_directory(tmp_path):
    result = runner.invoke(app, ["rescore", str(tmp_path / "nope")])
    assert result.exit_code == 1 and "is not a directory" in result.output and "Traceback" not in result.output


def _annotation(tmp_path, doc_id="d1", text="Qin met Burns.", value=None):
    spans = [{"id": "s1", "label": "PARTICIPANT", "start": 0, "end": 3, "text": "Qin", "entity": "q"},
             {"id": "s2", "label": "TRIGGER", "start": 4, "end": 7, "text": "met"},
             {"id": "s3", "label": "PARTICIPANT", "start": 8, "end": 13, "text": "Burns", "entity": "b"}]
    if value:
        spans.append({"id": "s4", "label": "DATE", "start": 0, "end": 3, "text": text[:3], "value": value})
    doc = {"id": doc_id, "text": text, "spans": spans,
           "entities": [{"id": "q", "name": "Qin"}, {"id": "b", "name": "Burns"}],
           "events": [{"id": "e1", "status": "occurred", "triggers": ["s2"], "participants": ["q", "b"]}]}
    (tmp_path / f"{doc_id}.json").write_text(json.dumps(doc))


@pytest.mark.parametrize("kind,message", [
    ("date_line", "date line '2023-02-30' is not a calendar day"),
    ("value", "value '2024-02-30' is not a YYYY-MM-DD calendar day"),
])
def test_validate_checks_dates(tmp_path, kind, message):
    if kind == "date_line":
        _annotation(tmp_path, text=" date 2023-02-30\nQin met Burns.")
    else:
        _annotation(tmp_path, value="2024-02-30")
    (tmp_path / "no_seeds").mkdir()
    result = runner.invoke(app, ["validate", "--annotations", str(tmp_path), "--seeds", str(tmp_path / "no_seeds")])
    assert result.exit_code == 1 and message in result.output, result.output


def test_validate_shortens_a_message_that_quotes_the_whole_document(tmp_path):
    (tmp_path / "list.json").write_text(json.dumps([{"text": "x" * 5000}]))
    (tmp_path / "no_seeds").mkdir()
    result = runner.invoke(app, ["validate", "--annotations", str(tmp_path), "--seeds", str(tmp_path / "no_seeds")])
    assert result.exit_code == 1 and len(result.output) < 600


def test_corpus_commands_report_a_broken_file_in_one_line(tmp_path):
    _annotation(tmp_path)
    (tmp_path / "broken.json").write_text("{not json")
    for args in (["stats", "--annotations", str(tmp_path)], ["agreement", str(tmp_path), str(tmp_path)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1 and "broken.json is not a valid annotation file" in result.output
        assert "Traceback" not in result.output


def test_import_markup_refuses_an_id_that_is_a_path(tmp_path):
    src = tmp_path / "m.txt"
    src.write_text("id: ../escaped\n---\n[A|P:a] [met|T:e1] [B|P:b].\n---\ne1 occurred a,b\n")
    (tmp_path / "ann").mkdir()
    result = runner.invoke(app, ["import-markup", str(src), "--out", str(tmp_path / "ann"),
                                 "--seeds", str(tmp_path / "none")])
    assert result.exit_code == 1 and "not a plain file name" in result.output
    assert not (tmp_path / "escaped.json").exists() and not list((tmp_path / "ann").iterdir())


@pytest.mark.parametrize("date", ["20230508", "2023-W19-1", "2023-02-30"])
def test_predict_date_option_is_a_calendar_day(date):
    result = runner.invoke(app, ["predict", "-", "--date", date])
    assert result.exit_code == 1 and "YYYY-MM-DD" in result.output


def test_predict_reports_invalid_inputs_before_loading_a_model(tmp_path):
    (tmp_path / "a.txt").write_text("Qin met Burns.")
    (tmp_path / "b.txt").write_text("")
    (tmp_path / "c.txt").write_text(" date 2023-02-30\nQin met Burns.")
    result = runner.invoke(app, ["predict", str(tmp_path), "--model", str(tmp_path / "no-model")])
    assert result.exit_code == 1
    assert "b.txt: empty document (and 1 more); nothing was predicted (--skip-invalid" in result.output


def test_predict_never_writes_over_an_input(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Qin met Burns.")
    for output in (article, tmp_path / "." / "a.txt"):
        result = runner.invoke(app, ["predict", str(article), "--output", str(output), "--model", str(tmp_path)])
        assert result.exit_code == 1 and "is one of the inputs" in result.output
    result = runner.invoke(app, ["predict", str(article), "--output", str(tmp_path), "--model", str(tmp_path)])
    assert result.exit_code == 1 and "is a directory" in result.output
    assert article.read_text() == "Qin met Burns."


def test_predict_replaces_only_earlier_output_unless_forced(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Qin met Burns.")
    notes = tmp_path / "notes.txt"  # an article or annotation file given by mistake
    notes.write_text("Wang met Blinken.")
    ann = tmp_path / "w1.json"
    ann.write_text('{"id": "w1", "text": "x", "spans": []}')
    model = ["--model", str(tmp_path / "no-model")]
    for target in (notes, ann):
        result = runner.invoke(app, ["predict", str(article), "--output", str(target), *model])
        assert result.exit_code == 1 and "exists and is not earlier predict output" in result.output
    assert notes.read_text() == "Wang met Blinken."
    earlier = tmp_path / "out.jsonl"
    for line in ('{"doc_id": "a", "document_date": null, "events": []}\n', '{"sources": [], "type": "meeting"}\n', ""):
        earlier.write_text(line)
        result = runner.invoke(app, ["predict", str(article), "--output", str(earlier), *model])
        assert result.exit_code == 1 and "exists" not in result.output  # checked, then no model
    result = runner.invoke(app, ["predict", str(article), "--output", str(notes), "--force", *model])
    assert result.exit_code == 1 and "exists" not in result.output
    assert notes.read_text() == "Wang met Blinken."  # nothing written without a model


def test_a_date_line_that_is_no_day_is_a_one_line_error_everywhere(tmp_path):
    ann = tmp_path / "ann"
    ann.mkdir()
    _annotation(ann, text=" date 2023-02-30\nQin met Burns.")
    result = runner.invoke(app, ["stats", "--annotations", str(ann)])
    assert result.exit_code == 1 and "is not a calendar day" in result.output and "Traceback" not in result.output
    src = tmp_path / "m.txt"
    src.write_text("id: m2\ndate: 2023-05-08\n---\n date 2023-02-30\n"
                   "[A|P:a] [met|T:e1] [B|P:b].\n---\ne1 occurred a,b\n")
    result = runner.invoke(app, ["import-markup", str(src), "--out", str(tmp_path / "out"),
                                 "--seeds", str(tmp_path / "none")])
    assert result.exit_code == 1 and "already starts with a date line" in result.output


def test_validate_checks_seed_coverage_only_for_the_project_annotations(tmp_path):
    _annotation(tmp_path)  # a second pass over one document, not a corpus
    result = runner.invoke(app, ["validate", "--annotations", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "seed has no annotation file" not in result.output
    result = runner.invoke(app, ["validate", "--annotations", str(tmp_path), "--require-seeds"])
    assert result.exit_code == 1 and result.output.count("seed has no annotation file") == 5


def test_validate_names_the_file_with_its_directory(tmp_path):
    (tmp_path / "pass2").mkdir()
    _annotation(tmp_path / "pass2")
    (tmp_path / "pass2" / "d1.json").write_text((tmp_path / "pass2" / "d1.json").read_text().replace('"s3"', '"s2"'))
    result = runner.invoke(app, ["validate", "--annotations", str(tmp_path / "pass2")])
    assert result.exit_code == 1 and f"{tmp_path / 'pass2' / 'd1.json'}: span s2: duplicate id" in result.output


@pytest.mark.parametrize("broken", ["first", "second"])
def test_agreement_validates_both_sets_and_names_a_broken_file(tmp_path, broken):
    for name in ("first", "second"):
        (tmp_path / name).mkdir()
        _annotation(tmp_path / name)
    doc = json.loads((tmp_path / broken / "d1.json").read_text())
    doc["events"][0]["triggers"] = []  # was an IndexError in scoring
    (tmp_path / broken / "d1.json").write_text(json.dumps(doc))
    result = runner.invoke(app, ["agreement", str(tmp_path / "first"), str(tmp_path / "second")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{tmp_path / broken / 'd1.json'} is not a valid annotation file (event e1: no trigger" in result.output


def test_agreement_refuses_texts_that_differ(tmp_path):
    for name, text in (("first", "Qin met Burns."), ("second", "Qin met Burns!")):
        (tmp_path / name).mkdir()
        _annotation(tmp_path / name, text=text)
    result = runner.invoke(app, ["agreement", str(tmp_path / "first"), str(tmp_path / "second")])
    assert result.exit_code == 1 and "texts differ between the two sets in d1; offsets cannot be compared" \
        in result.output


def test_agreement_names_the_documents_of_one_set_only(tmp_path):
    for name, ids in (("first", ("d1", "d2", "d3")), ("second", ("d1", "d4"))):
        (tmp_path / name).mkdir()
        for doc_id in ids:
            _annotation(tmp_path / name, doc_id=doc_id)
    result = runner.invoke(app, ["agreement", str(tmp_path / "first"), str(tmp_path / "second")])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["documents"] == 1
    assert f"warning: 2 document(s) only in {tmp_path / 'first'}, not scored: d2, d3" in result.stderr
    assert f"warning: 1 document(s) only in {tmp_path / 'second'}, not scored: d4" in result.stderr


def test_agreement_warning_lists_at_most_ten_unpaired_documents(tmp_path):
    for name, ids in (("first", [f"d{i:02}" for i in range(13)]), ("second", ["d00"])):
        (tmp_path / name).mkdir()
        for doc_id in ids:
            _annotation(tmp_path / name, doc_id=doc_id)
    result = runner.invoke(app, ["agreement", str(tmp_path / "first"), str(tmp_path / "second")])
    assert result.exit_code == 0, result.output
    assert "12 document(s) only in" in result.stderr and "d01, d02" in result.stderr
    assert "d10 and 2 more" in result.stderr and "d11" not in result.stderr


def test_stats_counts_seeds_from_the_seeds_directory(tmp_path):
    (tmp_path / "ann").mkdir()
    (tmp_path / "seeds").mkdir()
    for doc_id in ("012_example", "w1_01", "other"):  # none is a seed, whatever its first letter
        _annotation(tmp_path / "ann", doc_id=doc_id)
    (tmp_path / "seeds" / "other.txt").write_text("Qin met Burns.")
    result = runner.invoke(app, ["stats", "--annotations", str(tmp_path / "ann"), "--seeds", str(tmp_path / "seeds")])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["seed_documents"] == 1
    result = runner.invoke(app, ["stats", "--annotations", str(tmp_path / "ann"), "--seeds", str(tmp_path / "nope")])
    assert result.exit_code == 1 and "no such seeds directory" in result.output


def test_dev_and_proc_paths_are_written_into_never_replaced(tmp_path):
    from pathlib import Path

    from pipeline.runs import _special

    assert _special(Path("/dev/null")) and _special(Path("/dev/stdout")) and _special(Path("/proc/self/fd/1"))
    (tmp_path / "f.jsonl").write_text("")
    assert not _special(tmp_path / "f.jsonl") and not _special(tmp_path) and not _special(tmp_path / "missing")


def test_command_help_paragraphs_are_single_lines():
    # Typer's rich help keeps a docstring's line breaks: a paragraph wrapped in the source would
    # show as a ragged line in `--help`.
    import inspect

    for command in app.registered_commands:
        doc = inspect.getdoc(command.callback) or ""
        for paragraph in doc.split("\n\n"):
            assert "\n" not in paragraph, (command.callback.__name__, paragraph)
