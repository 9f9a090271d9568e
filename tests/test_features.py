"""Model inputs: token ranges and argument windows over long documents."""

import pytest

from pipeline.extract import decode, window_words
from pipeline.features import LABELS, argument_window, encode


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
