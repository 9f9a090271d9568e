import datetime as dt

import pytest

from pipeline.dates import complete_date, date_range, day_offset, resolve_date


@pytest.mark.parametrize("text,doc_date,status,value,precision", [
    ("on Monday", "2023-05-08", "occurred", "2023-05-08", "day"),  # the article's own weekday
    ("on Thursday", "2023-05-08", "occurred", "2023-05-04", "day"),
    ("on Friday", "2023-04-20", "planned", "2023-04-21", "day"),
    # The article's own weekday is that day for a planned meeting too: every such span of the
    # corpus ("will meet later on Monday") is valued so (GUIDELINES §4).
    ("on Thursday", "2023-04-20", "planned", "2023-04-20", "day"),
    ("later on Monday", "2024-10-28", "planned", "2024-10-28", "day"),
    ("next Monday", "2024-10-28", "planned", "2024-11-04", "day"),
    ("last Monday", "2024-10-28", "occurred", "2024-10-21", "day"),
    ("this Monday", "2024-10-30", "occurred", "2024-10-28", "day"),
    ("from May 8", "2014-05-08", "planned", "2014-05-08", "day"),
    # A cancelled meeting: the nearer of the past and the future reading.
    ("on Friday", "2016-01-14", "cancelled", "2016-01-15", "day"),
    ("on Monday", "2016-01-14", "cancelled", "2016-01-11", "day"),
    ("on June 12", "2018-05-25", "cancelled", "2018-06-12", "day"),
    ("on Sunday", "2015-08-23", "cancelled", "2015-08-23", "day"),
    ("on 18 August last year", "2015-08-23", "occurred", "2014-08-18", "day"),
    ("on Dec. 6 last year", "2022-09-16", "occurred", "2021-12-06", "day"),
    # A length of time is no date; "in two days" is.
    ("two days", "2024-10-28", "occurred", None, None),
    ("for two days", "2024-10-28", "occurred", None, None),
    ("48 hours", "2024-10-28", "occurred", None, None),
    ("in two days", "2024-10-28", "planned", "2024-10-30", "day"),
    ("yesterday", "2023-04-20", "occurred", "2023-04-19", "day"),
    ("last week", "2023-04-20", "occurred", None, "week"),
    ("next month", "2023-05-08", "planned", None, "month"),
    ("in November", "2023-05-08", "occurred", None, "month"),
    ("on 14 March 2019", None, "occurred", "2019-03-14", "day"),  # absolute: no article date needed
    ("on Monday", None, "occurred", None, "day"),  # relative without article date: no value
    ("soon", "2023-05-08", "planned", None, None),
    ("late Wednesday", "2024-10-24", "occurred", "2024-10-23", "day"),  # a time of day keeps its day
    ("earlier on Monday", "2024-10-24", "occurred", "2024-10-21", "day"),
    ("later this month", "2024-10-24", "planned", None, "month"),
    ("today, Monday 26 February 2024", "2024-02-26", "occurred", "2024-02-26", "day"),  # read in pieces
    ("on Wednesday and Thursday", "2024-02-26", "occurred", None, None),  # pieces on two days
    ("on 15 and 16 June", "2023-07-01", "occurred", None, None),  # a range is no one day
    ("from 3 to 5 May 2023", None, "occurred", None, None),
    ("on 2024-03-04", None, "occurred", "2024-03-04", "day"),
    ("Later that day", "2024-02-26", "occurred", "2024-02-26", "day"),  # no anchor: the article date
    ("The next day", None, "occurred", None, "day"),
    # A calendar day around the article date: an occurred one is never after it, across the new
    # year too, and the article's own day is that day either way.
    ("on 1 January", "2023-12-31", "occurred", "2023-01-01", "day"),
    ("on 12 March", "2024-03-11", "occurred", "2023-03-12", "day"),
    ("on 8 May", "2023-05-08", "occurred", "2023-05-08", "day"),
    ("on 8 May", "2023-05-08", "planned", "2023-05-08", "day"),
    ("on 3 January", "2023-12-28", "planned", "2024-01-03", "day"),
    ("from May 5 to 6, 2023", "2023-05-07", "occurred", None, None),  # a range, also read in pieces
    ("the day after tomorrow", "2024-03-04", "planned", "2024-03-06", "day"),
    ("the day before yesterday", "2024-03-04", "occurred", "2024-03-02", "day"),
    ("to Tuesday", "2024-08-18", "planned", "2024-08-20", "day"),  # "postponed to Tuesday"
    ("Thursday's", "2025-07-07", "planned", "2025-07-10", "day"),
    ("on 8 may", "2024-05-08", "planned", "2024-05-08", "day"),  # a month in lower case
    ("Monday 26 February, 9 to 11 GMT", "2024-02-26", "occurred", "2024-02-26", "day"),  # hours, not days
    # A part of the article's own day is that day, not the same day a year back.
    ("On the afternoon of 10 December", "2023-12-10", "occurred", "2023-12-10", "day"),
    ("in the early hours of 10 December", "2023-12-10", "occurred", "2023-12-10", "day"),
    ("10 December afternoon", "2023-12-10", "occurred", "2023-12-10", "day"),
    ("on the evening of 9 December", "2023-12-10", "occurred", "2023-12-09", "day"),
    ("Friday night", "2023-12-05", "planned", "2023-12-08", "day"),
    ("this morning", "2023-12-10", "occurred", "2023-12-10", "day"),
])
def test_resolve_date(text, doc_date, status, value, precision):
    r = resolve_date(text, doc_date, status)
    assert (r["text"], r["value"], r["precision"]) == (text, value, precision)


