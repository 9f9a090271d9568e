"""Pure functions between character spans, words, IOB2 tags and token windows.

A "word" is one pre-tokenized word of the fast tokenizer (its sub-tokens share a word id). Labels
live on words: the first sub-token of a word carries the word's tag, the others are ignored by the
loss. Offsets are always character offsets into the original document text.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections.abc import Sequence

CharSpan = tuple[int, int]
LabeledSpan = tuple[str, int, int]  # (label, start, end)


def group_words(offsets: Sequence[CharSpan], word_ids: Sequence[int | None]) -> tuple[list[CharSpan], list[int]]:
    """Character span and first token index of every word, from a fast tokenizer's encoding."""
    words: list[CharSpan] = []
    first: list[int] = []
    last_id: int | None = None
    for i, (wid, (start, end)) in enumerate(zip(word_ids, offsets)):
        if wid is None or start == end:
            continue
        if wid != last_id:
            words.append((start, end))
            first.append(i)
            last_id = wid
        else:
            words[-1] = (words[-1][0], end)
    return words, first


def over_marks(text: str, words: Sequence[CharSpan]) -> list[CharSpan]:
    """Words grown over the combining marks that follow them. An uncased tokenizer strips accents,
    so in decomposed text ("Mujica" + U+0301) a word's offsets end before its last mark and a
    span would cut the grapheme."""
    out = []
    for k, (start, end) in enumerate(words):
        stop = words[k + 1][0] if k + 1 < len(words) else len(text)  # a mark a tokenizer keeps as a word stays one
        while end < stop and unicodedata.combining(text[end]):
            end += 1
        out.append((start, end))
    return out


def spans_to_tags(words: Sequence[CharSpan], spans: Sequence[LabeledSpan]) -> list[str]:
    """IOB2 tags of words. A word belongs to a span when their characters overlap, so a span that
    starts or ends inside a word snaps outward to the word; a word already taken keeps its span."""
    tags = ["O"] * len(words)
    for label, start, end in sorted(spans, key=lambda s: (s[1], s[2])):
        inside = [i for i, (ws, we) in enumerate(words) if ws < end and we > start and tags[i] == "O"]
        for k, i in enumerate(inside):
            # A gap inside the span (a word taken by another span) restarts it with B.
            begins = k == 0 or inside[k - 1] != i - 1
            tags[i] = f"{'B' if begins else 'I'}-{label}"
    return tags


def tags_to_spans(words: Sequence[CharSpan], tags: Sequence[str]) -> list[tuple[str, int, int, int, int]]:
    """Decode IOB2 tags to (label, char_start, char_end, first_word, last_word_exclusive).
    An I- tag that does not continue a span of its label starts one (lenient, like seqeval)."""
    spans: list[tuple[str, int, int, int, int]] = []
    current: list | None = None
    for i, tag in enumerate(tags):
        prefix, _, label = tag.partition("-")
        if prefix == "I" and current is not None and current[0] == label and current[4] == i:
            current[2] = words[i][1]
            current[4] = i + 1
            continue
        if current is not None:
            spans.append(tuple(current))
            current = None
        if prefix in ("B", "I"):
            current = [label, words[i][0], words[i][1], i, i + 1]
    if current is not None:
        spans.append(tuple(current))
    return spans


_HYPHENS = {"-", "\u2010", "\u2011"}


def join_hyphenated(text: str, words: Sequence[CharSpan], tags: Sequence[str]) -> list[str]:
    """Two pieces of one word, split at a hyphen and tagged apart with the same label, are one span:
    "Tsai Ing-wen", "Moon Jae-in". Only a lower-case second piece joins: "the Biden-Xi meeting"
    names two parties; an untagged piece ("US-backed") stays out."""
    out = list(tags)
    for i in range(len(words) - 2):
        (_, e0), (h0, h1), (s2, _) = words[i], words[i + 1], words[i + 2]
        label = out[i].partition("-")[2]
        if (label and e0 == h0 and h1 == s2 and text[h0:h1] in _HYPHENS and text[s2 : s2 + 1].islower()
                and out[i + 2].partition("-")[2] == label):
            out[i + 1] = out[i + 2] = f"I-{label}"
    return out


def sliding_windows(n: int, size: int, stride: int) -> list[tuple[int, int]]:
    """Token windows [start, end) of at most `size` covering 0..n; consecutive windows share
    `stride` tokens so that no token is ever cut off from its context."""
    if n <= size:
        return [(0, n)]
    step = max(1, size - stride)
    out = []
    start = 0
    while True:
        end = min(start + size, n)
        out.append((start, end))
        if end == n:
            return out
        start += step


def centered_window(n: int, lo: int, hi: int, size: int) -> tuple[int, int]:
    """A window of at most `size` tokens containing [lo, hi), as centred on it as the text allows."""
    if n <= size:
        return 0, n
    start = max(0, min((lo + hi) // 2 - size // 2, n - size))
    start = min(start, lo)
    return start, min(n, max(start + size, hi))


def best_window(windows: Sequence[tuple[int, int]], i: int) -> int:
    """Index of the window in which token i has the most context on its nearer side."""
    best, best_margin = -1, -1
    for k, (start, end) in enumerate(windows):
        if start <= i < end:
            margin = min(i - start, end - 1 - i)
            if margin > best_margin:
                best, best_margin = k, margin
    return best


_SENTENCE_END = re.compile(r"([.!?][\"”’)]?)\s+(?=[\"“‘(]?[A-Z0-9])|\n\s*")
# A dot that ends an abbreviation rather than a sentence: a title before a name ("Mr. Burns",
# "Sen. Rubio"), an initial ("Antony J. Blinken") or a dotted acronym ("the U.S. envoy").
_ABBREVIATION = re.compile(r"(?:(?<![\w.])(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Lt|Col|Capt|Adm|Maj|Sgt|St|Rev|Hon"
                           r"|Amb|Pres|Sec|Jr|Sr|No|Nos)|(?<![\w.])[A-Z]|(?<![\w.])(?:[A-Z]\.)+[A-Z])$")


def _after_abbreviation(text: str, m: re.Match) -> bool:
    """A dot and spaces after an abbreviation, with no line break (a paragraph still ends there)."""
    return (m.group(1) == "." and "\n" not in m.group(0)
            and _ABBREVIATION.search(text, max(0, m.start() - 12), m.start()) is not None)


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Approximate sentence spans: enough to show the evidence of an event and to tell which
    meeting a date or place is written beside."""
    bounds, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if _after_abbreviation(text, m):
            continue
        end = m.end(1) if m.group(1) else m.start()
        if end > start:
            bounds.append((start, end))
        start = m.end()
    if start < len(text):
        bounds.append((start, len(text)))
    return bounds


def sentence_of(bounds: Sequence[tuple[int, int]], pos: int) -> int:
    """Index of the sentence holding character `pos` (the last one starting at or before it)."""
    return max(bisect.bisect_right(bounds, (pos, math.inf)) - 1, 0)  # bounds are in text order
