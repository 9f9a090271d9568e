"""Model inputs shared by training and inference.

One model, two kinds of input windows:
- a *trigger* window (plain text) is tagged with meeting triggers, whose label carries the status
  (MEET_OCCURRED, MEET_PLANNED, MEET_CANCELLED);
- an *argument* window has one trigger wrapped in marker tokens [EVT] ... [/EVT] and is tagged with
  that meeting's arguments only (PARTICIPANT, TITLE, AFFILIATION, DATE, LOCATION, TOPIC) and, with
  `model.link_mentions`, its other trigger mentions (SAME_MEETING).
The markers are extra special tokens, inserted between token ids, so document offsets never move.
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass
from functools import cached_property

from .alignment import (
    centered_window,
    group_words,
    over_marks,
    sentence_bounds,
    sentence_of,
    sliding_windows,
    spans_to_tags,
)
from .schema import Document

TRIGGER_TYPES = {"occurred": "MEET_OCCURRED", "planned": "MEET_PLANNED", "cancelled": "MEET_CANCELLED"}
STATUS_OF = {v: k for k, v in TRIGGER_TYPES.items()}
ARG_TYPES = ("PARTICIPANT", "TITLE", "AFFILIATION", "DATE", "LOCATION", "TOPIC")
BASE_LABELS = ["O"] + [f"{p}-{t}" for t in (*TRIGGER_TYPES.values(), *ARG_TYPES) for p in "BI"]
# Other trigger mentions of the marked meeting ("the talks" two sentences on): an extra training
# target (`model.link_mentions`) that asks the pass to read the meeting, not only the sentence
# (README, *Links between mentions*). Appended, so that models trained without it keep their ids.
LINK = "SAME_MEETING"
LABELS = BASE_LABELS + [f"B-{LINK}", f"I-{LINK}"]
MARKERS = ("[EVT]", "[/EVT]")
IGNORE = -100


@dataclass
class Encoded:
    """A document tokenized once, without special tokens."""

    text: str
    input_ids: list[int]
    words: list[tuple[int, int]]  # character span of each word
    word_first_token: list[int]  # token index of each word's first sub-token
    token_case: list[int]  # 1 where the token's word starts with a capital letter

    # Looked up once per trigger: built once per document so that long articles stay linear.
    @cached_property
    def word_of_token(self) -> dict[int, int]:
        return {t: w for w, t in enumerate(self.word_first_token)}

    @cached_property
    def _word_ends(self) -> list[int]:
        return [we for _, we in self.words]

    def token_range(self, start: int, end: int) -> tuple[int, int]:
        """Tokens of the words overlapping characters [start, end)."""
        first = bisect.bisect_right(self._word_ends, start)  # words are in text order
        last = first
        while last < len(self.words) and self.words[last][0] < end:
            last += 1
        if last == first:
            raise ValueError(f"no token covers characters {start}-{end}")
        nxt = self.word_first_token[last] if last < len(self.words) else len(self.input_ids)
        return self.word_first_token[first], nxt


@dataclass
class Window:
    """One model input: token ids with special tokens and markers, and for each position the
    index of the document word whose first sub-token it is (None elsewhere)."""

    input_ids: list[int]
    word_at: list[int | None]
    labels: list[int] | None = None
    case_ids: list[int] | None = None  # capitalisation, fed as token_type_ids (see encode)

    def model_inputs(self, with_case: bool) -> dict[str, list[int]]:
        row = {"input_ids": self.input_ids}
        if with_case:
            row["token_type_ids"] = self.case_ids
        if self.labels is not None:
            row["labels"] = self.labels
        return row


def encode(text: str, tokenizer) -> Encoded:
    """Tokenize once. The default encoder is uncased, so the capitalisation of each word (the best
    cue for names in news) is kept aside and fed to models with two token types as token_type_ids:
    the standard architecture and checkpoint format, no extra parameters."""
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
    words, first = group_words(enc["offset_mapping"], enc.word_ids())
    words = over_marks(text, words)
    word_ids = enc.word_ids()
    starts = {}
    for (s, _), wid in zip(enc["offset_mapping"], word_ids):
        if wid is not None:
            starts.setdefault(wid, s)
    case = [int(wid is not None and text[starts[wid]].isupper()) for wid in word_ids]
    return Encoded(text, list(enc["input_ids"]), words, first, case)


def _window(enc: Encoded, tokenizer, start: int, end: int, word_tags: list[str] | None,
            marked: tuple[int, int] | None = None) -> Window:
    first_of = enc.word_of_token
    ids, word_at, case = [tokenizer.cls_token_id], [None], [0]
    open_id, close_id = tokenizer.convert_tokens_to_ids(list(MARKERS))
    for t in range(start, end):
        if marked and t == marked[0]:
            ids.append(open_id)
            word_at.append(None)
            case.append(0)
        ids.append(enc.input_ids[t])
        word_at.append(first_of.get(t))
        case.append(enc.token_case[t])
        if marked and t == marked[1] - 1:
            ids.append(close_id)
            word_at.append(None)
            case.append(0)
    ids.append(tokenizer.sep_token_id)
    word_at.append(None)
    case.append(0)
    labels = None
    if word_tags is not None:
        label_id = {label: i for i, label in enumerate(LABELS)}
        labels = [IGNORE if w is None else label_id[word_tags[w]] for w in word_at]
    return Window(ids, word_at, labels, case)


def trigger_windows(enc: Encoded, tokenizer, max_length: int, stride: int,
                    word_tags: list[str] | None = None) -> tuple[list[Window], list[tuple[int, int]]]:
    """Overlapping plain windows over the whole document, and their token ranges."""
    ranges = sliding_windows(len(enc.input_ids), max_length - 2, stride)
    return [_window(enc, tokenizer, s, e, word_tags) for s, e in ranges], ranges


def argument_window(enc: Encoded, tokenizer, trigger: tuple[int, int], size: int,
                    word_tags: list[str] | None = None) -> Window:
    """A window around one trigger (token range), the trigger wrapped in markers."""
    s, e = centered_window(len(enc.input_ids), trigger[0], trigger[1], size - 4)
    return _window(enc, tokenizer, s, e, word_tags, marked=trigger)


# -- gold tags from annotations -------------------------------------------------------------------

def trigger_tags(doc: Document, enc: Encoded) -> list[str]:
    status = {sid: ev.status for ev in doc.events for sid in ev.triggers}
    spans = [(TRIGGER_TYPES[status[s.id]], s.start, s.end) for s in doc.spans if s.id in status]
    return spans_to_tags(enc.words, spans)


def labels_for(link_mentions: bool) -> list[str]:
    return LABELS if link_mentions else BASE_LABELS


def argument_tags(doc: Document, enc: Encoded, event_index: int, trigger_id: str,
                  link_mentions: bool = False) -> list[str]:
    """Gold tags of one trigger mention's argument window. Parties are tagged where the mention's
    sentence names them, else at their nearest mention; their titles and affiliations in the same
    sentences; the event's date, place and topics wherever they are; with `link_mentions`, the
    meeting's other trigger mentions."""
    ev = doc.events[event_index]
    bounds = sentence_bounds(doc.text)
    trigger = doc.span(trigger_id)
    here = sentence_of(bounds, trigger.start)
    linked = set(ev.date) | set(ev.location) | set(ev.topics)
    spans = [(s.label, s.start, s.end) for s in doc.spans if s.id in linked]
    for party in ev.participants:
        mentions = doc.entity_mentions(party)
        chosen = [m for m in mentions if sentence_of(bounds, m.start) == here]
        if not chosen and mentions:
            chosen = [min(mentions, key=lambda m: abs(m.start - trigger.start))]
        sentences = {sentence_of(bounds, m.start) for m in chosen}
        spans += [(m.label, m.start, m.end) for m in chosen]
        spans += [(s.label, s.start, s.end) for s in doc.entity_mentions(party, ("TITLE", "AFFILIATION"))
                  if sentence_of(bounds, s.start) in sentences]
    if link_mentions:
        spans += [(LINK, s.start, s.end) for s in map(doc.span, ev.triggers) if s.id != trigger_id]
    return spans_to_tags(enc.words, spans)


