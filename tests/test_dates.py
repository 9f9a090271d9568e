import pytest

from pipeline.dates import resolve_date


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
])
def test_resolve_date(text, doc_date, status, value, precision):
    r = resolve_date(text, doc_date, status)
    assert (r["text"], r["value"], r["precision"]) == (text, value, precision)
