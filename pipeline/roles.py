"""Who is no party, or a party of another mention's meeting, by the words around a mention:
attendees ("Xie Feng also attended the meeting"), absentees ("Trump did not join the talks") and
spokespeople ("Foreign Ministry spokesman Wang Wenbin")."""

from __future__ import annotations

import re

from .entities import Candidate, Entities

# "Xie Feng also attended the meeting", "Taking part in the talks were ...": the people named are
# attendees of a meeting just reported, not the parties of a meeting of their own (GUIDELINES,
# *Attendees*).
_ATTENDED = re.compile(r"\b(?:attend(?:s|ed|ing)?|join(?:s|ed|ing)?|t(?:ake|akes|ook|aking) part in|"
                       r"s(?:it|its|at|itting) in on|present at|participat(?:e|es|ed|ing) in)\s+(?:the|that|this)\s+$",
                       re.I)
_DESCRIBED = re.compile(r"\s+(?:of|between|with|among)\b")  # "attended the meeting of EU leaders": another
_NOT = re.compile(r"\b(?:not|never|no longer)\b|n['’]t\b", re.I)
_SPOKESPERSON = re.compile(r"spokes(?:man|woman|person)\s+$", re.I)


def attendance(text: str, c: Candidate) -> str | None:
    """Whether a trigger mention is "attended the meeting" ("attended"), its negation ("did not
    join the talks": "absent"), or neither (None)."""
    before = text[max(0, c.trigger.start - 60) : c.trigger.start]
    if not (m := _ATTENDED.search(before)) or _DESCRIBED.match(text, c.trigger.end):
        return None
    clause = re.split(r"[,;.:]", before[: m.start()])[-1]
    return "absent" if _NOT.search(" ".join(clause.split()[-3:])) else "attended"


def spokespeople(doc: Entities) -> set[int]:
    """Entities introduced as spokespeople ("Foreign Ministry spokesman Wang Wenbin"): they speak
    about meetings, and of the 106 such persons in the corpus none takes part in one."""
    return {i for i, e in enumerate(doc.entities)
            if any(_SPOKESPERSON.search(doc.text, max(0, m.start - 20), m.start) for m in e.mentions)}
