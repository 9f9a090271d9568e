"""A trigger mention that names one party, and so joins no meeting, may still report one: a visit
whose host is the country visited (GUIDELINES §1.2), a meeting whose other party the argument pass
tagged below the party floor, or one whose other party is a pronoun standing for the article's
protagonist. Each adds the second party; `events.assemble` then groups again."""

from __future__ import annotations

import re
from collections.abc import Callable

from .alignment import sentence_of
from .countries import country_code, is_country_name
from .entities import Candidate, Entities, PredSpan, name_words

# A place the tagger is more sure of than not; floors of 0.3-0.9 measured the same (README).
MIN_HOST_SCORE = 0.5
# What lies between a visit and the place visited: "visited China", "a trip to Beijing", "a stop in
# Seoul", "the Moscow stop" (the place before the trigger).
_TO_PLACE = re.compile(r"\s*(?:to|in|into)?\s*(?:the\s+)?")
_PLACE_BEFORE = re.compile(r"(?:'s)?\s*")


# Words of travel: only a visit has a place for its host. "The Abu Dhabi talks", "a White House
# meeting" and "talks in Havana" name where a meeting was (README: 14 firings on other trigger words
# in the held-out sets, one of them right).
_VISIT = re.compile(r"(?:visit|trip|stop|travel|tour|journey|legs?\b|flew|fly|flies|went|came|come|arriv|return|head)",
                    re.I)


def visited_place(doc: Entities, c: Candidate, home: str | None) -> PredSpan | None:
    """The foreign country or capital a trigger mention's visit goes to: tagged as a place right
    after a word of travel ("a trip to Beijing", "visited the Philippines") or right before it
    ("the Moscow stop"), other than `home`, the visitor's own country."""
    text, t = doc.text, c.trigger
    if not any(_VISIT.match(w) for w in text[t.start:t.end].split()):
        return None
    places = [a for a in c.args if a.label == "LOCATION" and a.score >= MIN_HOST_SCORE
              and is_country_name(doc.surface(a)) and country_code(doc.surface(a)) != home
              and (_TO_PLACE.fullmatch(text[t.end:a.start]) if a.start >= t.end
                   else _PLACE_BEFORE.fullmatch(text[a.end:t.start]))]
    return min(places, key=lambda a: abs(a.start - t.start), default=None)


# An invitation to visit names its host, the inviter (GUIDELINES §1.2), not the place visited.
_INVITATION = re.compile(r"\binvit", re.I)


def add_hosts(doc: Entities, loose: list[Candidate], candidates: list[Candidate], participants: dict,
              bounds: list[tuple[int, int]]) -> bool:
    """A visit with no host named has the visited country as its host (GUIDELINES §1.2), but the
    tagger often reads "a trip to Beijing" as a place. A trigger mention that joined no meeting
    for lack of a second party, and whose trigger a foreign country or capital tagged as a place
    directly follows or precedes, takes that place as its host; the span is then no place in any
    window. Only the one construction: a city after "hosted X in" is mostly the host's own, with
    the host a pronoun (README: held-out event F1 up on the country-heavy batches, flat elsewhere);
    and not in a sentence that speaks of an invitation, whose host is the inviter.
    Returns whether any trigger mention took a host."""
    hosts: dict[tuple[int, int], PredSpan] = {}
    for c in loose:
        ids = {doc.of_mention[(m.start, m.end)] for m in participants[id(c)]}
        if len(ids) != 1:
            continue
        if _INVITATION.search(doc.text, *bounds[sentence_of(bounds, c.trigger.start)]):
            continue
        if a := visited_place(doc, c, doc.entity_country(next(iter(ids)))):
            m = hosts.setdefault((a.start, a.end), PredSpan("PARTICIPANT", a.start, a.end, a.score))
            doc.add_proper(m)
            participants[id(c)].append(m)
    for c in candidates:  # assemble's own copies
        c.args[:] = [a for a in c.args if not (a.label == "LOCATION" and (a.start, a.end) in hosts)]
    return bool(hosts)


