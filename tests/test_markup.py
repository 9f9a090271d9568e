"""Inline markup import: errors with their line, seeds and their dates, batches, scale."""

import json

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.markup import MarkupError, convert_file, parse_markup
from pipeline.markup import to_markup as write_markup
from pipeline.schema import Document, document_date
from pipeline.validate import check_document

runner = CliRunner()
GOOD_BODY = "[Shinzo Abe|P:abe] [met|T:e1] [Narendra Modi|P:modi]."


def markup(body: str = GOOD_BODY, footer: str = "e1 occurred abe,modi", header: str = "id: t_x") -> str:
    return f"{header}\n---\n{body}\n---\n{footer}\n"


def error_of(source: str, seed_text: str | None = None) -> str:
    with pytest.raises(MarkupError) as info:
        parse_markup(source, seed_text)
    return str(info.value)


def to_markup(doc: dict, date_header: bool = False) -> str:
    """An annotation file written back as markup (`markup.to_markup`). With `date_header`, a dated
    text's date line moves to the header (for seeds, whose date line is then taken from the seed)."""
    source = write_markup(Document.from_json(doc))
    if date_header and (date := document_date(doc["text"])):
        header, body = source.split("\n---\n", 1)
        source = f"{header}\ndate: {date}\n---\n" + body[body.index(date) + len(date):]
    return source


def same_annotation(a: dict, b: dict) -> bool:
    """Equal up to span ids and the order of lists."""
    def spans(d):
        return {s["id"]: (s["label"], s["start"], s["end"], s["text"], s.get("entity"), s.get("value"))
                for s in d["spans"]}

    def events(d):
        sp = spans(d)
        return {e["id"]: (e["status"], sorted(e["participants"]),
                          *(sorted(sp[i] for i in e.get(k, [])) for k in ("triggers", "date", "location", "topics")))
                for e in d["events"]}

    return (a["text"] == b["text"] and a.get("meta", {}) == b.get("meta", {})
            and sorted(spans(a).values(), key=str) == sorted(spans(b).values(), key=str)
            and {e["id"]: e["name"] for e in a["entities"]} == {e["id"]: e["name"] for e in b["entities"]}
            and events(a) == events(b))


def test_every_annotation_file_round_trips_through_markup(root):
    """The stricter import refuses nothing the corpus holds."""
    files = sorted((root / "annotations").glob("*.json"))
    assert len(files) >= 85
    for path in files:
        doc = json.loads(path.read_text(encoding="utf-8"))
        seed = root / "seeds" / f"{doc['id']}.txt"
        seed_text = seed.read_text(encoding="utf-8") if seed.exists() else None
        for date_header in (False, True) if seed_text else (False,):
            back = parse_markup(to_markup(doc, date_header), seed_text)
            assert same_annotation(back.to_json(), doc), (path.name, date_header)


# 1. The date header
@pytest.mark.parametrize("value", ["June 3 2019", "2019-6-3", "2019-13-28", ""])
def test_date_header_must_be_a_calendar_day(value):
    message = error_of(markup(header=f"id: t_x\ndate: {value}"))
    assert message == f"line 2: header 'date: {value}' is not a YYYY-MM-DD calendar day"


def test_new_article_date_header_becomes_its_date_line():
    doc = parse_markup(markup(header="id: t_x\ndate: 2019-06-03"))
    assert doc.text.startswith(" date 2019-06-03 \n\n") and doc.date == "2019-06-03"
    assert all(doc.text[s.start:s.end] == s.text for s in doc.spans)


# 2. Seeds and the date header
DATED_SEED = " date 2023-05-08 \n\n\n[Qin|P:q] [met|T:e1] [Burns|P:b]."


def seed_markup(header: str, body: str) -> str:
    return markup(body, "e1 occurred q,b", f"id: s\n{header}")


@pytest.mark.parametrize("header,body", [
    ("", DATED_SEED),  # the date line copied into the body
    ("date: 2023-05-08", "[Qin|P:q] [met|T:e1] [Burns|P:b]."),  # or given in the header
])
def test_a_dated_seed_takes_its_date_from_the_seed(header, body):
    seed = " date 2023-05-08 \n\n\nQin met Burns.\n"
    doc = parse_markup(seed_markup(header, body), seed)
    assert doc.text == seed and doc.date == "2023-05-08" and "date" not in doc.meta
    assert [(s.start, s.text) for s in doc.spans] == [(20, "Qin"), (24, "met"), (28, "Burns")]