@pytest.mark.parametrize("text,offset", [
    ("The next day", 1), ("the following morning", 1), ("a day later", 1), ("the day after", 1),
    ("A day earlier", -1), ("the day before", -1), ("the previous evening", -1), ("on the eve", -1),
    ("Later that day", 0), ("On the same day", 0), ("Earlier in the day", 0), ("that evening", 0),
    ("in the afternoon", 0), ("hours later", 0), ("Three days later", 3), ("two days earlier", -2),
    ("10 days after", 10),
    ("on Monday", None), ("next week", None), ("the day", None), ("the day after tomorrow", None),
    ("on the afternoon of April 27, 2018", None),
])
def test_day_offset_of_phrases_that_count_from_another_day(text, offset):
    assert day_offset(text) == offset
    if offset is not None:
        r = resolve_date(text, "2024-05-01", "occurred", anchor="2023-06-19")
        assert r["value"] == str(dt.date(2023, 6, 19) + dt.timedelta(days=offset)) and r["precision"] == "day"


@pytest.mark.parametrize("text,tagged,whole", [
    ("On 2 October 2023 they met", "On 2", "On 2 October 2023"),
    ("set for 28 July, officials said", "July", "28 July"),
    ("talks on May 12, 2023 in Doha", "on May", "on May 12, 2023"),
    ("the 3rd of June meeting", "June", "3rd of June"),
    ("on Tuesday 14 March. Then", "on Tuesday", "on Tuesday 14 March"),
    ("on Friday 12 people died", "on Friday", "on Friday"),  # a number after a weekday is no day
    ("on Monday, 2024 was", "on Monday", "on Monday"),
    ("since 2019 the two", "since 2019", "since 2019"),
    ("stake in October\n2:40 p.m.", "in October", "in October"),  # never across a line break
    ("In May, 2000 protesters", "In May", "In May"),
    ("met today, 3 March", "today", "today"),
    ("on Oct. 12, 2023 in", "on Oct.", "on Oct. 12, 2023"),
    ("on 2 May. Then", "on 2", "on 2 May"),
    ("On Thursday, Nov. 16, 2023, the", "16, 2023", "Nov. 16, 2023"),  # a day grows back over its month
    ("the afternoon of April 27, 2018", "27, 2018", "April 27, 2018"),
    ("at 10, 2023 was", "10, 2023", "10, 2023"),
    ("in Berlin on 2024-03-05 to discuss", "on 2024", "on 2024-03-05"),  # numeric dates are taken whole
    ("On 2024-03-05, Scholz met", "On", "On 2024-03-05"),
    ("met Modi on 5.3.2024.", "on 5.3", "on 5.3.2024"),
    ("on 12/03/2024 in", "on 12/03", "on 12/03/2024"),
    ("on Monday 2024-03-04 was", "on Monday", "on Monday"),  # after a weekday only when cut inside it
    ("met 3.5 percent on 2.1.2024", "3.5", "3.5"),
    ("* Jan. 1, 2024 - Abiy and", "2024", "Jan. 1, 2024"),  # a year grows back over its day and month
    ("on 10 October 2024 they", "2024", "10 October 2024"),
    ("in August 2019 he", "2019", "August 2019"),
    ("the 2019 talks", "2019", "2019"),
    ("On 5 March he held", "On", "On 5 March"),  # a preposition alone takes its calendar unit
    ("on Monday, 12 March", "on", "on Monday, 12 March"),
    ("on 5 people", "on", "on"),  # never a bare number
    ("in may be", "in", "in"),
    ("in Moscow from September 18 to 21, officials said", "from", "from September 18 to 21"),  # a range whole
    ("visit from January 5 to January 7.", "from", "from January 5 to January 7"),
    ("on 5 March to discuss", "on", "on 5 March"),
    ("met on 5 March and 7 April", "on", "on 5 March"),
])
def test_complete_date_grows_a_cut_date_span_to_its_calendar_date(text, tagged, whole):
    start = text.index(tagged)
    s, e = complete_date(text, start, start + len(tagged))
    assert text[s:e] == whole