def training_windows(doc: Document, tokenizer, max_length: int, stride: int, event_window: int,
                     negatives: int, trigger_words: set[str], rng: random.Random,
                     mentions_per_event: int = 2, empty_window_keep: float = 1.0,
                     link_mentions: bool = False) -> list[Window]:
    """Every training input of one annotated document: its trigger windows, one argument window
    per trigger mention, and argument windows on trigger-like words that are not meetings, whose
    target is all O (so that a false trigger yields no participants and hence no event)."""
    enc = encode(doc.text, tokenizer)
    windows, _ = trigger_windows(enc, tokenizer, max_length, stride, trigger_tags(doc, enc))
    # Windows without any trigger teach little after the first few; keep a sample of them.
    windows = [w for w in windows if any(lab > 0 for lab in w.labels) or rng.random() < empty_window_keep]
    gold_triggers: set[int] = set()
    for k, ev in enumerate(doc.events):
        for sid in ev.triggers:
            span = doc.span(sid)
            gold_triggers.update(range(*enc.token_range(span.start, span.end)))
        # The first mention (usually the fullest report) and a sample of the others.
        chosen = ev.triggers[:1] + rng.sample(ev.triggers[1:], min(mentions_per_event - 1, len(ev.triggers) - 1))
        for sid in chosen:
            span = doc.span(sid)
            windows.append(argument_window(enc, tokenizer, enc.token_range(span.start, span.end), event_window,
                                           argument_tags(doc, enc, k, sid, link_mentions)))
    candidates = [w for w, (s, e) in enumerate(enc.words)
                  if doc.text[s:e].lower() in trigger_words and enc.word_first_token[w] not in gold_triggers]
    empty = ["O"] * len(enc.words)
    for w in rng.sample(candidates, min(negatives, len(candidates))):
        s, e = enc.words[w]
        windows.append(argument_window(enc, tokenizer, enc.token_range(s, e), event_window, empty))
    return windows


def trigger_vocabulary(docs: list[Document]) -> set[str]:
    """Lower-cased single words used as triggers in the corpus (for negative argument windows)."""
    return {w.lower() for d in docs for ev in d.events for sid in ev.triggers
            for w in d.span(sid).text.split() if w.isalpha()}