@pytest.mark.parametrize("header,body,seed,message", [
    ("date: 2023-05-08", "[Qin|P:q] [met|T:e1] [Burns|P:b].", "Qin met Burns.",
     "line 2: the seed has no date line: drop the 'date:' header"),
    ("date: 2023-05-09", "[Qin|P:q] [met|T:e1] [Burns|P:b].", " date 2023-05-08 \nQin met Burns.",
     "line 2: header 'date: 2023-05-09' differs from the seed's date line (2023-05-08)"),
    ("", "[Qin|P:q] [met|T:e1] [Burns|P:b].", " date 2023-05-08 \nQin met Burns.",
     "add 'date: 2023-05-08' to the header"),
    ("date: 2023-05-08", DATED_SEED, " date 2023-05-08 \nQin met Burns.", "already starts with a date line"),
])
def test_a_date_header_that_disagrees_with_the_seed_is_an_error(header, body, seed, message):
    assert message in error_of(seed_markup(header, body), seed)


def test_real_dated_seed_with_its_date_in_the_header(root):
    doc = json.loads((root / "annotations/001_9f3ea27a63f6ddfc.json").read_text(encoding="utf-8"))
    seed = (root / "seeds/001_9f3ea27a63f6ddfc.txt").read_text(encoding="utf-8")
    source = to_markup(doc, date_header=True)
    assert "date: 2023-05-08" in source and " date 2023-05-08" not in source
    assert same_annotation(parse_markup(source, seed).to_json(), doc)


# 3. Broken and stray tags, 7. their messages
@pytest.mark.parametrize("body,message", [
    ("Shinzo Abe|P:abe] [met|T:e1] [Narendra Modi|P:modi] [Abe|P:abe].",
     "line 3, col 11: 'Shinzo Abe|P:abe]': a tag's '|KIND:ARG]' without its opening '['"),
    (f"{GOOD_BODY} Later |X:y] too.", "line 3, col 61: '. Later |X:y]': a tag's '|KIND:ARG]' without its opening '['"),
    (f"{GOOD_BODY}\n[Shinzo Abe|P:abe [met|T:e1] again.", "line 4, col 1: '[Shinzo Abe|P:abe [met|T:e1] again.': "
                                                        "tag has no closing ']' (tags cannot nest)"),
    ("[Prime Minister [Shinzo Abe|P:abe]|TI:abe] [met|T:e1] [Narendra Modi|P:modi].",
     "line 3, col 1: '[Prime Minister [Shinzo Abe|P:abe]|TI:abe]"),
    (f"{GOOD_BODY} [x|p:abe]", "line 3, col 55: '[x|p:abe]': unknown kind 'p'"),
    (f"{GOOD_BODY} [x|X:abe]", "line 3, col 55: [x|X:abe]: unknown kind 'X'"),
    (f"{GOOD_BODY} [x|P: abe]", "line 3, col 55: '[x|P: abe]': ARG is empty or holds a space"),
    (f"{GOOD_BODY} [x|P:]", "line 3, col 55: '[x|P:]': ARG is empty or holds a space"),
    (f"{GOOD_BODY} [x|P]", "line 3, col 55: '[x|P]': expected KIND:ARG after '|'"),
    (f"{GOOD_BODY} [on Monday|D:e1=June 3]", "line 3, col 55: '[on Monday|D:e1=June 3]': ARG is empty"),
    (f"{GOOD_BODY} [on Monday|D:e1=2019-6-3]", "line 3, col 55: [on Monday|D:e1=2019-6-3]: date value '2019-6-3'"),
    (f"{GOOD_BODY} [talks|T:e1,e2]", "line 3, col 55: [talks|T:e1,e2]: T takes a single id"),
])
def test_a_tag_that_cannot_be_read_is_an_error_with_its_line_column_and_text(body, message):
    assert message in error_of(markup(body))


