import re

from pipeline.alignment import (
    best_window,
    centered_window,
    group_words,
    join_hyphenated,
    sliding_windows,
    spans_to_tags,
    tags_to_spans,
)


def words_of(text: str) -> list[tuple[int, int]]:
    out, i = [], 0
    for w in text.split():
        i = text.index(w, i)
        out.append((i, i + len(w)))
        i += len(w)
    return out


def test_group_words_joins_subtokens_and_skips_specials():
    offsets = [(0, 0), (0, 3), (3, 5), (6, 9), (0, 0)]
    word_ids = [None, 0, 0, 1, None]
    assert group_words(offsets, word_ids) == ([(0, 5), (6, 9)], [1, 3])


def test_span_to_tags_basic_and_multiword():
    text = "Qin Gang met Nicholas Burns"
    tags = spans_to_tags(words_of(text), [("PER", 0, 8), ("TRG", 9, 12), ("PER", 13, 27)])
    assert tags == ["B-PER", "I-PER", "B-TRG", "B-PER", "I-PER"]


def test_adjacent_spans_of_same_label_stay_separate():
    text = "US Ambassador"
    tags = spans_to_tags(words_of(text), [("AFF", 0, 2), ("AFF", 3, 13)])
    assert tags == ["B-AFF", "B-AFF"]


def test_span_inside_word_snaps_to_the_word():
    words = [(0, 4), (5, 12)]  # "Qins meeting": the span "Qin" covers part of the first word
    assert spans_to_tags(words, [("PER", 0, 3)]) == ["B-PER", "O"]
    assert tags_to_spans(words, ["B-PER", "O"]) == [("PER", 0, 4, 0, 1)]


def test_overlapping_span_keeps_first_claim():
    words = words_of("a b c")
    assert spans_to_tags(words, [("X", 0, 3), ("Y", 2, 5)]) == ["B-X", "I-X", "B-Y"]


def test_unicode_quotes_and_whitespace_offsets_round_trip():
    text = "  “Liu’s”\n\n  meeting\twith Burns "
    words = [(2, 3), (3, 6), (6, 7), (7, 8), (8, 9), (13, 20), (21, 25), (26, 31)]
    spans = [("PER", 3, 6), ("TRG", 13, 20), ("PER", 26, 31)]
    tags = spans_to_tags(words, spans)
    decoded = [(lab, s, e) for lab, s, e, *_ in tags_to_spans(words, tags)]
    assert decoded == spans
    assert [text[s:e] for _, s, e in decoded] == ["Liu", "meeting", "Burns"]


def test_lenient_decoding_of_orphan_inside_tag():
    words = words_of("x y z")
    assert [s[:3] for s in tags_to_spans(words, ["O", "I-PER", "I-PER"])] == [("PER", 2, 5)]
    assert [s[:3] for s in tags_to_spans(words, ["B-PER", "I-LOC", "O"])] == [("PER", 0, 1), ("LOC", 2, 3)]


def pieces(text: str) -> list[tuple[int, int]]:
    """Words as a BERT pre-tokenizer splits them: punctuation on its own."""
    return [m.span() for m in re.finditer(r"\w+|[^\w\s]", text)]


def test_hyphenated_name_pieces_join_into_one_span():
    text = "Tsai Ing-wen met Moon Jae-in"
    words = pieces(text)
    tags = ["B-P", "I-P", "O", "B-P", "O", "B-P", "I-P", "O", "I-P"]  # "wen" and "in" tagged apart
    spans = [text[s:e] for _, s, e, *_ in tags_to_spans(words, join_hyphenated(text, words, tags))]
    assert spans == ["Tsai Ing-wen", "Moon Jae-in"]


def test_hyphen_joins_nothing_before_a_capital_or_across_a_space():
    text = "the Biden-Xi meeting, Kim - next"
    words = pieces(text)
    tags = ["O", "B-P", "O", "B-P", "O", "O", "B-P", "O", "O"]
    assert join_hyphenated(text, words, tags) == tags


def test_hyphen_joins_only_a_piece_tagged_alike_and_any_hyphen_character():
    text = "US-backed talks with Moon Jae\u2011in"
    words = pieces(text)
    tags = ["B-P", "O", "O", "O", "O", "B-P", "I-P", "O", "I-P"]
    assert join_hyphenated(text, words, tags) == ["B-P", "O", "O", "O", "O", "B-P", "I-P", "I-P", "I-P"]


def test_sliding_windows_cover_everything_with_overlap():
    wins = sliding_windows(1000, 126, 32)
    assert wins[0][0] == 0 and wins[-1][1] == 1000
    for (_, e1), (s2, _) in zip(wins, wins[1:]):
        assert e1 - s2 == 32
    assert all(e - s <= 126 for s, e in wins)
    assert sliding_windows(50, 126, 32) == [(0, 50)]


def test_best_window_prefers_central_context():
    wins = [(0, 100), (68, 168)]
    assert best_window(wins, 10) == 0
    assert best_window(wins, 95) == 1
    assert best_window(wins, 150) == 1


def test_centered_window_contains_trigger_and_respects_bounds():
    assert centered_window(50, 10, 12, 100) == (0, 50)
    s, e = centered_window(1000, 500, 503, 100)
    assert s <= 500 and e >= 503 and e - s == 100
    assert centered_window(1000, 2, 3, 100)[0] == 0
    assert centered_window(1000, 998, 1000, 100)[1] == 1000


def test_sentence_of_is_the_last_sentence_starting_at_or_before():
    from pipeline.alignment import sentence_bounds, sentence_of

    text = "Qin met Burns. They talked.\nLater, Xi spoke."
    bounds = sentence_bounds(text)
    for pos in range(len(text)):
        expected = max([i for i, (s, _) in enumerate(bounds) if s <= pos], default=0)
        assert sentence_of(bounds, pos) == expected
    assert sentence_of([], 5) == 0


def test_a_word_grows_over_the_combining_marks_after_it():
    from pipeline.alignment import over_marks

    text = "Pepe Mujica\u0301 and Jose\u0301\u0302 met"
    words = [(0, 4), (5, 11), (13, 16), (17, 21), (24, 27)]  # as an accent-stripping tokenizer gives them
    assert [text[s:e] for s, e in over_marks(text, words)] == [
        "Pepe", "Mujica\u0301", "and", "Jose\u0301\u0302", "met"]
    # A tokenizer that keeps the mark as a word of its own (byte-level BPE): words never overlap.
    assert over_marks("Mujica\u0301 met", [(0, 6), (6, 7), (8, 11)]) == [(0, 6), (6, 7), (8, 11)]