def test_a_word_that_names_no_time_is_no_date_and_shifted_months_keep_their_precision():
    # "two" is what is left of "two weeks after" when the tagger cuts the span short.
    assert resolve_date("two", "2023-05-08") == {"text": "two", "value": None, "precision": None}
    assert resolve_date("last November", "2023-05-08")["precision"] == "month"
    assert resolve_date("next March", None) == {"text": "next March", "value": None, "precision": "month"}
    # Wire copy's abbreviated weekdays name a time all the same.
    assert [resolve_date(p, "2023-11-15")["value"] for p in ("Tue", "Sat.", "on Fri")] == [
        "2023-11-14", "2023-11-11", "2023-11-10"]


def test_a_dotted_date_is_day_first_and_an_iso_date_is_itself():
    assert resolve_date("on 5.3.2024", "2024-03-08")["value"] == "2024-03-05"
    assert resolve_date("on 05.03.24", "2024-03-08")["value"] == "2024-03-05"
    assert resolve_date("On 2024-03-05", None)["value"] == "2024-03-05"
    assert resolve_date("Monday, 4.3.2024", "2024-03-08")["value"] == "2024-03-04"


@pytest.mark.parametrize("text, doc_date, status, first, last", [
    ("on Thursday", "2025-09-18", "occurred", "2025-09-18", "2025-09-18"),
    ("in June", "2025-09-18", "occurred", "2025-06-01", "2025-06-30"),
    ("next month", "2025-09-18", "planned", "2025-10-01", "2025-10-31"),
    ("last week", "2025-09-18", "occurred", "2025-09-08", "2025-09-14"),
    ("in 2019", "2025-09-18", "occurred", "2019-01-01", "2019-12-31"),
    ("in June 2023", None, "occurred", "2023-06-01", "2023-06-30"),
    ("in June", None, "occurred", None, None),  # which June is unknown without the article date
    ("in the coming weeks", "2025-09-18", "planned", None, None),
])
def test_date_range_is_the_days_a_phrase_may_mean(text, doc_date, status, first, last):
    got = date_range(text, doc_date, status)
    assert (got and (got[0].isoformat(), got[1].isoformat())) == (first and (first, last))
