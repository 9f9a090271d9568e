"""Model inputs: token ranges and argument windows over long documents."""

import pytest

from pipeline.extract import decode, window_words
from pipeline.features import LABELS, argument_window, encode
from pipeline.markup import parse_markup


@pytest.fixture(scope="module")
def tokenizer(tiny_model_dir):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_model_dir)


TEXT = " date 2023-05-08\nChinese Foreign Minister Qin Gang met US Ambassador Nicholas Burns in Beijing.\n\n" \
       "The talks, Burns said, were candid; Qin's counterpart-to-be arrives on Friday."


def test_token_range_covers_the_words_overlapping_the_characters(tokenizer):
    enc = encode(TEXT, tokenizer)

    def brute(start, end):
        idx = [t for (ws, we), t in zip(enc.words, enc.word_first_token) if ws < end and we > start]
        last = enc.word_first_token.index(idx[-1])
        nxt = enc.word_first_token[last + 1] if last + 1 < len(enc.words) else len(enc.input_ids)
        return idx[0], nxt

    for start in range(len(TEXT)):
        for end in range(start + 1, min(len(TEXT), start + 30) + 1):
            if any(ws < end and we > start for ws, we in enc.words):
                assert enc.token_range(start, end) == brute(start, end), (start, end)
            else:
                with pytest.raises(ValueError):
                    enc.token_range(start, end)


def test_decoding_a_window_slice_equals_decoding_the_whole_document(tokenizer):
    import numpy as np

    enc = encode(TEXT * 3, tokenizer)
    trigger = enc.token_range(TEXT.index("met"), TEXT.index("met") + 3)
    window = argument_window(enc, tokenizer, trigger, 32)
    words = window_words(window)
    assert 0 < len(words) < len(enc.words)
    rng = np.random.default_rng(0)
    full = np.zeros((len(enc.words), len(LABELS)), dtype=np.float32)
    full[:, 0] = 1.0
    full[words.start : words.stop] = rng.dirichlet(np.ones(len(LABELS)) * 0.2, size=len(words))
    keep = {"PARTICIPANT", "TITLE", "AFFILIATION", "DATE", "LOCATION", "TOPIC"}
    expected = decode(enc, full, keep)
    assert expected  # the random tags make spans
    assert decode(enc, full[words.start : words.stop], keep, words.start) == expected


def test_word_probabilities_of_a_window_slice_are_those_of_the_whole_document(tokenizer):
    import numpy as np

    from pipeline.extract import word_probs

    enc = encode(TEXT * 3, tokenizer)
    trigger = enc.token_range(TEXT.index("met"), TEXT.index("met") + 3)
    window = argument_window(enc, tokenizer, trigger, 32)
    probs = np.random.default_rng(1).random((len(window.input_ids), len(LABELS))).astype(np.float32)
    words = window_words(window)
    full = word_probs(enc, [window], None, [probs])
    assert np.array_equal(word_probs(enc, [window], None, [probs], words), full[words.start : words.stop])
    outside = np.ones(len(enc.words), dtype=bool)
    outside[words.start : words.stop] = False
    assert (full[outside, 0] == 1.0).all() and (full[outside, 1:] == 0.0).all()


MANY_MENTIONS = """id: many
---
[Abe|P:abe] [met|T:e1] [Modi|P:modi] in Osaka. The [talks|T:e1] ran long. After the [meeting|T:e1], \
both spoke. The [encounter|T:e1] was their fifth. Their [summit|T:e1] ended with a statement.
---
e1 occurred abe,modi
"""


def _argument_windows(tokenizer, epoch: int) -> set[tuple[int, ...]]:
    from pipeline.config import load_config
    from pipeline.train import build_dataset

    cfg = load_config(None, ["train.mentions_per_event=2", "train.negatives_per_doc=0"])
    data = build_dataset([parse_markup(MANY_MENTIONS)], tokenizer, cfg, set(), False, epoch=epoch)
    return {tuple(row) for row in data["input_ids"]}


def test_windows_are_drawn_again_each_epoch_and_reach_every_mention(tokenizer):
    first = _argument_windows(tokenizer, 1)
    assert _argument_windows(tokenizer, 1) == first  # seeded: the same draw for the same epoch
    # One trigger window and, per epoch, the first mention and one of the other four.
    assert len(first) == 3
    assert len(set().union(*(_argument_windows(tokenizer, e) for e in range(1, 21)))) == 1 + 5


TWO_MEETINGS = """id: two
---
[Abe|P:abe] [met|T:e1] [Modi|P:modi] in Osaka. The [talks|T:e1] ran long. [Abe|P:abe] will [visit|T:e2] \
[Putin|P:putin] in May.
---
e1 occurred abe,modi
e2 planned abe,putin
"""


def test_linked_argument_tags_add_the_meeting_s_other_mentions_and_nothing_else(tokenizer):
    from pipeline.features import LINK, argument_tags

    doc = parse_markup(TWO_MEETINGS)
    enc = encode(doc.text, tokenizer)
    met = doc.events[0].triggers[0]
    plain = argument_tags(doc, enc, 0, met)
    linked = argument_tags(doc, enc, 0, met, link_mentions=True)
    tagged = {doc.text[s:e]: tag for (s, e), tag in zip(enc.words, linked) if tag.endswith(LINK)}
    assert tagged == {"talks": f"B-{LINK}"}  # not the marked "met", not the other meeting's "visit"
    assert ["O" if tag.endswith(LINK) else tag for tag in linked] == plain
    assert LABELS[-2:] == [f"B-{LINK}", f"I-{LINK}"]  # appended: older models keep their label ids