def test_brackets_and_bars_in_the_article_itself_are_text():
    doc = parse_markup(markup(f"WORLD | AMERICAS\n\u201c[We] hope\u201d, {GOOD_BODY}"))
    assert doc.text == "WORLD | AMERICAS\n\u201c[We] hope\u201d, Shinzo Abe met Narendra Modi."


# 4. Typos in ids
@pytest.mark.parametrize("body,footer,message", [
    (f"{GOOD_BODY} [Modi|P:mody] said.", "e1 occurred abe,modi",
     "line 3, col 55: [Modi|P:mody]: entity 'mody' takes part in no event"),
    (f"[Prime Minister|TI:e1] {GOOD_BODY}", "e1 occurred abe,modi",
     "line 3, col 1: [Prime Minister|TI:e1]: e1 is an event id; TI takes the id of an entity"),
    (GOOD_BODY, "e1 occurred abe,modi\nentity mod Narendra Damodardas Modi",
     "line 6: entity 'mod' is not the id of any tag"),
    (GOOD_BODY, "e1 occurred abe,mody", "line 5: participant 'mody' of event e1 has no [...|P:mody] tag"),
    (GOOD_BODY, "e1 occurred abe,modi\ne2 planned abe,modi", "line 6: event e2 has no [...|T:e2] tag"),
    (f"{GOOD_BODY} in [Osaka|L:e2].", "e1 occurred abe,modi", "line 3, col 58: [Osaka|L:e2]: event e2 has no line"),
])
def test_ids_that_link_nothing_are_errors(body, footer, message):
    assert message in error_of(markup(body, footer))


# 5. Event lines
def test_an_event_listed_twice_is_an_error():
    assert error_of(markup(footer="e1 occurred abe,modi\ne1 planned abe,modi")) == \
        "line 6: event e1 listed twice (first on line 5)"


# 7. Seed mismatch, encodings, '---' in the article
def test_a_seed_mismatch_gives_the_first_differing_line_column_and_both_texts():
    seed = "Qin met\nBurns in the highest-level meeting in weeks."
    message = error_of(markup("[Qin|P:q] [met|T:e1]\n[Burns|P:b] in the highest level meeting in weeks.",
                              "e1 occurred q,b"), seed)
    assert message == ("line 4, col 27: the text differs from the seed (seed line 2, col 21): markup has "
                       "'Burns in the highest level meeting in we', "
                       "the seed has 'Burns in the highest-level meeting in we'")


def test_a_byte_order_mark_and_windows_line_ends_are_accepted(tmp_path):
    path = tmp_path / "m.txt"
    path.write_bytes(b"\xef\xbb\xbf" + markup().replace("\n", "\r\n").encode())
    doc = convert_file(path)
    assert doc.id == "t_x" and doc.text == "Shinzo Abe met Narendra Modi."


def test_a_file_that_is_not_utf8_names_the_byte(tmp_path):
    path = tmp_path / "m.txt"
    path.write_bytes(markup("Caf\xe9 " + GOOD_BODY).encode("latin-1"))
    with pytest.raises(MarkupError, match=r"m.txt is not UTF-8 text \(byte 15\)$"):
        convert_file(path)


def test_a_dash_line_in_the_article_is_text():
    doc = parse_markup(markup(f"A\n---\nB {GOOD_BODY}"))
    assert doc.text == "A\n---\nB Shinzo Abe met Narendra Modi."
    assert all(doc.text[s.start:s.end] == s.text for s in doc.spans)


def test_a_bad_event_line_hints_at_a_stray_dash_line():
    assert "is a '---' line missing?" in error_of(f"id: t_x\n---\nA\n---\n{GOOD_BODY}\ne1 occurred abe,modi\n")
    assert "the event list is what follows the last '---' line" in error_of(markup() + "---\nmore\n")
    assert error_of(markup(footer="e1 Occured abe,modi")).endswith(
        "(status 'Occured' is not one of occurred, planned, cancelled)")


def test_a_header_line_without_a_key_is_an_error():
    message = error_of(markup(header="id: t_x\nShinzo Abe met"))
    assert message == "line 2: header line 'Shinzo Abe met' is not 'key: value'"



@pytest.mark.parametrize("key", ["data", "dates", "dat"])
def test_a_misspelt_date_header_is_an_error_not_metadata(key):
    message = error_of(markup(header=f"id: t_x\n{key}: 2019-06-03"))
    assert message.endswith(f"header {key!r}: did you mean 'date'?")


