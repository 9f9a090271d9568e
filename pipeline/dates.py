"""Meeting dates: a date phrase resolved against the article date with dateparser."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from functools import lru_cache

from dateparser.date import DateDataParser
from dateparser.search import search_dates

_WEEKDAY = re.compile(r"\b(mon|tues|wednes|thurs|fri|satur|sun)day\b", re.I)
_LEAD = re.compile(r"^(on|in|at|since|by|from|during|as of|for|to|until|till)\s+", re.I)
_POSSESSIVE = re.compile(r"['’]s$")  # "Thursday's talks"
# "late Wednesday", "earlier on Monday": the day is what counts.
_TIME_OF_DAY = re.compile(r"^(late|early|earlier|later)\s+(on\s+)?(?=\w)", re.I)
# "the afternoon of 10 December", "in the early hours of Monday", "10 December afternoon": the
# day is what counts; dateparser gives the part of day an hour, which on the article's own day
# lies after its midnight base, so the past reading went a year back.
_PART_OF_DAY = re.compile(r"^(?:the\s+)?(?:early\s+hours|(?:early\s+|late\s+)?(?:morning|afternoon|evening|night))"
                          r"\s+of\s+(?=\S)", re.I)
_PART_OF_DAY_AFTER = re.compile(r"\s+(?:morning|afternoon|evening|night)$", re.I)
_RANGE = re.compile(r"(?<![\d-])\d{1,2}\s*(?:and|to|-|–)\s*\d{1,2}(?![\d-])", re.I)
# Two far-apart bases: a phrase that parses to the same day from both is absolute ("14 March 2019").
_PROBES = (dt.datetime(2001, 3, 7), dt.datetime(2017, 10, 19))


@lru_cache(maxsize=8)
def _parser(base: dt.datetime, prefer: str, order: str | None = None) -> DateDataParser:
    settings = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": prefer, "PREFER_DAY_OF_MONTH": "first",
                "RETURN_TIME_AS_PERIOD": False}
    return DateDataParser(languages=["en"], settings={**settings, "DATE_ORDER": order} if order else settings)


# A dotted numeric date is day first wherever it is written ("5.3.2024" is 5 March); a slashed one
# keeps dateparser's English month first.
_DOTTED = re.compile(r"(?<![\d.])\d{1,2}\.\d{1,2}\.(?:\d{2}|\d{4})(?![\d.])")


def _parse(phrase: str, base: dt.datetime, prefer: str) -> tuple[dt.date | None, str | None]:
    data = _parser(base, prefer, "DMY" if _DOTTED.search(phrase) else None).get_date_data(phrase)
    if data.date_obj is None:
        return None, None
    return data.date_obj.date(), data.period


# Phrases that count from a day the text has just named ("on 19 June … Later that day … The next
# day"), not from the article date: dateparser cannot read them, so they are anchored here. The
# day offset each pattern means:
_PART = r"(?:day|morning|afternoon|evening|night)"
_ANAPHORIC = [
    (re.compile(rf"\b(?:next|following)\s+{_PART}\b|\b(?:a|one)\s+day\s+later\b"
                r"|\bthe\s+day\s+after\b(?!\s+tomorrow)", re.I), 1),
    (re.compile(rf"\b(?:previous|preceding)\s+{_PART}\b|\b(?:a|one)\s+day\s+(?:earlier|before)\b"
                r"|\bthe\s+(?:day|night)\s+before\b(?!\s+yesterday)|\bon\s+the\s+eve\b", re.I), -1),
    (re.compile(rf"\b(?:same|that)\s+{_PART}\b|\b(?:earlier|later)\s+in\s+the\s+{_PART}\b"
                r"|^(?:in|during)\s+the\s+(?:morning|afternoon|evening)$|\bhours\s+(?:earlier|later)\b", re.I), 0),
]


# "Three days later", "two days earlier": counted from the anchor too; dateparser reads the number.
_DAYS_LATER = re.compile(r"\b((?:\w+\s+)?\w+)\s+days\s+(later|after|afterwards|earlier|before)\b", re.I)


def day_offset(text: str) -> int | None:
    """Days from the anchor day for a phrase like "the next day" (+1), "later that day" (0) or
    "three days later" (+3); None for any other phrase."""
    phrase = text.strip(" ,.")
    if (m := _DAYS_LATER.search(phrase)) and (n := _count_days(m.group(1))) is not None:
        return n if m.group(2).lower() in ("later", "after", "afterwards") else -n
    return next((off for pattern, off in _ANAPHORIC if pattern.search(phrase)), None)


def _count_days(number: str) -> int | None:
    """The number in "two", "2" or "a few": dateparser reads it from "<number> days ago"."""
    for words in (number, number.split()[-1]):
        day, _ = _parse(f"{words} days ago", _PROBES[1], "past")
        if day is not None:
            return (_PROBES[1].date() - day).days
    return None


def resolve_date(text: str, document_date: str | None, status: str = "occurred", anchor: str | None = None) -> dict:
    """{"text", "value", "precision"}: value is an ISO day or None, precision is day/week/month/None.

    Occurred meetings look to the past of the article date, planned ones to its future. A weekday
    of an occurred meeting may be the article's own day; "last week" keeps precision week and no
    value; a relative phrase with no article date has no value. A phrase that counts from another
    day ("the next day") counts from `anchor` (the last day the text named before it), else from
    the article date.
    """
    day, period = _reading(text, document_date, status, anchor)
    precision = period if period in ("day", "week", "month") else None
    value = day.isoformat() if day is not None and precision == "day" else None
    return {"text": text, "value": value, "precision": precision}


def date_range(text: str, document_date: str | None, status: str = "occurred",
               anchor: str | None = None) -> tuple[dt.date, dt.date] | None:
    """The first and last day a date phrase may mean, as `resolve_date` reads it: its day, week,
    month or year ("in June" of an article dated 18 September 2025 is 1-30 June 2025). None when
    it cannot be placed, such as a relative phrase with no article date."""
    day, period = _reading(text, document_date, status, anchor)
    if day is None:
        return None
    if period == "day":
        return day, day
    if period == "week":
        monday = day - dt.timedelta(days=day.weekday())
        return monday, monday + dt.timedelta(days=6)
    if period == "month":
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if period == "year":
        return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    return None


# Grouping asks for the range of a phrase assembly has just resolved: one dateparser reading each.
@lru_cache(maxsize=4096)
def _reading(text: str, document_date: str | None, status: str,
             anchor: str | None) -> tuple[dt.date | None, str | None]:
    if (off := day_offset(text)) is not None:
        base = anchor or document_date
        return (dt.date.fromisoformat(base) + dt.timedelta(days=off) if base else None), "day"
    if status == "cancelled" and document_date:
        # A called-off meeting was set for a day before or after the report ("the talks set for
        # Friday were postponed", "the June 12 summit is off"): the nearer reading.
        past, future = _resolve(text, document_date, "past"), _resolve(text, document_date, "future")
        base = dt.date.fromisoformat(document_date)
        dated = [r for r in (past, future) if r[0] is not None]
        return min(dated, key=lambda r: abs((r[0] - base).days)) if dated else past
    return _resolve(text, document_date, "future" if status == "planned" else "past")


def _resolve(text: str, document_date: str | None, prefer: str) -> tuple[dt.date | None, str | None]:
    day, period = _day(text, document_date, prefer)
    if day is None and not _day_range(text):  # a range's pieces name two days
        # Read only in pieces ("today, Monday 26 February 2024"): the day every piece names, so a
        # range ("on 15 and 16 June") has none.
        pieces = [_day(piece, document_date, prefer) for piece, _ in search_dates(text, languages=["en"]) or []]
        days = {d for d, p in pieces if p == "day"}
        if len(pieces) > 1 and len(days) == 1 and all(d is not None for d, _ in pieces):
            day, period = days.pop(), "day"
    return day, period


def _day_range(text: str) -> bool:
    """ "May 5 to 6, 2023", "15 and 16 June": a range of days, not of hours ("9 to 11 GMT")."""
    for m in _RANGE.finditer(text):
        if re.search(rf"{_M}\s*$", text[: m.start()], re.I) or re.match(rf"\s*(?:of\s+)?{_M}|,?\s*\d{{4}}",
                                                                        text[m.end():], re.I):
            return True
    return False


# A length of time, not a time: "for two days", "48 hours" (dateparser reads "two days ago").
_DURATION = re.compile(r"^(?:(?:a|an|the)\s+)?(?:\w+\s+)?(?:hours?|days?|weeks?|months?|years?)$", re.I)
_YEAR_WORD = re.compile(r",?\s+(last|this|next)\s+year$", re.I)
# Words that make a weekday or a calendar day relative already ("last Monday", "next June").
_RELATIVE = re.compile(r"\b(last|next|this|coming|past|ago|later|earlier|previous|following)\b", re.I)


def _day(text: str, document_date: str | None, prefer: str) -> tuple[dt.date | None, str | None]:
    lead = _LEAD.match(text.strip())
    phrase = _POSSESSIVE.sub("", _LEAD.sub("", _TIME_OF_DAY.sub("", _LEAD.sub("", text.strip()))).strip(" ,."))
    phrase = _PART_OF_DAY.sub("", phrase)
    if (day_part := _PART_OF_DAY_AFTER.search(phrase)) and _CALENDAR.search(phrase[: day_part.start()]):
        phrase = phrase[: day_part.start()]  # not "this morning", which names no day without it
    if _RANGE.search(phrase):  # "15 and 16 June" is no one day (dateparser reads 15 June 2016)
        return None, None
    if not _CALENDAR.search(phrase):  # "two" (of "two weeks after", cut short) is no date
        return None, None
    if month := _SHIFTED_MONTH.match(phrase):  # "last November": dateparser reads no shifted month
        phrase = month.group(2)
        prefer = "past" if month.group(1).lower() in ("last", "past") else "future"
    if _DURATION.match(phrase) and not _RELATIVE.search(phrase) and not (lead and lead.group(1).lower() == "in"):
        # "in two days" is a time, "last week" too
        return None, None
    phrase = re.sub(r"(?i)^this\s+(?=\w+day\b)", "", phrase)  # "this Monday" is the nearest Monday
    if document_date:
        base = dt.datetime.fromisoformat(document_date)
        if year := _YEAR_WORD.search(phrase):  # "on 18 August last year": that day of the year before
            shift = {"last": -1, "this": 0, "next": 1}[year.group(1).lower()]
            phrase = phrase[: year.start()]
            base, prefer = dt.datetime(base.year + shift, 12, 31), "past"
        elif not _RELATIVE.search(phrase) and (_WEEKDAY.search(phrase)
                                               or prefer == "future" and re.search(_M, phrase, re.I)):
            # "on Monday" in Monday's paper is that Monday, whether the meeting is past or to come,
            # and "on 8 May" in the 8 May paper is that day. dateparser's past already holds the
            # day itself for a calendar date: moving it on would make "on 1 January" in the
            # 31 December paper a day to come.
            base += dt.timedelta(days=1 if prefer == "past" else -1)
        return _parse(phrase, base, prefer)
    first, period = _parse(phrase, _PROBES[0], prefer)
    second, _ = _parse(phrase, _PROBES[1], prefer)
    return (first if first is not None and first == second else None), period


_FULL = [m for m in calendar.month_name[1:]]
_ABBR = [m for m in (*calendar.month_abbr[1:], "Sept") if m not in _FULL]
# An abbreviation may carry its dot ("Oct. 12"); a full name ending a sentence leaves it out.
_M = rf"(?:(?:{'|'.join(_FULL)})|(?:{'|'.join(sorted(_ABBR, key=len, reverse=True))})\.?)(?![\w])"
_D = r"\d{1,2}(?:st|nd|rd|th)?(?![\w])"
_Y = r"\d{4}(?![\w])"
_SP = r"[ \t\u00a0]"  # never across a line break: the next line is another item
_DAYNAME = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
# What may run on from a date span cut short, by how the span ends: a month takes its day or
# year ("March 10", "March 2022"), a day its month or year ("2 October", "May 12, 2023"), a
# weekday a whole day-and-month ("Tuesday 14 March").
_RUN_ON = [
    # A preposition alone ("On" of "On 5 March") takes the calendar unit after it, never a bare number.
    (re.compile(r"(?i)^(?:on|in|by|since|until|from|dated|during)$"),
     re.compile(rf"^{_SP}(?:{_D}{_SP}(?:of{_SP})?{_M}|{_M}|{_Y}|(?i:{_DAYNAME})(?![\w]))")),
    (re.compile(rf"{_M}$"), re.compile(rf"^{_SP}(?:{_D}|{_Y})")),
    (re.compile(rf"(?<![\w]){_D}$"), re.compile(rf"^(?:{_SP}(?:of{_SP})?{_M}|,?{_SP}{_Y})")),
    (re.compile(rf"(?<![\w]){_DAYNAME}$", re.I), re.compile(rf"^,?{_SP}(?:{_D}{_SP}(?:of{_SP})?{_M}|{_M}{_SP}{_D})")),
    # A day takes the end of its range ("from September 18 to 21"): a range has no single day.
    (re.compile(rf"(?<![\w])(?:{_D}|{_M})$"),
     re.compile(rf"^(?:{_SP}(?:to|until|through){_SP}|{_SP}?[-–]{_SP}?)(?:{_D}(?:{_SP}(?:of{_SP})?{_M})?|{_M}{_SP}{_D})")),
]
_LEFT = re.compile(rf"(?<![\w]){_D}{_SP}(?:of{_SP})?$")
# A date phrase names a number, a month, a weekday or a unit of time ("two" alone names none).
_CALENDAR = re.compile(
    rf"\d|{_M}|\b{_DAYNAME}\b|\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\b"
    r"|\b(?:today|tonight|yesterday|tomorrow|now|ago|days?|weeks?|weekends?|fortnight|months?|years?|decades?"
    r"|morning|afternoon|evening|night|noon|midnight)\b", re.I)
_SHIFTED_MONTH = re.compile(rf"^(last|past|next|coming)\s+({_M})$", re.I)
_LEFT_MONTH = re.compile(rf"(?<![\w]){_M}{_SP}$")
# What a year cut off from its date has before it: "Jan. 1, " or "10 October " or "August ".
_LEFT_OF_YEAR = re.compile(rf"(?<![\w])(?:{_M}{_SP}{_D},?|{_D}{_SP}(?:of{_SP})?{_M},?|{_M},?){_SP}$")
_NUMERIC = re.compile(r"(?<![\w.\-/])\d{1,4}([-./])\d{1,2}\1\d{1,4}(?![\w\-/]|\.\d)")
_OPEN = re.compile(r"(?i)(?:^|\s)(?:on|by|since|until|from|of|dated)$")


def complete_date(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow a date span the tagger cut short over the rest of its calendar date: "On 2" of
    "On 2 October 2023", "July" of "for 28 July"; "on Friday" of "on Friday 12 people" stays."""
    grown = True
    while grown:
        grown = False
        for tail, more in _RUN_ON:
            if tail.search(text[start:end]) and (m := more.match(text[end:])):
                end, grown = end + m.end(), True
                break
    # A numeric date the span cuts ("on 2024" of "on 2024-03-05") or that follows its preposition
    # ("On" of "On 5.3.2024") is taken whole.
    for m in _NUMERIC.finditer(text, max(0, start - 10), min(len(text), end + 12)):
        if m.start() < end < m.end() or (m.start() - end in (0, 1) and _OPEN.search(text[start:end])):
            start, end = min(start, m.start()), m.end()
    if re.match(_M, text[start:end]) and (m := _LEFT.search(text[:start])):
        start = m.start()
    elif re.match(_D, text[start:end]) and (m := _LEFT_MONTH.search(text[:start])):
        start = m.start()  # "16, 2023" of "Nov. 16, 2023"
    elif re.match(_Y, text[start:end]) and (m := _LEFT_OF_YEAR.search(text[:start])):
        start = m.start()  # "2024" of "Jan. 1, 2024"
    return start, end