def add_unsure_parties(doc: Entities, loose: list[Candidate], candidates: list[Candidate], participants: dict,
                       bounds: list[tuple[int, int]], floor: float, eligible: Callable[[PredSpan], bool]) -> bool:
    """A trigger mention that joined no meeting because it names one party takes as its second the
    name or country the argument pass tagged in its sentence below the party floor, the most
    probable first: the floor keeps bystanders out of meetings that have their parties, but here the
    choice is between that party and no meeting at all (README: real news event F1 0.767 -> 0.786
    over four models).
    Not a name that is a party of another trigger mention of the sentence: "where Fernández received
    her, and in Santiago, where she held talks with Boric" is two meetings, neither of them
    Fernández-Boric. Returns whether any mention took a party."""
    added = False
    for c in loose:
        have = {doc.of_mention[(m.start, m.end)] for m in participants[id(c)]}
        if len(have) != 1:
            continue
        here = sentence_of(bounds, c.trigger.start)
        others = _others_parties(doc, c, candidates, participants, bounds)
        names = [a for a in c.args if a.label == "PARTICIPANT" and a.score < floor
                 and sentence_of(bounds, a.start) == here and eligible(a)
                 and not set(doc.matching(set(name_words(doc.surface(a))))) & others]
        for a in sorted(names, key=lambda a: -a.score):
            doc.add_proper(a)
            if doc.of_mention[(a.start, a.end)] not in have:
                participants[id(c)].append(a)
                added = True
                break
    return added


def _others_parties(doc: Entities, c: Candidate, candidates: list[Candidate], participants: dict,
                    bounds: list[tuple[int, int]]) -> set[int]:
    """The parties of the other trigger mentions of `c`'s sentence."""
    here = sentence_of(bounds, c.trigger.start)
    return {doc.of_mention[(m.start, m.end)] for o in candidates
            if o is not c and sentence_of(bounds, o.trigger.start) == here for m in participants[id(o)]}


# "She hosted", "he later held talks with": a subject pronoun with at most four words, none of them
# a determiner, before the trigger ("he hoped the summit's momentum" is no meeting of his).
_PRONOUN = re.compile(r"(?:^|[^\w])(?:he|she)\s+(?:(?!(?:the|a|an|his|her|its|their)\s)[a-z]+\s+){0,4}$", re.I)
# A protagonist is named at least this often, and more often than anyone else.
MIN_PROTAGONIST_MENTIONS = 3


def add_protagonist(doc: Entities, loose: list[Candidate], candidates: list[Candidate], participants: dict,
                    bounds: list[tuple[int, int]]) -> bool:
    """A trigger mention whose subject is a pronoun ("She hosted Blinken in Pretoria") names one
    party. In a profile or a leader's tour the pronoun is mostly the article's protagonist, the
    person it names most often; that person becomes the second party, unless they are a party of
    another trigger mention of the sentence ("Fernández received her, and she held talks with
    Boric"). Returns whether any mention took them (README, *Pronoun subjects*)."""
    counts = {i: len(e.mentions) for i, e in enumerate(doc.entities) if not is_country_name(doc.name(i))}
    ranked = sorted(counts, key=lambda i: -counts[i])
    if not ranked or counts[ranked[0]] < MIN_PROTAGONIST_MENTIONS or (
            len(ranked) > 1 and counts[ranked[1]] == counts[ranked[0]]):
        return False
    top, added = ranked[0], False
    for c in loose:
        have = {doc.of_mention[(m.start, m.end)] for m in participants[id(c)]}
        here = sentence_of(bounds, c.trigger.start)
        if len(have) != 1 or top in have or not _PRONOUN.search(doc.text, bounds[here][0], c.trigger.start):
            continue
        if top in _others_parties(doc, c, candidates, participants, bounds):
            continue
        participants[id(c)].append(min(doc.entities[top].mentions, key=lambda m: abs(m.start - c.trigger.start)))
        added = True
    return added