def test_header_keys_are_read_in_any_case_and_other_keys_are_metadata():
    doc = parse_markup(markup(header="ID: t_x\nDate: 2019-06-03\nsource: wire copy\nupdate: 2\nuid: 7"))
    assert (doc.id, doc.date, doc.meta) == ("t_x", "2019-06-03", {"source": "wire copy", "update": "2", "uid": "7"})

# 10. Whitespace at the edge of a span
@pytest.mark.parametrize("tag", ["[Shinzo Abe |P:abe]", "[ Shinzo Abe|P:abe]", "[Shinzo Abe\n|P:abe]"])
def test_tagged_text_with_whitespace_at_an_edge_is_an_error(tag):
    message = error_of(markup(f"{tag} [met|T:e1] [Narendra Modi|P:modi]."))
    assert message.startswith("line 3, col 1: ") and "starts or ends with whitespace" in message


# 9. Scale (its cost is measured by benchmarks/markup_scaling.py, not here)
def test_many_events_keep_their_entities_apart():
    n = 2_000
    body = " ".join(f"[Leader{i}|P:a{i}] [met|T:e{i}] [Other{i}|P:b{i}] in [Town{i}|L:e{i}]." for i in range(n))
    doc = parse_markup(markup(body, "\n".join(f"e{i} occurred a{i},b{i}" for i in range(n))))
    assert check_document(doc) == []
    assert len(doc.events) == n and doc.entities[-1].name == f"Other{n - 1}"


# CLI: 6. arguments, 8. batches
def cli(*args: str):
    return runner.invoke(app, ["import-markup", *map(str, args)])


def test_out_that_is_a_file_is_a_one_line_error(tmp_path):
    (tmp_path / "m.txt").write_text(markup())
    (tmp_path / "afile").write_text("")
    result = cli(tmp_path / "m.txt", "--out", tmp_path / "afile", "--seeds", tmp_path / "none")
    assert result.exit_code == 1 and result.output == f"error: --out {tmp_path / 'afile'} is not a directory\n"


def test_a_directory_argument_is_named_as_one(tmp_path):
    result = cli(tmp_path, "--out", tmp_path / "out")
    assert result.exit_code == 1 and f"{tmp_path} is a directory; name its markup files" in result.output


def test_cli_errors_name_the_file_and_line(tmp_path):
    src = tmp_path / "d.txt"
    src.write_text(markup(header="id: t_x\ndate: June 3 2019"))
    result = cli(src, "--out", tmp_path / "out", "--seeds", tmp_path / "none")
    assert result.exit_code == 1
    assert result.output == f"error: {src}: line 2: header 'date: June 3 2019' is not a YYYY-MM-DD calendar day\n"
    src.write_bytes(b"id: t_x\xe9\n")
    result = cli(src, "--out", tmp_path / "out", "--seeds", tmp_path / "none")
    assert result.output == f"error: {src} is not UTF-8 text (byte 7)\n"


def test_a_batch_is_written_whole_or_not_at_all(tmp_path):
    good, bad, twin = tmp_path / "good.txt", tmp_path / "bad.txt", tmp_path / "twin.txt"
    good.write_text(markup(header="id: a1"))
    bad.write_text(markup(footer="e1 occured abe,modi", header="id: a2"))
    twin.write_text(markup(header="id: a1"))
    out = tmp_path / "out"
    result = cli(good, bad, twin, "--out", out, "--seeds", tmp_path / "none")
    assert result.exit_code == 1 and not out.exists()
    assert f"{bad}: line 5: bad event line" in result.output
    assert f"{twin}: id a1 is also the id of {good}" in result.output
    assert "2 of 3 file(s) have errors; nothing was written" in result.output
    bad.write_text(markup(header="id: a2"))
    result = cli(good, bad, "--out", out, "--seeds", tmp_path / "none")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["a1.json", "a2.json"]


def test_a_hash_inside_a_header_value_is_kept_and_a_spaced_one_is_a_comment():
    doc = parse_markup(markup(header="id: t_x\nsource: https://x.example/news#story-2  # where it ran"))
    assert doc.meta["source"] == "https://x.example/news#story-2"
