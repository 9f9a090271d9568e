"""ISO 3166 alpha-3 codes for affiliations ("Chinese", "US", "Kremlin" -> CHN, USA, RUS)."""

from __future__ import annotations

import re
from functools import lru_cache

import countryinfo

# Seats of government used as metonyms; country libraries list capitals and demonyms, not these.
_SEATS = {"kremlin": "RUS", "white house": "USA", "pentagon": "USA", "state department": "USA",
          "downing street": "GBR", "elysee": "FRA", "élysée": "FRA", "zhongnanhai": "CHN",
          "quai d'orsay": "FRA", "foggy bottom": "USA", "blue house": "KOR", "chancellery": "DEU"}
# Short forms news uses that the library's alternative spellings lack.
_SHORT = {"us": "USA", "u.s.": "USA", "u.s": "USA", "america": "USA", "uk": "GBR", "u.k.": "GBR",
          "britain": "GBR", "sino": "CHN", "prc": "CHN", "dprk": "PRK", "rok": "KOR", "uae": "ARE"}


# First words of country names that are ordinary English words ("Central Committee" is not CAF).
_GENERIC = {"central", "united", "saint", "democratic", "republic", "great", "equatorial", "northern",
            "southern", "western", "eastern", "federated", "holy", "marshall", "cocos", "christmas", "falkland",
            "costa"}  # a surname ("António Costa") before it is Costa Rica
# Alternative spellings and stems that are English words or surnames ("Island" for Iceland, "Turks"
# for the Turks and Caicos Islands, "Mann" for the Isle of Man).
_NOT_NAMES = {"island", "heard", "mann", "wallis", "turks"}
# Regions whose names hold a country's: "Latin American" is not the United States, nor is the
# "North America and Oceania division" of China's foreign ministry.
_REGIONS = re.compile(r"(?<![\w.])(?:(?:north|south|central|latin|ibero|pan|inter|meso)[- ]americ(?:a|an|as)"
                      r"|the americas|organi[sz]ation of american states)(?![\w])", re.I)
# A country after "to" or "in" is where a mission is posted, not whom it represents ("OSCE mission
# to Moldova", "Embassy of Chile in Washington"), and so are the others of a list there.
LIST_AFTER = r"\s+(?:the\s+)?(?:[\w.'’-]+\s*(?:,|and)\s+)*$"
_POSTED = re.compile(r"(?<![\w])(?:to|in)" + LIST_AFTER)
# In a title, a country after "for" or "on" is a remit ("special envoy for Ukraine", "for China and Taiwan").
_REMIT = re.compile(r"(?<![\w])(?:to|in|for|on)" + LIST_AFTER)


@lru_cache(maxsize=1)
def _infos() -> list[dict]:
    return [c.info() for c in countryinfo.all_countries()]


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Lower-cased country names, demonyms, capitals and seats of government -> alpha-3 code."""
    names: dict[str, str] = {}
    first_words: dict[str, set[str]] = {}
    infos = _infos()
    # Most populous first: "Indian" is India's demonym before the Indian Ocean Territory's.
    for info in sorted(infos, key=lambda i: -(i.get("population") or 0)):
        code = (info.get("ISO") or {}).get("alpha3")
        if not code:
            continue
        capital = info.get("capital") or ""
        capital = capital[0] if isinstance(capital, list) and capital else str(capital or "")
        forms = [info.get("name"), info.get("demonym"), capital, capital.split(" D.C.")[0]]
        forms += [a for a in info.get("altSpellings") or [] if len(a) > 3]
        for form in forms:
            if form and len(form) > 2:
                names.setdefault(form.lower(), code)
        name = (info.get("name") or "").lower()
        # "Saudi" for Saudi Arabia, "Philippine" for the Philippines, when unambiguous.
        for stem in {name.split()[0] if " " in name else "", name[:-1] if name.endswith("s") else ""}:
            if len(stem) >= 5:
                first_words.setdefault(stem, set()).add(code)
    for stem, codes in first_words.items():
        if len(codes) == 1 and stem not in _GENERIC:
            names.setdefault(stem, codes.pop())
    names.update(_SEATS)
    return {k: v for k, v in names.items() if k not in _NOT_NAMES}


@lru_cache(maxsize=1)
def _index() -> list[tuple[re.Pattern, str]]:
    # Longest names first, so "South Korean" wins over "Korean", "Niger" never matches "Nigerian".
    ordered = sorted(_names().items(), key=lambda kv: -len(kv[0]))
    return [(re.compile(rf"(?<![\w.]){re.escape(k)}(?![\w])", re.I), v) for k, v in ordered]


@lru_cache(maxsize=8192)  # assembly asks about the same few dozen phrases of an article many times
def country_code(text: str | None, _away: re.Pattern = _POSTED) -> str | None:
    """The ISO alpha-3 code of the country a phrase names or implies, or None: a short form first
    ("US"), then the longest name; not a region's ("Latin American") nor a posting's ("to Moldova")."""
    if not text:
        return None
    low = _REGIONS.sub(lambda m: " " * len(m.group()), text.lower().strip())

    def posted(start: int) -> bool:
        return bool(_away.search(low, 0, start))

    for token in re.finditer(r"[a-z.]+", low):
        if token.group() in _SHORT and not posted(token.start()):
            return _SHORT[token.group()]
    for pattern, code in _index():
        if any(not posted(m.start()) for m in pattern.finditer(low)):
            return code
    return None


@lru_cache(maxsize=1)
def _state_names() -> frozenset[str]:
    """Lower-cased names of the countries themselves: no demonyms, capitals or seats."""
    names = set(_SHORT)
    for info in _infos():
        names.update(f.lower() for f in [info.get("name")] + (info.get("altSpellings") or []) if f and len(f) > 3)
    return frozenset(names)


def title_country(title: str | None) -> str | None:
    """The country a title names as its holder's ("Prime Minister of Norway", "President of the
    Republic of Finland"); not a posting or remit ("ambassador to China", "envoy for Ukraine")."""
    return country_code(title, _REMIT)


def ends_in_remit(text: str) -> bool:
    """Whether a country after this text is a remit or posting ("Secretary of State for China
    and", "Ambassador to the"), not whom it represents."""
    return bool(_REMIT.search(text.lower()))


@lru_cache(maxsize=1)
def _peoples() -> frozenset[str]:
    """Lower-cased demonyms ("turkish", "american")."""
    return frozenset(i["demonym"].lower() for i in _infos() if i.get("demonym")) - _NOT_NAMES


def written_country(text: str | None) -> str | None:
    """The code of a country named by its own name, possessive or not, or by its people ("Rwanda's",
    "the US", "Turkish"); not by its capital, which before a name mostly says where ("In Kyiv
    Zelensky ...")."""
    low = _bare(text)
    return country_code(low) if low in _state_names() or low in _peoples() else None


def _bare(text: str | None) -> str:
    """Lower case, without a leading "the" or the possessive the tagger often cuts with a name."""
    low = re.sub(r"^the\s+", "", (text or "").lower().strip())
    return re.sub(r"['’]s?$", "", low)


def is_state_name(text: str | None) -> bool:
    """Whether the phrase is a country's own name ("Ukraine", "the US"), not its people or capital
    ("Ukrainian", "Kyiv"): the form a country party is named by."""
    return _bare(text) in _state_names()


def is_country_name(text: str | None) -> bool:
    """Whether the phrase as a whole names a country ("China", "the United States", "US",
    "Beijing", "Kremlin"), not merely contains one ("Bank of China", "Michael Jordan")."""
    low = _bare(text)  # "China's", as the tagger often cuts it
    return low in _SHORT or low in _names()
