import pytest

from pipeline.dates import complete_date, resolve_date


@pytest.mark.parametrize("text,doc_date,status,value,precision", [
    ("on Monday", "2023-05-08", "occurred", "2023-05-08", "day"),  # the article's own weekday
    ("on Thursday", "2023-05-08", "occurred", "2023-05-04", "day"),
    ("on Friday", "2023-04-20", "planned", "2023-04-21", "day"),
    ("on Thursday", "2023-04-20", "planned", "2023-04-27", "day"),  # next such day after
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
])
def test_resolve_date(text, doc_date, status, value, precision):
    r = resolve_date(text, doc_date, status)
    assert (r["text"], r["value"], r["precision"]) == (text, value, precision)


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
])
def test_complete_date_grows_a_cut_date_span_to_its_calendar_date(text, tagged, whole):
    start = text.index(tagged)
    s, e = complete_date(text, start, start + len(tagged))
    assert text[s:e] == whole
