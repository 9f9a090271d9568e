"""Reading `predict`'s inputs: every problem found before the model loads, nothing dropped silently."""

import json

import pytest

from pipeline.inputs import InputError, Stdin, check_articles, expand, read_articles


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


def test_byte_order_mark_is_not_text(tmp_path):
    txt = _write(tmp_path / "a.txt", "\ufeff date 2023-05-08\nQin met Burns.".encode())
    jsonl = _write(tmp_path / "b.jsonl", "\ufeff".encode() + json.dumps({"id": "b", "text": "Qin met Burns."}).encode())
    arts = list(read_articles(expand([str(txt), str(jsonl)])))
    assert arts[0].text.startswith(" date 2023-05-08")  # the date line is seen, offsets start after the mark
    assert [a.id for a in arts] == ["a", "b"]


def test_jsonl_lines_end_at_newline_only(tmp_path):
    row = {"id": "x", "text": "Qin met Burns.\u2028Then they left.\u0085"}
    path = _write(tmp_path / "x.jsonl", (json.dumps(row, ensure_ascii=False) + "\r\n").encode())
    (art,) = read_articles(expand([str(path)]))
    assert art.text == row["text"]


@pytest.mark.parametrize("date", ["yesterday", "20230508", "2023-13-45", "2023-W19-1", 20230508])
def test_jsonl_date_must_be_a_calendar_day(tmp_path, date):
    path = _write(tmp_path / "x.jsonl", json.dumps({"id": "x", "text": "Qin met Burns.", "date": date}).encode())
    with pytest.raises(InputError, match="x.jsonl:1: date"):
        list(read_articles(expand([str(path)])))


def test_date_line_that_is_no_day_is_an_input_error(tmp_path):
    path = _write(tmp_path / "a.txt", b" date 2023-02-30\nQin met Burns.")
    with pytest.raises(InputError, match="a.txt: date line '2023-02-30' is not a calendar day"):
        list(read_articles(expand([str(path)])))


def test_directory_takes_txt_of_any_case_and_not_earlier_output(tmp_path):
    _write(tmp_path / "a.TXT", b"Qin met Burns.")
    _write(tmp_path / "b.txt", b"Lula met Xi.")
    _write(tmp_path / "events.jsonl", json.dumps({"doc_id": "a", "events": []}).encode())
    _write(tmp_path / "notes.md", b"not an article")
    assert [a.id for a in read_articles(expand([str(tmp_path)]))] == ["a", "b"]


def test_hidden_files_of_a_directory_are_no_articles(tmp_path):
    _write(tmp_path / "a.txt", b"Qin met Burns.")
    _write(tmp_path / "._a.txt", b"\x00\x05\x16\x07\xff")  # a macOS resource fork: not UTF-8
    _write(tmp_path / ".draft.txt", b"Lula met Xi.")
    assert [a.id for a in read_articles(expand([str(tmp_path)]))] == ["a"]


@pytest.mark.parametrize("doc_id,expected", [(None, "x-1"), (7, "7"), ("a7", "a7")])
def test_jsonl_id_null_or_missing_takes_the_line_and_a_number_is_its_text(tmp_path, doc_id, expected):
    path = _write(tmp_path / "x.jsonl", json.dumps({"id": doc_id, "text": "Qin met Burns."}).encode())
    assert [a.id for a in read_articles(expand([str(path)]))] == [expected]


@pytest.mark.parametrize("doc_id", [["a"], {"a": 1}, True, "", 1.5])
def test_jsonl_id_of_another_type_is_an_input_error(tmp_path, doc_id):
    path = _write(tmp_path / "x.jsonl", json.dumps({"id": doc_id, "text": "Qin met Burns."}).encode())
    with pytest.raises(InputError, match="x.jsonl:1: id .* is not a string or an integer"):
        list(read_articles(expand([str(path)])))


@pytest.mark.parametrize("line,date", [("Date: 2023-05-09", "2023-05-09"), ("DATE 2023-05-09", "2023-05-09"),
                                       ("Date: 2023-05-09T10:00:00Z", "2023-05-09"), ("Date 2 of the talks", None),
                                       ("Date night in Paris", None), ("Dated 2019, the accord", None)])
def test_a_scrapers_date_line_is_read_and_other_first_lines_are_text(tmp_path, line, date):
    path = _write(tmp_path / "a.txt", f"{line}\nQin met Burns.".encode())
    (art,) = read_articles(expand([str(path)]))
    from pipeline.schema import document_date
    assert document_date(art.text) == date


@pytest.mark.parametrize("line", ["date 2023-5-9", "Date: 09/05/2023", " date 9.5.2023"])
def test_a_date_line_written_another_way_is_an_input_error_not_a_lost_date(tmp_path, line):
    path = _write(tmp_path / "a.txt", f"{line}\nQin met Burns.".encode())
    with pytest.raises(InputError, match="a.txt: first line .* is no date line: write it ' date YYYY-MM-DD'"):
        list(read_articles(expand([str(path)])))


def test_empty_jsonl_date_is_no_date(tmp_path):
    path = _write(tmp_path / "x.jsonl", json.dumps({"id": "x", "text": "Qin met Burns.", "date": ""}).encode())
    (art,) = read_articles(expand([str(path)]), "2023-05-08")
    assert art.date == "2023-05-08"


def test_problems_are_all_found_and_skipped_only_when_asked(tmp_path):
    _write(tmp_path / "a.txt", b"Qin met Burns.")
    _write(tmp_path / "b.txt", b"  \n")
    _write(tmp_path / "c.txt", b"\xff\xfe")
    d = _write(tmp_path / "d.jsonl",
               b'{"id": "a", "text": "Same id as a.txt."}\n{broken\n{"id": "e", "text": "Lula met Xi."}\n')
    sources = expand([str(tmp_path), str(d)])
    n, problems = check_articles(sources)
    assert n == 2  # a and e
    assert problems == [f"{tmp_path}/b.txt: empty document", f"{tmp_path}/c.txt is not UTF-8 text (byte 0)",
                        f"{d}:1: document id 'a' was already read",
                        f"{d}:2: not JSON (Expecting property name enclosed in double quotes)"]
    with pytest.raises(InputError, match="b.txt: empty document"):
        list(read_articles(sources))
    skipped: list[str] = []
    assert [a.id for a in read_articles(sources, None, skipped)] == ["a", "e"]
    assert len(skipped) == 4


def test_stdin_is_read_once_and_can_be_checked_then_read():
    sources = [Stdin("Qin met Burns.")]
    assert check_articles(sources) == (1, [])
    assert [a.text for a in read_articles(sources, "2023-05-08")] == ["Qin met Burns."]
