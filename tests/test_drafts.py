"""Model-assisted annotation: predicted events as markup drafts that import back as annotations."""

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.drafts import draft_document, draft_markup
from pipeline.events import Candidate, PredSpan, assemble
from pipeline.extract import Article
from pipeline.markup import MarkupError, parse_markup, to_markup
from pipeline.schema import Document, Entity, Event, Span
from pipeline.validate import check_document

runner = CliRunner()
TEXT = ("Chinese Foreign Minister Qin Gang met US Ambassador Nicholas Burns in Beijing on Monday. "
        "Mr. Qin told Burns that ties must stabilise. Qin is set to visit the Philippines on Friday.")


def span(label: str, surface: str, nth: int = 0, text: str = TEXT) -> PredSpan:
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return PredSpan(label, start, start + len(surface), 0.95)


def record(text: str = TEXT) -> dict:
    s = lambda *a: span(*a, text=text)  # noqa: E731
    met = Candidate(s("occurred", "met"), [
        s("AFFILIATION", "Chinese"), s("TITLE", "Foreign Minister"), s("PARTICIPANT", "Qin Gang"),
        s("AFFILIATION", "US"), s("TITLE", "Ambassador"), s("PARTICIPANT", "Nicholas Burns"),
        s("LOCATION", "Beijing"), s("DATE", "on Monday"), s("PARTICIPANT", "Burns", 1)])
    visit = Candidate(s("planned", "visit"), [s("PARTICIPANT", "Qin", 2), s("PARTICIPANT", "Philippines"),
                                              s("DATE", "on Friday")])
    return {"doc_id": "d1", "events": assemble(text, "2023-05-08", [met, visit])}


def test_a_draft_is_a_valid_annotation_with_every_predicted_field():
    doc = draft_document(Article("d1", TEXT), record())
    assert check_document(doc) == []
    labels = {(s.label, s.text) for s in doc.spans}
    assert {("TRIGGER", "met"), ("TRIGGER", "visit"), ("TITLE", "Foreign Minister"), ("AFFILIATION", "US"),
            ("LOCATION", "Beijing"), ("DATE", "on Friday"), ("PARTICIPANT", "Qin")} <= labels
    met, visit = doc.events
    assert (met.status, met.participants, visit.participants) == ("occurred", ["qin_gang", "nicholas_burns"],
                                                                   ["qin_gang", "philippines"])
    assert [doc.span(i).value for i in visit.date] == ["2023-05-12"]


def test_the_draft_file_imports_back_to_the_same_document():
    art = Article("d1", TEXT)
    source, confidences = draft_markup(art, record(), "rn394")
    assert len(confidences) == 2 and all(0 < c <= 1 for c in confidences)
    assert source.startswith("# Draft of rn394") and "e1 occurred qin_gang,nicholas_burns  # confidence" in source
    back, doc = parse_markup(source), draft_document(art, record())
    assert back.text == TEXT and check_document(back) == []
    assert sorted((s.label, s.start, s.end, s.entity, s.value) for s in back.spans) == sorted(
        (s.label, s.start, s.end, s.entity, s.value) for s in doc.spans)


def test_an_article_dated_by_jsonl_gets_its_date_line_and_offsets_move_with_it():
    doc = draft_document(Article("d1", TEXT, date="2023-05-08"), record())
    assert doc.text == " date 2023-05-08 \n\n" + TEXT and doc.date == "2023-05-08"
    assert check_document(doc) == [] and all(doc.text[s.start:s.end] == s.text for s in doc.spans)


def test_overlaps_keep_the_span_that_holds_the_event_and_orphans_go():
    rec = record()
    burns = rec["events"][0]["participants"][1]
    # A place tagged over a party mention loses to the party; a party whose only mention is lost
    # to a trigger leaves its event with one party, and the event, its spans and the party go.
    rec["events"][0]["location"] = {"text": "Burns in Beijing", "start": TEXT.index("Burns in"),
                                    "end": TEXT.index("Burns in") + 16}
    rec["events"][1]["participants"][1]["mentions"] = [{"text": "visit", "start": TEXT.index("visit"),
                                                        "end": TEXT.index("visit") + 5}]
    doc = draft_document(Article("d1", TEXT), rec)
    assert check_document(doc) == [] and len(doc.events) == 1 and burns["name"] == "Nicholas Burns"
    assert not any(s.label == "LOCATION" for s in doc.spans)
    assert not any(s.text in ("on Friday", "Philippines") for s in doc.spans)
    assert [e.id for e in doc.entities] == ["qin_gang", "nicholas_burns"]


@pytest.mark.parametrize("aside", ["[see|P:x]", "[see|TO:e1]"])
def test_text_that_reads_as_a_tag_cannot_be_a_draft(aside):
    text = f"Editor's note {aside} Qin met Burns."
    at = text.index("Qin")
    doc = Document("d", text, [Span("s1", "PARTICIPANT", at, at + 3, "Qin", "q"),
                               Span("s2", "TRIGGER", at + 4, at + 7, "met"),
                               Span("s3", "PARTICIPANT", at + 8, at + 13, "Burns", "b")],
                   [Entity("q", "Qin"), Entity("b", "Burns")], [Event("e1", "occurred", ["s2"], ["q", "b"])])
    assert "[Qin|P:q]" in to_markup(Document("d", text[at:], [Span(s.id, s.label, s.start - at, s.end - at, s.text,
                                                                       s.entity) for s in doc.spans],
                                              doc.entities, doc.events))
    with pytest.raises(MarkupError, match="^d: cannot be written as markup"):
        to_markup(doc)


def test_cli_draft_never_replaces_a_draft_and_checks_before_loading_a_model(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "a.txt").write_text("corrected by hand")
    args = ["draft", str(tmp_path / "a.txt"), "--out", str(tmp_path / "out"), "--model", str(tmp_path / "none")]
    result = runner.invoke(app, args)
    assert result.exit_code == 1 and "exists" in result.output and "--force" in result.output
    assert (tmp_path / "out" / "a.txt").read_text() == "corrected by hand"
    result = runner.invoke(app, [*args, "--force"])
    assert result.exit_code == 1 and "Traceback" not in result.output and "none" in result.output


def test_a_date_phrase_two_events_resolve_differently_keeps_no_value():
    rec = record()
    friday = rec["events"][1]["date"]
    rec["events"][0]["date"] = {**friday, "value": "2023-05-05"}  # the same words read for a past meeting
    doc = draft_document(Article("d1", TEXT), rec)
    (date,) = [s for s in doc.spans if s.label == "DATE"]
    assert date.value is None and check_document(doc) == []


def test_cli_draft_refuses_its_inputs_and_text_markup_cannot_hold_before_loading_a_model(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT)
    args = ["draft", str(tmp_path), "--out", str(tmp_path), "--force", "--model", str(tmp_path / "none")]
    result = runner.invoke(app, args)
    assert result.exit_code == 1 and "is one of the inputs" in result.output
    assert (tmp_path / "a.txt").read_text() == TEXT
    (tmp_path / "b.txt").write_text("[File photo|AP:x] " + TEXT)
    result = runner.invoke(app, ["draft", str(tmp_path / "b.txt"), "--out", str(tmp_path / "out"),
                                 "--model", str(tmp_path / "none")])
    assert result.exit_code == 1 and "cannot be written as markup" in result.output
    assert "none" not in result.output.split("markup")[0] and not (tmp_path / "out").exists()
