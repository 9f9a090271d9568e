"""Which person a surname shared by two people of an article goes to ("Li" beside Li Qiang and Li
Keqiang): the gold party mentions of the corpus are fed to `Entities.add_proper` in the order
assembly uses (longest names first), and every mention that matches two or more entities is
checked against its annotated entity. The rule `add_proper` uses (the person named first) is set
against the one it replaced (the person mentioned last before the surname).

    .venv/bin/python benchmarks/shared_surnames.py
"""

from __future__ import annotations

import collections
from pathlib import Path

from pipeline.corpus import load as load_corpus
from pipeline.entities import Entities, PredSpan, is_nominal, name_words

ROOT = Path(__file__).resolve().parent.parent


def last_named(doc: Entities, matches: list[int], m: PredSpan) -> int:
    return max(matches, key=lambda k: max((x.start for x in doc.entities[k].mentions if x.start <= m.start),
                                          default=-1))


def score(rule) -> tuple[int, int]:
    right = total = 0
    for d in load_corpus(ROOT / "annotations"):
        mentions = sorted((s for s in d.spans if s.label == "PARTICIPANT" and s.entity and not is_nominal(s.text)),
                          key=lambda s: (-len(name_words(s.text)), s.start))
        doc, shared = Entities(d.text), {}
        for s in mentions:
            m = PredSpan("PARTICIPANT", s.start, s.end, 1.0)
            matches = doc.matching(set(name_words(s.text)))
            if len(matches) >= 2 and rule is not None:
                i = rule(doc, matches, m)
                doc.entities[i].mentions.append(m)
                doc.of_mention[(m.start, m.end)] = i
            else:
                doc.add_proper(m)
            if len(matches) >= 2:
                shared[(m.start, m.end)] = s.entity
        # Each found entity stands for the annotated entity most of its full-name mentions belong to.
        gold = {(s.start, s.end): s.entity for s in mentions}
        stands_for = {}
        for i, e in enumerate(doc.entities):
            votes = collections.Counter(gold[(x.start, x.end)] for x in e.mentions
                                        if len(name_words(doc.surface(x))) > 1)
            stands_for[i] = votes.most_common(1)[0][0] if votes else None
        total += len(shared)
        right += sum(stands_for[doc.of_mention[k]] == g for k, g in shared.items())
    return right, total


def main() -> None:
    for name, rule in (("first named (add_proper)", None), ("last named before it", last_named)):
        right, total = score(rule)
        print(f"{name:26} {right} of {total} shared-surname mentions go to their person")


if __name__ == "__main__":
    main()
