"""Meeting dates: a date phrase resolved against the article date with dateparser."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from dateparser.date import DateDataParser

_WEEKDAY = re.compile(r"\b(mon|tues|wednes|thurs|fri|satur|sun)day\b", re.I)
_LEAD = re.compile(r"^(on|in|at|since|by|from|during|as of|for)\s+", re.I)
# Two far-apart bases: a phrase that parses to the same day from both is absolute ("14 March 2019").
_PROBES = (dt.datetime(2001, 3, 7), dt.datetime(2017, 10, 19))


@lru_cache(maxsize=8)
def _parser(base: dt.datetime, prefer: str) -> DateDataParser:
    return DateDataParser(languages=["en"], settings={
        "RELATIVE_BASE": base, "PREFER_DATES_FROM": prefer, "PREFER_DAY_OF_MONTH": "first",
        "RETURN_TIME_AS_PERIOD": False})


def _parse(phrase: str, base: dt.datetime, prefer: str) -> tuple[dt.date | None, str | None]:
    data = _parser(base, prefer).get_date_data(phrase)
    if data.date_obj is None:
        return None, None
    return data.date_obj.date(), data.period


def resolve_date(text: str, document_date: str | None, status: str = "occurred") -> dict:
    """{"text", "value", "precision"}: value is an ISO day or None, precision is day/week/month/None.

    Occurred meetings look to the past of the article date, planned ones to its future. A weekday
    of an occurred meeting may be the article's own day; "last week" keeps precision week and no
    value; a relative phrase with no article date has no value.
    """
    phrase = _LEAD.sub("", text.strip()).strip(" ,.")
    prefer = "future" if status == "planned" else "past"
    if document_date:
        base = dt.datetime.fromisoformat(document_date)
        if prefer == "past" and _WEEKDAY.search(phrase):
            base += dt.timedelta(days=1)  # "on Monday" in Monday's paper is that Monday
        day, period = _parse(phrase, base, prefer)
    else:
        first, period = _parse(phrase, _PROBES[0], prefer)
        second, _ = _parse(phrase, _PROBES[1], prefer)
        day = first if first is not None and first == second else None
    precision = period if period in ("day", "week", "month") else None
    value = day.isoformat() if day is not None and precision == "day" else None
    return {"text": text, "value": value, "precision": precision}
