import functools
import re

import pytest

from pipeline.entities import plausible_party
from pipeline.events import Candidate, PredSpan, assemble, sentence_bounds
from pipeline.merge import merge_reports
from pipeline.output import check_merged


def span(text: str, label: str, surface: str, nth: int = 0, score: float = 0.9) -> PredSpan:
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return PredSpan(label, start, start + len(surface), score)


def spans_in(text: str):
    """`span` with its text bound: s("PARTICIPANT", "Qin Gang")."""
    return functools.partial(span, text)


def met_candidate(text: str, nth: int, a: str, b: str, date: str | None = None) -> Candidate:
    """The candidate of the nth "met" of `text`: parties a and b, and a date phrase if given."""
    args = [span(text, "PARTICIPANT", a), span(text, "PARTICIPANT", b)] + ([span(text, "DATE", date)] if date else [])
    return Candidate(span(text, "occurred", "met", nth), args)


TEXT = ("Chinese Foreign Minister Qin Gang met US Ambassador Nicholas Burns in Beijing on Monday. "
        "Mr. Qin told Burns that ties must stabilise. The meeting was the first since February. "
        "Qin is set to visit the Philippines on Friday.")


def candidates(text=TEXT):
    s = spans_in(text)
    c1 = Candidate(s("occurred", "met"), [
        s("AFFILIATION", "Chinese"), s("TITLE", "Foreign Minister"), s("PARTICIPANT", "Qin Gang"),
        s("AFFILIATION", "US"), s("TITLE", "Ambassador"), s("PARTICIPANT", "Nicholas Burns"),
        s("LOCATION", "Beijing"), s("DATE", "on Monday"), s("PARTICIPANT", "Qin", 1),
        s("PARTICIPANT", "Burns", 1)])
    c2 = Candidate(s("occurred", "meeting"), [s("PARTICIPANT", "Qin", 1), s("PARTICIPANT", "Burns", 1)])
    c3 = Candidate(s("planned", "visit"), [s("PARTICIPANT", "Qin", 2), s("PARTICIPANT", "Philippines"),
                                             s("DATE", "on Friday")])
    return [c1, c2, c3]


def test_trigger_mentions_merge_and_meetings_stay_apart():
    events = assemble(TEXT, "2023-05-08", candidates())
    assert [e["status"] for e in events] == ["occurred", "planned"]
    first, second = events
    assert [m["text"] for m in first["trigger_mentions"]] == ["met", "meeting"]
    assert [p["name"] for p in first["participants"]] == ["Qin Gang", "Nicholas Burns"]
    assert [p["name"] for p in second["participants"]] == ["Qin Gang", "Philippines"]


def test_participants_are_entities_with_titles_countries_and_all_mentions():
    qin, burns = assemble(TEXT, "2023-05-08", candidates())[0]["participants"]
    assert (qin["title"], qin["affiliation"], qin["country"]) == ("Foreign Minister", "Chinese", "CHN")
    assert (burns["title"], burns["affiliation"], burns["country"]) == ("Ambassador", "US", "USA")
    assert [m["text"] for m in qin["mentions"]] == ["Qin Gang", "Qin", "Qin"]
    for p in (qin, burns):
        for m in p["mentions"] + [p["title_mention"], p["affiliation_mention"]]:
            assert TEXT[m["start"]:m["end"]] == m["text"]
    assert (qin["title_mention"]["start"], burns["affiliation_mention"]["start"]) == (8, 38)


def test_title_shown_is_the_most_tagged_with_its_first_mention_and_none_gives_null():
    text = "Special Envoy Li Hui met Lee. Later Envoy Li Hui told Lee that Envoy Li Hui would return."
    s = spans_in(text)
    args = [s("TITLE", "Special Envoy"), s("TITLE", "Envoy", 1), s("TITLE", "Envoy", 2), s("PARTICIPANT", "Lee"),
            s("PARTICIPANT", "Lee", 1)] + [s("PARTICIPANT", "Li Hui", k) for k in range(3)]
    li, lee = assemble(text, None, [Candidate(s("occurred", "met"), args)])[0]["participants"]
    assert li["title"] == "Envoy" and li["title_mention"] == {"text": "Envoy", "start": 36, "end": 41}
    assert lee["title"] is None and lee["title_mention"] is None and lee["affiliation_mention"] is None


def test_output_check_catches_a_title_that_its_mention_does_not_prove():
    from pipeline.output import check_record
    record = {"doc_id": "d", "document_date": None, "events": assemble(TEXT, None, candidates())}
    assert check_record(record, TEXT) == []
    qin = record["events"][0]["participants"][0]
    qin["title_mention"] = {**qin["title_mention"], "start": qin["title_mention"]["start"] + 1}
    moved = "events/0/participants/0/title_mention: text 'Foreign Minister' is not at 9-24"
    assert check_record(record, TEXT) == [moved]
    qin["title"] = "Minister"
    assert check_record(record, TEXT) == ["events/0/participants/0: title 'Minister' is not its mention's text"]


def test_dates_resolve_by_status_and_evidence_covers_the_sentence():
    occurred, planned = assemble(TEXT, "2023-05-08", candidates())
    assert occurred["date"]["value"] == "2023-05-08" and occurred["date"]["precision"] == "day"
    assert planned["date"]["value"] == "2023-05-12"
    ev = occurred["evidence"]
    assert TEXT[ev["start"]:ev["end"]].startswith("Chinese Foreign Minister")
    assert TEXT[ev["start"]:ev["end"]].endswith("on Monday.")
    assert occurred["location"]["text"] == "Beijing"
    assert 0 < occurred["confidence"] <= 1


def test_without_article_date_relative_dates_have_no_value():
    events = assemble(TEXT, None, candidates())
    assert all(e["date"]["value"] is None for e in events)


def test_trigger_with_fewer_than_two_parties_is_dropped():
    text = "Talks were held. The meeting went well."
    lone = Candidate(span(text, "occurred", "Talks"), [])
    assert assemble(text, None, [lone]) == []


def test_a_date_that_counts_from_another_day_counts_from_the_last_day_named():
    text = "On 19 June 2023 Abe met Modi. The next day Macron met Scholz, and later that day Lula met Xi."
    cands = [met_candidate(text, 0, "Abe", "Modi", "On 19 June 2023"),
             met_candidate(text, 1, "Macron", "Scholz", "The next day"),
             met_candidate(text, 2, "Lula", "Xi", "later that day")]
    for article_date in (None, "2023-06-30"):  # the text's own day wins over the article date
        events = assemble(text, article_date, cands)
        assert [e["date"]["value"] for e in events] == ["2023-06-19", "2023-06-20", "2023-06-20"]
    (alone,) = assemble(text, "2023-06-30", cands[1:2])
    assert alone["date"]["value"] == "2023-07-01"  # no day named before it: the article date
    assert assemble(text, None, cands[1:2])[0]["date"] == {
        "text": "The next day", "value": None, "precision": "day",
        "start": text.index("The next day"), "end": text.index("The next day") + len("The next day")}


def test_a_day_counted_from_another_counts_from_it_as_its_own_status_reads_it():
    # "On 6 October" is in the windows of the call held then and of the meeting agreed for later:
    # past to the first, next year's 6 October to the second. "Ten days later" of an occurred
    # meeting counts from the past reading, in whatever order the candidates come.
    text = ("On 6 October Lula met Trump by video and both agreed to meet in person. "
            "Ten days later Vieira met Rubio.")
    s = spans_in(text)
    call = Candidate(s("occurred", "met"), [s("PARTICIPANT", "Lula"), s("PARTICIPANT", "Trump"),
                                            s("DATE", "On 6 October")])
    plan = Candidate(s("planned", "meet"), [s("PARTICIPANT", "Lula"), s("PARTICIPANT", "Trump"),
                                            s("DATE", "On 6 October")])
    later = met_candidate(text, 1, "Vieira", "Rubio", "Ten days later")
    for cands in ([call, plan, later], [plan, call, later]):
        assert sorted(e["date"]["value"] for e in assemble(text, "2025-10-27", cands)
                      if e["status"] == "occurred") == ["2025-10-06", "2025-10-16"]


def test_two_meetings_in_one_sentence():
    text = "Abe met Modi on Monday, and Macron met Scholz on Tuesday."
    cands = [met_candidate(text, 0, "Abe", "Modi", "on Monday"),
             met_candidate(text, 1, "Macron", "Scholz", "on Tuesday")]
    events = assemble(text, "2024-03-06", cands)
    assert [[p["name"] for p in e["participants"]] for e in events] == [["Abe", "Modi"], ["Macron", "Scholz"]]
    assert [e["date"]["value"] for e in events] == ["2024-03-04", "2024-03-05"]


def test_nominal_mention_resolves_by_country():
    text = "Qin Gang met US Ambassador Nicholas Burns. Qin told the American envoy to help."
    s = spans_in(text)
    c = Candidate(s("occurred", "met"), [s("PARTICIPANT", "Qin Gang"), s("AFFILIATION", "US"),
                                         s("TITLE", "Ambassador"), s("PARTICIPANT", "Nicholas Burns"),
                                         s("PARTICIPANT", "the American envoy")])
    (event,) = assemble(text, None, [c])
    assert len(event["participants"]) == 2
    assert [m["text"] for m in event["participants"][1]["mentions"]] == ["Nicholas Burns", "the American envoy"]


def test_a_nominal_naming_another_country_joins_no_party_on_a_shared_title_word():
    text = "Chinese Foreign Minister Wang Yi met Antony Blinken and the Japanese Prime Minister in Bali."
    s = spans_in(text)
    c = Candidate(s("occurred", "met"), [s("AFFILIATION", "Chinese"), s("TITLE", "Foreign Minister"),
                                         s("PARTICIPANT", "Wang Yi"), s("PARTICIPANT", "Antony Blinken"),
                                         s("PARTICIPANT", "the Japanese Prime Minister")])
    (event,) = assemble(text, None, [c])
    wang = next(p for p in event["participants"] if p["name"] == "Wang Yi")
    assert [m["text"] for m in wang["mentions"]] == ["Wang Yi"]
    # "the ambassador to China" names the host's country, not its own: it joins by its title.
    text = "US Ambassador Nicholas Burns met Qin Gang. The ambassador to China said talks went well."
    s = spans_in(text)
    c = Candidate(s("occurred", "met"), [s("AFFILIATION", "US"), s("TITLE", "Ambassador"),
                                         s("PARTICIPANT", "Nicholas Burns"), s("PARTICIPANT", "Qin Gang"),
                                         s("PARTICIPANT", "The ambassador to China")])
    (event,) = assemble(text, None, [c])
    burns = next(p for p in event["participants"] if p["name"] == "Nicholas Burns")
    assert [m["text"] for m in burns["mentions"]] == ["Nicholas Burns", "The ambassador to China"]


def test_a_description_has_no_surname_to_take_other_mentions_by():
    text = "The Pope met the Iranian President in Rome. Earlier, President Biden called Macron."
    c = Candidate(span(text, "occurred", "met"), [span(text, "PARTICIPANT", "The Pope"),
                                                   span(text, "PARTICIPANT", "the Iranian President")])
    (event,) = assemble(text, None, [c])
    iranian = event["participants"][1]
    assert (iranian["name"], iranian["country"]) == ("the Iranian President", "IRN")
    assert [m["text"] for m in iranian["mentions"]] == ["the Iranian President"]


def test_sentence_bounds():
    text = "One. Two words! “Three?” Four\nFive"
    assert [text[s:e] for s, e in sentence_bounds(text)] == ["One.", "Two words!", "“Three?”", "Four", "Five"]


def test_an_abbreviation_s_dot_ends_no_sentence_and_the_meeting_keeps_its_date():
    text = "Antony J. Blinken met the U.S. envoy. Qin met Mr. Burns on Monday, and Blinken met Wang."
    assert [text[s:e] for s, e in sentence_bounds(text)] == [
        "Antony J. Blinken met the U.S. envoy.", "Qin met Mr. Burns on Monday, and Blinken met Wang."]
    events = assemble(text, "2024-05-08", [met_candidate(text, 1, "Qin", "Burns", "on Monday"),
                                           met_candidate(text, 2, "Blinken", "Wang")])
    qin = next(e for e in events if e["participants"][0]["name"] == "Qin")
    assert qin["date"]["text"] == "on Monday"
    # A paragraph break still ends a sentence, abbreviation or not; a.m. and p.m. end one too.
    for text, first in [("Qin met Burns in the U.S.\n\nBlinken met Wang.", "Qin met Burns in the U.S."),
                        ("They met at 10 a.m. Putin then left.", "They met at 10 a.m.")]:
        assert text[slice(*sentence_bounds(text)[0])] == first


def test_merge_reports_fills_the_date_from_a_dated_report():
    dated = assemble(TEXT, "2023-05-08", candidates())
    undated = assemble(TEXT, None, candidates())
    merged = merge_reports([{"doc_id": "a", "document_date": None, "events": undated},
                            {"doc_id": "b", "document_date": "2023-05-08", "events": dated}])
    qin_burns = [m for m in merged if {p["name"] for p in m["participants"]} == {"Qin Gang", "Nicholas Burns"}]
    assert len(qin_burns) == 1
    assert qin_burns[0]["date"] == "2023-05-08"
    sources = qin_burns[0]["sources"]
    assert [(x["doc_id"], x["event_index"]) for x in sources] == [("a", 0), ("b", 0)]
    assert [x["trigger"] for x in sources] == [undated[0]["trigger"], dated[0]["trigger"]]
    assert [x["evidence"] for x in sources] == [undated[0]["evidence"], dated[0]["evidence"]]
    assert len(merged) == 2
    for m in merged:
        assert check_merged(m, {"a": TEXT, "b": TEXT}) == []
    broken = {**merged[0], "sources": [{**sources[0], "trigger": {**sources[0]["trigger"], "start": 1}}]}
    assert check_merged(broken, {"a": TEXT})
    assert check_merged({**merged[0], "disagreements": {"status": ["occurred", "planned"]}})


def _report(doc: str, confidence: float, date: str | None, place: str | None, burns: dict) -> dict:
    party = {"name": "", "title": None, "affiliation": None, "country": None, "mentions": []}
    return {"doc_id": doc, "document_date": None, "events": [{
        "status": "occurred", "confidence": confidence, "topics": [],
        "date": {"text": "x", "value": date, "precision": "day"} if date else None,
        "location": {"text": place} if place else None,
        "trigger": {"text": "met", "start": 0, "end": 3}, "evidence": {"start": 0, "end": 3},
        "participants": [{**party, "name": "Qin Gang", "country": "CHN"}, {**party, "name": "Burns", **burns}]}]}


def test_a_merged_meeting_takes_each_field_from_the_best_ranked_report_that_has_it():
    """Reports rank dated first, then by confidence; a field missing from the best report comes
    from the next one that has it, and an affiliation brings its own country."""
    merged = merge_reports([
        _report("a", 0.95, None, "Shanghai", {"title": "envoy", "affiliation": "American", "country": "USA"}),
        _report("b", 0.6, "2023-05-08", None, {"title": "Ambassador"}),
        _report("c", 0.5, "2023-05-08", "Beijing", {"affiliation": "US", "country": "USA"}),
        _report("d", 0.9, "2023-05-09", "Beijing", {})])  # another day: another meeting
    assert len(merged) == 2
    m = merged[0]
    assert [s["doc_id"] for s in m["sources"]] == ["a", "b", "c"]
    burns = next(p for p in m["participants"] if p["name"] == "Burns")
    assert (burns["title"], burns["affiliation"], burns["country"]) == ("Ambassador", "US", "USA")  # b, then c
    assert m["date"] == "2023-05-08"
    assert m["location"] == "Beijing"  # c is dated: it outranks the more confident, undated a
    assert m["confidence"] == 0.95
    assert m["disagreements"] == {"location": ["Beijing", "Shanghai"]}
    assert check_merged(m) == []
    (undated,) = merge_reports([_report("a", 0.4, None, None, {}), _report("b", 0.7, None, "Rome", {"title": "x"})])
    assert (undated["date"], undated["location"], undated["disagreements"]) == (None, "Rome", {})


def test_parties_come_from_the_trigger_sentence_first_then_its_neighbours():
    text = ("Ararat Mirzoyan and Jeyhun Bayramov arrived in Moscow on Thursday. "
            "Earlier on Thursday, Lavrov hosted both men. Separately, Macron spoke about Biden.")
    s = spans_in(text)
    c = Candidate(s("occurred", "hosted"), [s("PARTICIPANT", "Ararat Mirzoyan"), s("PARTICIPANT", "Jeyhun Bayramov"),
                                            s("PARTICIPANT", "Lavrov"), s("PARTICIPANT", "Macron"),
                                            s("PARTICIPANT", "Biden")])
    (event,) = assemble(text, "2023-05-19", [c])
    assert [p["name"] for p in event["participants"]] == ["Ararat Mirzoyan", "Jeyhun Bayramov", "Lavrov"]


def test_a_surname_tagged_before_the_full_name_joins_the_full_name():
    text = "Donald Tusk hosts Olaf Scholz. Polish Prime Minister Donald Tusk hosted Olaf Scholz on Tuesday."
    s = spans_in(text)
    # The headline's names came out of the tagger in pieces.
    headline = Candidate(s("occurred", "hosts"), [s("PARTICIPANT", "Tusk"), s("PARTICIPANT", "Donald"),
                                                  s("PARTICIPANT", "Scholz"), s("PARTICIPANT", "Olaf")])
    body = Candidate(s("occurred", "hosted"), [s("TITLE", "Prime Minister"), s("PARTICIPANT", "Donald Tusk", 1),
                                              s("PARTICIPANT", "Olaf Scholz", 1)])
    (event,) = assemble(text, None, [headline, body])
    assert [p["name"] for p in event["participants"]] == ["Donald Tusk", "Olaf Scholz"]
    assert [m["text"] for m in event["trigger_mentions"]] == ["hosts", "hosted"]


def test_a_title_word_tagged_as_a_name_is_not_a_party_of_its_own():
    text = "Prime Minister Donald Tusk hosted Olaf Scholz. The Prime met Scholz again at dinner."
    s = spans_in(text)
    c1 = Candidate(s("occurred", "hosted"), [s("TITLE", "Prime Minister"), s("PARTICIPANT", "Donald Tusk"),
                                            s("PARTICIPANT", "Olaf Scholz")])
    c2 = Candidate(s("occurred", "met"), [s("PARTICIPANT", "Prime", 1), s("PARTICIPANT", "Scholz", 1)])
    names = {p["name"] for e in assemble(text, None, [c1, c2]) for p in e["participants"]}
    assert "Prime" not in names


def test_a_nominal_party_refers_back_to_the_last_compatible_person():
    text = ("Qin Gang met US Ambassador Nicholas Burns on Monday. Later, Qin said the meeting "
            "with the American envoy had been candid.")
    s = spans_in(text)
    c1 = Candidate(s("occurred", "met"), [s("PARTICIPANT", "Qin Gang"), s("AFFILIATION", "US"),
                                         s("TITLE", "Ambassador"), s("PARTICIPANT", "Nicholas Burns")])
    c2 = Candidate(s("occurred", "meeting"), [s("PARTICIPANT", "Qin", 1), s("PARTICIPANT", "the American envoy")])
    (event,) = assemble(text, "2023-05-08", [c1, c2])
    burns = event["participants"][1]
    assert burns["name"] == "Nicholas Burns" and "the American envoy" in [m["text"] for m in burns["mentions"]]


def test_the_same_parties_on_different_days_are_two_meetings():
    text = "Lavrov met Blinken on Monday. Lavrov met Blinken again on Thursday."
    s = spans_in(text)
    cands = [Candidate(s("occurred", "met", k), [s("PARTICIPANT", "Lavrov", k), s("PARTICIPANT", "Blinken", k),
                                                 s("DATE", day)]) for k, day in ((0, "on Monday"), (1, "on Thursday"))]
    events = assemble(text, "2023-05-12", cands)
    assert [e["date"]["value"] for e in events] == ["2023-05-08", "2023-05-11"]


def test_a_meeting_in_another_month_is_another_meeting():
    # A month has no day value, yet "last met in June" is not the September meeting; a month
    # phrase tagged in another sentence of the window keeps no meeting apart.
    text = ("Carney met Sheinbaum on Thursday at the palace. Carney met Sheinbaum again in talks that ran "
            "late. Carney and Sheinbaum last met in June in Kananaskis.")
    s = spans_in(text)

    def cand(k: int, date: str | None = None) -> Candidate:
        return Candidate(s("occurred", "met", k), [s("PARTICIPANT", "Carney", k), s("PARTICIPANT", "Sheinbaum", k)]
                         + ([s("DATE", date)] if date else []))

    events = assemble(text, "2025-09-18", [cand(0, "on Thursday"), cand(1, "in June"), cand(2, "in June")])
    starts = [m.start() for m in re.finditer("met", text)]
    assert [[m["start"] for m in e["trigger_mentions"]] for e in events] == [starts[:2], starts[2:]]
    assert [e["date"]["precision"] for e in events] == ["day", "month"]


def test_a_one_party_visit_joins_only_a_meeting_with_a_host_of_the_visited_country():
    def events(host_affiliation: str, host: str) -> list[list[str]]:
        text = (f"Brazilian President Lula met {host_affiliation} President {host} on Friday. "
                "Lula also made a trip to Beijing.")
        s = spans_in(text)
        met = Candidate(s("occurred", "met"), [
            s("AFFILIATION", "Brazilian"), s("TITLE", "President"), s("PARTICIPANT", "Lula"),
            s("AFFILIATION", host_affiliation), s("TITLE", "President", 1), s("PARTICIPANT", host),
            s("DATE", "on Friday")])
        trip = Candidate(s("occurred", "trip"), [s("PARTICIPANT", "Lula", 1), s("LOCATION", "Beijing")])
        return [[p["name"] for p in e["participants"]] for e in assemble(text, "2023-04-14", [met, trip])]

    # The trip is not the talks with the American: Beijing is its host (GUIDELINES 1.2).
    assert events("US", "Joe Biden") == [["Lula", "Joe Biden"], ["Lula", "Beijing"]]
    # With the Chinese president it is a mention of that meeting.
    assert events("Chinese", "Xi Jinping") == [["Lula", "Xi Jinping"]]


def test_a_summit_mention_does_not_join_a_bilateral_on_its_sidelines():
    text = "Modi met Sunak on Saturday. The summit of Modi, Sunak, Biden and Lula closed on Sunday."
    s = spans_in(text)
    bilateral = Candidate(s("occurred", "met"), [s("PARTICIPANT", "Modi"), s("PARTICIPANT", "Sunak")])
    summit = Candidate(s("occurred", "summit"), [s("PARTICIPANT", name, 1 if name in ("Modi", "Sunak") else 0)
                                                 for name in ("Modi", "Sunak", "Biden", "Lula")])
    events = assemble(text, None, [bilateral, summit])
    assert [len(e["participants"]) for e in events] == [2, 4]


def test_party_mentions_tagged_without_confidence_are_left_out():
    text = "Qin Gang met Nicholas Burns, Reuters reporter Jane Roe wrote."
    s = spans_in(text)
    c = Candidate(s("occurred", "met"), [s("PARTICIPANT", "Qin Gang"), s("PARTICIPANT", "Nicholas Burns"),
                                        s("PARTICIPANT", "Jane Roe", score=0.85)])
    (event,) = assemble(text, None, [c])
    assert [p["name"] for p in event["participants"]] == ["Qin Gang", "Nicholas Burns"]


def test_a_visited_country_tagged_a_party_with_less_certainty_is_the_host():
    text = "Trade Minister David Parker will visit China later this month, officials said."
    s = spans_in(text)
    host = Candidate(s("planned", "visit"), [s("PARTICIPANT", "David Parker"), s("PARTICIPANT", "China", score=0.76)])
    (event,) = assemble(text, None, [host])
    assert [p["name"] for p in event["participants"]] == ["David Parker", "China"]
    # Under the floor the country is no party of a meeting that has its two (the floor keeps
    # bystanders out); alone beside one party it completes the mention (second_party).
    text = "Trade Minister David Parker will visit Wang Wentao in China later this month, officials said."
    s = spans_in(text)
    weak = Candidate(s("planned", "visit"), [s("PARTICIPANT", "David Parker"), s("PARTICIPANT", "Wang Wentao"),
                                             s("PARTICIPANT", "China", score=0.5)])
    (event,) = assemble(text, None, [weak])
    assert [p["name"] for p in event["participants"]] == ["David Parker", "Wang Wentao"]


def test_an_affiliation_a_clause_away_describes_nobody():
    text = ("Joe Biden met Xi Jinping on Monday; aides said the talks touched on trade, tariffs and "
            "the long-running dispute over China's export controls on rare metals.")
    s = spans_in(text)
    c = Candidate(s("occurred", "met"), [s("PARTICIPANT", "Joe Biden"), s("PARTICIPANT", "Xi Jinping"),
                                        s("AFFILIATION", "China")])
    biden, xi = assemble(text, None, [c])[0]["participants"]
    assert biden["country"] is None and xi["affiliation"] is None


def test_a_mention_inside_another_mention_of_the_same_party_is_not_listed():
    text = "Qin Gang met Nicholas Burns in Beijing."
    s = spans_in(text)
    c = Candidate(s("occurred", "met"), [s("PARTICIPANT", "Qin Gang"), s("PARTICIPANT", "Gang"),
                                        s("PARTICIPANT", "Nicholas Burns")])
    qin = assemble(text, None, [c])[0]["participants"][0]
    assert [m["text"] for m in qin["mentions"]] == ["Qin Gang"]


def test_a_headline_nominal_refers_forward_to_the_party_named_later():
    text = "Anwar meets the senior general in Bangkok. Anwar Ibrahim met Senior General Min Aung Hlaing on Friday."
    s = spans_in(text)
    headline = Candidate(s("occurred", "meets"), [s("PARTICIPANT", "Anwar"), s("PARTICIPANT", "the senior general")])
    body = Candidate(s("occurred", "met"), [s("PARTICIPANT", "Anwar Ibrahim"), s("TITLE", "Senior General"),
                                           s("PARTICIPANT", "Min Aung Hlaing")])
    (event,) = assemble(text, None, [headline, body])
    assert [p["name"] for p in event["participants"]] == ["Anwar Ibrahim", "Min Aung Hlaing"]
    assert "the senior general" in [m["text"] for m in event["participants"][1]["mentions"]]


def test_a_name_with_an_arabic_article_joins_its_bare_surname():
    text = ("Antony Blinken met Abdel Fattah al-Sisi in Cairo. Blinken told Sisi that aid would flow. "
            "Sisi thanked him.")
    s = spans_in(text)
    c1 = Candidate(s("occurred", "met"), [s("PARTICIPANT", "Antony Blinken"), s("PARTICIPANT", "Abdel Fattah al-Sisi")])
    c2 = Candidate(s("occurred", "told"), [s("PARTICIPANT", "Blinken", 1), s("PARTICIPANT", "Sisi", 1)])
    (event,) = assemble(text, None, [c1, c2])
    assert [p["name"] for p in event["participants"]] == ["Antony Blinken", "Abdel Fattah al-Sisi"]
    sisi = [m["start"] for m in event["participants"][1]["mentions"] if m["text"] == "Sisi"]
    assert sorted(sisi) == [text.index("Sisi that"), text.index("Sisi thanked")]  # tagged, and an untagged repeat


def test_a_capitalised_description_is_a_nominal_not_a_name():
    text = ("China envoy meets Blinken. Antony Blinken met Chinese diplomat Liu Jianchao on Monday, "
            "the State Department said.")
    s = spans_in(text)
    headline = Candidate(s("occurred", "meets"), [s("PARTICIPANT", "China envoy"), s("PARTICIPANT", "Blinken")])
    body = Candidate(s("occurred", "met"), [s("PARTICIPANT", "Antony Blinken"), s("AFFILIATION", "Chinese"),
                                           s("TITLE", "diplomat"), s("PARTICIPANT", "Liu Jianchao")])
    (event,) = assemble(text, "2024-01-16", [headline, body])
    assert [p["name"] for p in event["participants"]] == ["Liu Jianchao", "Antony Blinken"]  # first mentioned first
    assert "China envoy" in [m["text"] for m in event["participants"][0]["mentions"]]


def test_a_byline_is_never_a_party():
    text = ("China envoy meets Blinken\nJane Doe\nJane Doein Washington\nAntony Blinken met Liu Jianchao "
            "on Monday. Jane said little.")
    s = spans_in(text)
    headline = Candidate(s("occurred", "meets"), [s("PARTICIPANT", "Jane Doe"), s("PARTICIPANT", "Blinken")])
    body = Candidate(s("occurred", "met"), [s("PARTICIPANT", "Jane Doein"), s("PARTICIPANT", "Antony Blinken"),
                                           s("PARTICIPANT", "Liu Jianchao"), s("PARTICIPANT", "Jane", 2)])
    (event,) = assemble(text, "2024-01-16", [headline, body])
    assert [p["name"] for p in event["participants"]] == ["Antony Blinken", "Liu Jianchao"]


def test_a_third_party_named_by_one_report_of_three_is_dropped():
    text = ("Antony Blinken met Wang Yi in Beijing. The meeting came as Putin watched on. "
            "Blinken said the talks with Wang were candid.")
    s = spans_in(text)
    met = Candidate(s("occurred", "met"), [s("PARTICIPANT", "Antony Blinken"), s("PARTICIPANT", "Wang Yi")])
    meeting = Candidate(s("occurred", "meeting"), [s("PARTICIPANT", "Antony Blinken"), s("PARTICIPANT", "Wang Yi"),
                                                   s("PARTICIPANT", "Putin")])
    talks = Candidate(s("occurred", "talks"), [s("PARTICIPANT", "Blinken", 1), s("PARTICIPANT", "Wang", 1)])
    (event,) = assemble(text, None, [met, meeting, talks])
    assert [p["name"] for p in event["participants"]] == ["Antony Blinken", "Wang Yi"]
    assert len(event["trigger_mentions"]) == 3


def test_a_date_span_cut_short_is_read_whole():
    text = "On 2 October 2023 Antony Blinken met Wang Yi in Beijing."
    s = spans_in(text)
    met = Candidate(s("occurred", "met"), [s("DATE", "On 2"), s("PARTICIPANT", "Antony Blinken"),
                                           s("PARTICIPANT", "Wang Yi")])
    (event,) = assemble(text, "2023-10-05", [met])
    assert (event["date"]["text"], event["date"]["value"]) == ("On 2 October 2023", "2023-10-02")


def test_an_unresolved_nominal_is_a_party_only_when_its_event_names_none():
    text = "Antony Blinken met the next leader. Separately, the Pope met the Iranian president."
    s = spans_in(text)
    bystander = Candidate(s("occurred", "met"), [s("PARTICIPANT", "Antony Blinken"),
                                                 s("PARTICIPANT", "the next leader")])
    nominals = Candidate(s("occurred", "met", 1), [s("PARTICIPANT", "the Pope"),
                                                   s("PARTICIPANT", "the Iranian president")])
    (event,) = assemble(text, None, [bystander, nominals])
    assert [p["name"] for p in event["participants"]] == ["the Pope", "the Iranian president"]


def test_a_byline_word_that_belongs_to_a_party_s_name_stays():
    text = "Kim meets Yoon\nKim Tong-hyung\nKim Jong Un met Yoon Suk Yeol on Monday."
    s = spans_in(text)
    headline = Candidate(s("occurred", "meets"), [s("PARTICIPANT", "Kim"), s("PARTICIPANT", "Yoon")])
    body = Candidate(s("occurred", "met"), [s("PARTICIPANT", "Kim Tong-hyung"), s("PARTICIPANT", "Kim Jong Un"),
                                           s("PARTICIPANT", "Yoon Suk Yeol")])
    (event,) = assemble(text, "2024-01-16", [headline, body])
    assert [p["name"] for p in event["participants"]] == ["Kim Jong Un", "Yoon Suk Yeol"]
    assert "Kim" in [m["text"] for m in event["participants"][0]["mentions"]]


def test_a_third_party_named_by_half_the_reports_stays():
    text = "Antony Blinken met Wang Yi and Cho Tae-yul in Seoul. The talks with Wang were candid."
    s = spans_in(text)
    met = Candidate(s("occurred", "met"), [s("PARTICIPANT", "Antony Blinken"), s("PARTICIPANT", "Wang Yi"),
                                           s("PARTICIPANT", "Cho Tae-yul")])
    talks = Candidate(s("occurred", "talks"), [s("PARTICIPANT", "Antony Blinken"), s("PARTICIPANT", "Wang", 1)])
    (event,) = assemble(text, None, [met, talks])
    assert [p["name"] for p in event["participants"]] == ["Antony Blinken", "Wang Yi", "Cho Tae-yul"]


def test_scoring_cuts_events_at_the_calibrators_threshold():
    import dataclasses

    from pipeline.calibration import Calibrator
    from pipeline.evaluate import score
    from pipeline.schema import Document

    doc = Document(id="d", text=TEXT)
    met, meeting, visit = candidates()
    unsure = [met, meeting, Candidate(dataclasses.replace(visit.trigger, score=0.5), visit.args)]
    everything = score([doc], [unsure], Calibrator())
    # Raw confidences are kept where no map was fitted: 0.9 * 0.9 for the meeting, 0.5 * 0.9 for the visit.
    assert [e["confidence"] for e in everything.predictions[0]["events"]] == [0.81, 0.45]
    assert everything.metrics["event_threshold"] == 0.0
    cut = score([doc], [unsure], Calibrator(event_threshold=0.6))
    assert [e["trigger"]["text"] for e in cut.predictions[0]["events"]] == ["met"]
    assert cut.metrics["events_predicted"] == 1 and cut.metrics["event_threshold"] == 0.6


def test_the_threshold_is_fitted_with_the_map_and_only_with_it():
    import dataclasses

    from pipeline.evaluate import calibrate_on
    from pipeline.schema import Document, Entity, Event, Span

    def gold(i: int) -> Document:
        spans = [Span("t", "TRIGGER", TEXT.index("met"), TEXT.index("met") + 3, "met")]
        for name, ent in (("Qin Gang", "qin"), ("Nicholas Burns", "burns")):
            spans.append(Span(ent, "PARTICIPANT", TEXT.index(name), TEXT.index(name) + len(name), name, entity=ent))
        return Document(f"d{i}", TEXT, spans, [Entity("qin", "Qin Gang"), Entity("burns", "Nicholas Burns")],
                        [Event("e1", "occurred", ["t"], ["qin", "burns"])])

    def cands(i: int) -> list[Candidate]:
        met, meeting, visit = candidates()
        # The right meeting always more certain than the wrong visit, with some spread for the map.
        return [met, meeting, Candidate(dataclasses.replace(visit.trigger, score=0.2 + 0.02 * i), visit.args)]

    docs = [gold(i) for i in range(12)]
    cal = calibrate_on(docs, [cands(i) for i in range(12)])
    # 12 right meetings ranked above 12 wrong visits: the best cut keeps exactly the 12 (F1 1.0),
    # and the threshold is a quarter of that.
    assert cal.event is not None and cal.event_threshold == 0.25
    few = calibrate_on(docs[:2], [cands(i) for i in range(2)])  # too few events for a map: raw scores, no cut
    assert few.event is None and few.event_threshold == 0.0


@pytest.mark.parametrize("mention,kept", [
    ("Xi", True), ("Li", True), ("US", True), ("EU", True), ("Wang Yi", True), ("the premier", True),
    ("He", False), ("In", False), ("Mr", False), ("a", False), ("A", False), ("I", False), ("leader", False),
    ("--", False), ("xi", False), ("Mr.", False), ("Mr Burns", True), ("Sir Keir Starmer", True), ("Dr Tedros", True),
])
def test_plausible_party_keeps_short_surnames_and_drops_tagging_debris(mention, kept):
    assert plausible_party(mention) is kept


def test_a_shared_surname_goes_to_the_person_the_story_named_first():
    # "Li" after Li Keqiang's passing mention is still the premier the story is about.
    text = ("Premier Li Qiang met Anthony Albanese in Canberra on Monday, the first such visit since "
            "Li Keqiang came in 2017. Li and Albanese signed five agreements.")
    s = spans_in(text)
    c1 = Candidate(s("occurred", "met"), [s("PARTICIPANT", "Li Qiang"), s("PARTICIPANT", "Anthony Albanese")])
    c2 = Candidate(s("occurred", "signed"), [s("PARTICIPANT", "Li", 2), s("PARTICIPANT", "Albanese", 1)])
    c3 = Candidate(s("occurred", "visit"), [s("PARTICIPANT", "Li Keqiang")])
    (event,) = assemble(text, "2024-06-17", [c1, c2, c3])
    li = event["participants"][0]
    assert li["name"] == "Li Qiang"
    assert [m["text"] for m in li["mentions"]] == ["Li Qiang", "Li"]


def test_a_country_party_takes_no_title():
    # "Foreign Minister" beside "China" is its minister's, untagged here, not the country's.
    text = ("US climate envoy John Kerry is expected to make the long-delayed trip to China soon, "
            "China's Foreign Minister told reporters.")
    s = spans_in(text)
    c = Candidate(s("planned", "trip"), [s("AFFILIATION", "US"), s("TITLE", "climate envoy"),
                                        s("PARTICIPANT", "John Kerry"), s("PARTICIPANT", "China"),
                                        s("TITLE", "Foreign Minister")])
    (event,) = assemble(text, None, [c])
    kerry, china = event["participants"]
    assert (kerry["name"], kerry["title"], kerry["country"]) == ("John Kerry", "climate envoy", "USA")
    assert (china["name"], china["title"], china["title_mention"], china["country"]) == ("China", None, None, "CHN")


def test_a_title_goes_to_the_name_it_precedes_though_another_window_tagged_that_name():
    # The second window did not tag Burns; its "ambassador" is still his, not Qin's.
    text = ("Foreign Minister Qin Gang met Nicholas Burns on Monday. The meeting of Qin and the US "
            "ambassador Nicholas Burns was the first since February.")
    s = spans_in(text)
    met = Candidate(s("occurred", "met"), [s("PARTICIPANT", "Qin Gang"), s("PARTICIPANT", "Nicholas Burns")])
    meeting = Candidate(s("occurred", "meeting"), [s("PARTICIPANT", "Qin", 1), s("PARTICIPANT", "Nicholas Burns", 1),
                                                  s("AFFILIATION", "US"), s("TITLE", "ambassador")])
    recap = Candidate(s("occurred", "first"), [s("PARTICIPANT", "Qin", 1), s("TITLE", "ambassador")])
    (event,) = assemble(text, "2023-05-08", [met, meeting, recap])
    qin, burns = event["participants"]
    assert (qin["title"], burns["title"], burns["country"]) == (None, "ambassador", "USA")


def test_a_country_that_modifies_a_person_is_no_party():
    text = "Qin Gang met the US ambassador Nicholas Burns in Beijing on Monday."
    s = spans_in(text)
    c = Candidate(s("occurred", "met"), [s("PARTICIPANT", "Qin Gang"), s("PARTICIPANT", "US"),
                                        s("TITLE", "ambassador"), s("PARTICIPANT", "Nicholas Burns")])
    (event,) = assemble(text, "2023-05-08", [c])
    assert [p["name"] for p in event["participants"]] == ["Qin Gang", "Nicholas Burns"]
    # The possessive the tagger often cuts with the country changes nothing.
    text = "China's Qin Gang met Nicholas Burns in Beijing on Monday."
    s = spans_in(text)
    c = Candidate(s("occurred", "met"), [s("PARTICIPANT", "China's"), s("PARTICIPANT", "Qin Gang"),
                                        s("PARTICIPANT", "Nicholas Burns")])
    (event,) = assemble(text, "2023-05-08", [c])
    assert [p["name"] for p in event["participants"]] == ["Qin Gang", "Nicholas Burns"]
    # A country standing alone is a party ("talks between Qin and the US").
    text = "Qin Gang held talks with the US in Beijing on Monday."
    s = spans_in(text)
    c = Candidate(s("occurred", "talks"), [s("PARTICIPANT", "Qin Gang"), s("PARTICIPANT", "US")])
    assert [p["name"] for p in assemble(text, "2023-05-08", [c])[0]["participants"]] == ["Qin Gang", "US"]


def test_a_capital_or_demonym_and_its_country_are_one_party_named_by_the_country():
    text = ("A Ukrainian delegation met Polish officials in Warsaw on Monday. Ukraine and Poland agreed "
            "on grain transit. A visit to Niger was called off; Niamey had asked for talks with Niger's "
            "neighbours.")
    s = spans_in(text)
    met = Candidate(s("occurred", "met"), [s("PARTICIPANT", "Ukrainian"), s("PARTICIPANT", "Polish")])
    agreed = Candidate(s("occurred", "agreed"), [s("PARTICIPANT", "Ukraine"), s("PARTICIPANT", "Poland")])
    # The tagger's two parties of the called-off visit are one state: no meeting.
    visit = Candidate(s("cancelled", "visit"), [s("PARTICIPANT", "Niger"), s("PARTICIPANT", "Niamey")])
    (event,) = assemble(text, "2023-05-08", [met, agreed, visit])
    assert [p["name"] for p in event["participants"]] == ["Ukraine", "Poland"]
    assert [m["text"] for m in event["trigger_mentions"]] == ["met", "agreed"]
    ukraine = event["participants"][0]
    assert [m["text"] for m in ukraine["mentions"]] == ["Ukrainian", "Ukraine"]
    assert ukraine["country"] == "UKR"


def test_a_state_named_in_one_sentence_with_its_own_leader_is_no_party():
    text = ("Indian Prime Minister Modi met Sri Lankan President Sirisena in Colombo on Sunday, the first "
            "leader to visit Sri Lanka since the attacks.")
    s = spans_in(text)
    met = Candidate(s("occurred", "met"), [
        s("AFFILIATION", "Indian"), s("TITLE", "Prime Minister"), s("PARTICIPANT", "Modi"),
        s("AFFILIATION", "Sri Lankan"), s("TITLE", "President"), s("PARTICIPANT", "Sirisena"),
        s("PARTICIPANT", "Sri Lanka")])
    (event,) = assemble(text, "2019-06-09", [met])
    assert [p["name"] for p in event["participants"]] == ["Modi", "Sirisena"]
    # Named in another sentence, the leader leaves the talks between the two states alone.
    text = ("Biden and Chinese President Xi Jinping met in November. This week Chinese and American "
            "officials held talks at the Pentagon.")
    s = spans_in(text)
    talks = Candidate(s("occurred", "talks"), [
        s("PARTICIPANT", "Biden"), s("AFFILIATION", "Chinese"), s("TITLE", "President"),
        s("PARTICIPANT", "Xi Jinping"), s("PARTICIPANT", "Chinese", 1), s("PARTICIPANT", "American")])
    (event,) = assemble(text, "2024-01-12", [talks])
    assert [p["country"] for p in event["participants"]] == ["CHN", "USA"]


def test_a_title_before_a_name_tagged_without_confidence_is_that_persons_or_nobodys():
    text = ("Qin Gang met Nicholas Burns on Monday. Qin told Ambassador Nicholas Burns that ties must "
            "stabilise, spokesman Wang Wenbin said of the meeting.")
    s = spans_in(text)
    met = Candidate(s("occurred", "met"), [s("PARTICIPANT", "Qin Gang"), s("PARTICIPANT", "Nicholas Burns")])
    told = Candidate(s("occurred", "meeting"), [
        s("PARTICIPANT", "Qin", 1), s("TITLE", "Ambassador"), s("PARTICIPANT", "Nicholas Burns", 1, score=0.7),
        s("TITLE", "spokesman"), s("PARTICIPANT", "Wang Wenbin", score=0.5)])
    (event,) = assemble(text, "2023-05-08", [met, told])
    qin, burns = event["participants"]
    # "Ambassador" is Burns's though this window tagged him with too little certainty to be a
    # party here; "spokesman" is the bystander's, and nobody's among the parties.
    assert (qin["name"], qin["title"]) == ("Qin Gang", None)
    assert (burns["name"], burns["title"]) == ("Nicholas Burns", "Ambassador")


def test_a_surname_of_two_letters_is_a_party():
    text = "Lula met Xi in Beijing."
    (event,) = assemble(text, None, [met_candidate(text, 0, "Lula", "Xi")])
    assert [p["name"] for p in event["participants"]] == ["Lula", "Xi"]


def test_a_meeting_takes_the_day_its_mentions_agree_on_over_the_nearest_phrase():
    # The window of the first "met" also tags the other meeting's "on Monday", nearer its trigger
    # and more confident; the second report of the meeting names only Tuesday.
    text = "Blinken met Wang on Monday. Qin met Burns a day later, on Tuesday. The meeting of Qin and Burns ran long."
    c1 = Candidate(span(text, "occurred", "met", 1), [
        span(text, "PARTICIPANT", "Qin"), span(text, "PARTICIPANT", "Burns"),
        span(text, "DATE", "on Tuesday", score=0.6), span(text, "DATE", "on Monday", score=0.95)])
    c2 = Candidate(span(text, "occurred", "meeting"), [
        span(text, "PARTICIPANT", "Qin", 1), span(text, "PARTICIPANT", "Burns", 1), span(text, "DATE", "on Tuesday")])
    (event,) = assemble(text, "2023-05-10", [c1, c2])
    assert event["date"]["text"] == "on Tuesday" and event["date"]["value"] == "2023-05-09"


def test_a_meeting_takes_a_place_from_the_sentence_of_one_of_its_mentions():
    # The first mention's window also tags the place of the sentence before, nearer its trigger.
    text = "Macron stayed in Paris. Qin met Burns on Monday. The talks in Beijing ran long."
    parties = [span(text, "PARTICIPANT", "Qin"), span(text, "PARTICIPANT", "Burns")]
    c1 = Candidate(span(text, "occurred", "met"), parties + [span(text, "LOCATION", "Paris", score=0.95)])
    c2 = Candidate(span(text, "occurred", "talks"), parties + [span(text, "LOCATION", "Beijing", score=0.7)])
    (event,) = assemble(text, "2023-05-10", [c1, c2])
    assert event["location"]["text"] == "Beijing"


def test_one_pair_at_two_places_is_two_meetings_and_a_wider_place_name_is_the_same():
    text = ("Xi met Marcos in Bangkok last year. Xi held talks with Marcos in Beijing. "
            "The talks in the Great Hall in Beijing covered trade.")
    def c(trigger: str, nth: int, place: str, place_nth: int = 0) -> Candidate:
        parties = [span(text, "PARTICIPANT", "Xi", min(nth, 1)), span(text, "PARTICIPANT", "Marcos", min(nth, 1))]
        return Candidate(span(text, "occurred", trigger, nth), parties + [span(text, "LOCATION", place, place_nth)])
    events = assemble(text, "2023-01-04", [c("met", 0, "Bangkok"), c("talks", 0, "Beijing"),
                                           c("talks", 1, "Great Hall in Beijing")])
    assert [(e["location"]["text"], len(e["trigger_mentions"])) for e in events] == [("Bangkok", 1), ("Beijing", 2)]


def test_a_date_tagged_with_less_certainty_does_not_split_two_reports_of_a_meeting():
    # The second window half-tags the "in November" of another meeting's clause.
    text = ("Qin met Burns in Beijing on Monday. "
            "At the meeting Qin said ties had soured since Biden and Xi met in November.")
    s = spans_in(text)
    c1 = Candidate(s("occurred", "met"), [s("PARTICIPANT", "Qin"), s("PARTICIPANT", "Burns"), s("DATE", "on Monday")])
    c2 = Candidate(s("occurred", "meeting"), [s("PARTICIPANT", "Qin", 1), s("PARTICIPANT", "Burns"),
                                              s("DATE", "in November", score=0.52)])
    (event,) = assemble(text, "2023-05-10", [c1, c2])
    assert len(event["trigger_mentions"]) == 2 and event["date"]["value"] == "2023-05-08"


def test_two_reports_of_one_pair_on_one_day_are_one_meeting_whatever_places_they_name():
    text = "Trump meets Kim at the DMZ. Trump met Kim on Sunday. The meeting inside Freedom House on Sunday ran long."
    s = spans_in(text)
    c1 = Candidate(s("occurred", "meets"), [s("PARTICIPANT", "Trump"), s("PARTICIPANT", "Kim"),
                                            s("LOCATION", "DMZ"), s("DATE", "on Sunday")])
    c2 = Candidate(s("occurred", "meeting"), [s("PARTICIPANT", "Trump", 1), s("PARTICIPANT", "Kim", 1),
                                              s("LOCATION", "Freedom House"), s("DATE", "on Sunday", 1)])
    (event,) = assemble(text, "2019-06-30", [c1, c2])
    assert [m["text"] for m in event["trigger_mentions"]] == ["meets", "meeting"]
    assert event["date"]["value"] == "2019-06-30"


def test_places_tagged_together_for_one_mention_are_one_meeting_s_place():
    text = "Trudeau met Trump at Mar-a-Lago. The resort is in Florida. The dinner in Florida ran three hours."
    parties = [span(text, "PARTICIPANT", "Trudeau"), span(text, "PARTICIPANT", "Trump")]
    c1 = Candidate(span(text, "occurred", "met"), parties + [span(text, "LOCATION", "Mar-a-Lago"),
                                                             span(text, "LOCATION", "Florida")])
    c2 = Candidate(span(text, "occurred", "dinner"), parties + [span(text, "LOCATION", "Florida", 1)])
    (event,) = assemble(text, "2024-11-30", [c1, c2])
    assert len(event["trigger_mentions"]) == 2 and event["location"]["text"] == "Mar-a-Lago"


def test_a_repeated_full_name_is_one_mention_not_its_surname():
    # The surname used to win or lose against the full name by the order of a set of strings,
    # so output changed from one run to the next (PYTHONHASHSEED).
    text = ("Donald Trump met Justin Trudeau at Mar-a-Lago on Friday. "
            "Later, Donald Trump said Justin Trudeau had been candid; Trump called it a good dinner.")
    (ev,) = assemble(text, "2024-11-30", [met_candidate(text, 0, "Donald Trump", "Justin Trudeau", "on Friday")])
    trump = next(p for p in ev["participants"] if p["name"] == "Donald Trump")
    assert [m["text"] for m in trump["mentions"]] == ["Donald Trump", "Donald Trump", "Trump"]
    trudeau = next(p for p in ev["participants"] if p["name"] == "Justin Trudeau")
    assert [m["text"] for m in trudeau["mentions"]] == ["Justin Trudeau", "Justin Trudeau"]


def test_a_country_inside_a_longer_name_is_no_repeat_but_a_person_s_name_may_be():
    text = ("Vietnam Hosts China Over Sea Row\n"
            "Vietnam met China and Abiy met Isaias in Hanoi on Friday. The South China Sea came up, and "
            "China said Vietnam President Vo had been frank. Abiy Ahmed left early. Talks with China Monday")
    (ev1,) = assemble(text, "2024-11-30", [met_candidate(text, 0, "Vietnam", "China")])
    mentions = {p["name"]: [m["start"] for m in p["mentions"]] for p in ev1["participants"]}
    # The title-case headline keeps its names; "South China Sea" and "Vietnam President" do not count.
    # "China Monday" (no "on", as wire copy writes) is a mention: a day is no part of a name.
    assert mentions["China"] == [text.index("China"), text.index("China and"), text.index("China said"),
                                 text.index("China Monday")]
    assert mentions["Vietnam"] == [0, text.index("Vietnam met")]
    (ev2,) = assemble(text, "2024-11-30", [met_candidate(text, 0, "Abiy", "Isaias")])
    abiy = next(p for p in ev2["participants"] if p["name"] == "Abiy")
    assert [m["start"] for m in abiy["mentions"]] == [text.index("Abiy met"), text.index("Abiy Ahmed")]


def test_topic_debris_is_left_out():
    text = "Qin met Burns to discuss trade and a international and the war in Ukraine."
    c = met_candidate(text, 0, "Qin", "Burns")
    a = text.index(" a ") + 1
    c.args += [span(text, "TOPIC", "trade"), PredSpan("TOPIC", a, a + 1, 0.9),
               span(text, "TOPIC", "international and"), span(text, "TOPIC", "the war in Ukraine")]
    (ev,) = assemble(text, None, [c])
    assert [t["text"] for t in ev["topics"]] == ["trade", "the war in Ukraine"]


def test_a_title_from_across_a_coordination_is_debris():
    text = "Qin Gang met Nicholas Burns, who studied law and a veteran diplomat of his era."
    c = met_candidate(text, 0, "Qin Gang", "Nicholas Burns")
    c.args += [span(text, "TITLE", "and a veteran diplomat")]
    (ev,) = assemble(text, None, [c])
    assert [p["title"] for p in ev["participants"]] == [None, None]


def test_short_topics_that_are_acronyms_or_hold_a_digit_stay():
    text = "Qin met Burns to discuss AI, 5G and the EU."
    c = met_candidate(text, 0, "Qin", "Burns")
    c.args += [span(text, "TOPIC", "AI"), span(text, "TOPIC", "5G"), span(text, "TOPIC", "the EU")]
    (ev,) = assemble(text, None, [c])
    assert [t["text"] for t in ev["topics"]] == ["AI", "5G", "the EU"]


def test_evidence_covers_every_field_written_not_only_the_first_mention():
    text = ("Abe met Modi. Markets were calm. The talks were held in Tokyo on Monday. "
            "Trade was discussed.")
    s = spans_in(text)
    pair = [s("PARTICIPANT", "Abe", score=1.0), s("PARTICIPANT", "Modi", score=1.0)]
    c1 = Candidate(s("occurred", "met", score=1.0), pair)
    c2 = Candidate(s("occurred", "talks", score=1.0), [*pair, s("LOCATION", "Tokyo"), s("DATE", "on Monday")])
    (event,) = assemble(text, "2024-03-05", [c1, c2])
    assert event["location"]["text"] == "Tokyo" and event["date"]["text"] == "on Monday"
    ev = event["evidence"]
    assert text[ev["start"] : ev["end"]] == "Abe met Modi. Markets were calm. The talks were held in Tokyo on Monday."


def test_merged_parties_tell_a_country_from_a_name_that_contains_it():
    """Across reports a country is one party under any of its names, and never the same party as
    a person or body whose name contains it."""
    from pipeline.merge import _same_party

    def party(name: str) -> dict:
        return {"name": name}

    assert _same_party(party("US"), party("the United States"))
    assert _same_party(party("China"), party("China"))
    assert not _same_party(party("China"), party("Bank of China"))
    assert not _same_party(party("Jordan"), party("Michael Jordan"))
    assert not _same_party(party("China"), party("Taiwan"))
    assert _same_party(party("Qin"), party("Qin Gang"))
    assert not _same_party(party("the envoy"), party("the envoy"))


def test_country_goes_with_the_affiliation_shown():
    text = "American-born Canadian Bob Rae met Li. Canadian Bob Rae said Li agreed."
    s = spans_in(text)
    args = [s("AFFILIATION", "American"), s("AFFILIATION", "Canadian"), s("AFFILIATION", "Canadian", 1),
            s("PARTICIPANT", "Bob Rae"), s("PARTICIPANT", "Bob Rae", 1), s("PARTICIPANT", "Li"),
            s("PARTICIPANT", "Li", 1)]
    rae, li = assemble(text, None, [Candidate(s("occurred", "met"), args)])[0]["participants"]
    assert (rae["affiliation"], rae["affiliation_mention"]["start"], rae["country"]) == ("Canadian", 14, "CAN")
    assert li["country"] is None


def test_a_date_or_place_in_another_meetings_sentence_is_not_taken():
    text = "Scholz met Macron in Berlin on Monday. Kishida met Modi. Qin met Burns, who met Li on Friday."
    s = spans_in(text)
    # The window of the second "met" spans both sentences and tags the first one's place and day.
    first = Candidate(s("occurred", "met"), [s("PARTICIPANT", "Scholz"), s("PARTICIPANT", "Macron"),
                                             s("LOCATION", "Berlin"), s("DATE", "on Monday")])
    second = Candidate(s("occurred", "met", 1), [s("PARTICIPANT", "Kishida"), s("PARTICIPANT", "Modi"),
                                                 s("LOCATION", "Berlin"), s("DATE", "on Monday")])
    scholz, kishida = assemble(text, "2024-03-08", [first, second])
    assert (scholz["date"]["value"], scholz["location"]["text"]) == ("2024-03-04", "Berlin")
    assert kishida["date"] is None and kishida["location"] is None
    assert text[kishida["evidence"]["start"]:kishida["evidence"]["end"]] == "Kishida met Modi."
    # One sentence that reports two meetings is the sentence of both: its date stays available.
    third = Candidate(s("occurred", "met", 2), [s("PARTICIPANT", "Qin"), s("PARTICIPANT", "Burns"),
                                                s("DATE", "on Friday")])
    fourth = Candidate(s("occurred", "met", 3), [s("PARTICIPANT", "Burns"), s("PARTICIPANT", "Li"),
                                                 s("DATE", "on Friday")])
    qin, burns = assemble(text, "2024-03-08", [third, fourth])
    assert qin["date"]["value"] == burns["date"]["value"] == "2024-03-08"


def test_a_name_keeps_no_break_spaces_or_line_breaks_of_its_mention():
    text = "Qin\u00a0Gang met Nicholas\nBurns in Beijing."
    s = spans_in(text)
    c = Candidate(s("occurred", "met"), [s("PARTICIPANT", "Qin\u00a0Gang"), s("PARTICIPANT", "Nicholas\nBurns")])
    qin, burns = assemble(text, None, [c])[0]["participants"]
    assert (qin["name"], burns["name"]) == ("Qin Gang", "Nicholas Burns")
    assert qin["mentions"][0]["text"] == "Qin\u00a0Gang"  # the mention stays the text as written


def test_a_visited_country_tagged_as_a_place_is_the_host_of_a_visit_with_none_named():
    text = ("US Secretary of State Antony Blinken postponed a trip to Beijing on Saturday. "
            "She hosted Benjamin Netanyahu in Jerusalem in May. Wang Yi will visit Beijing's partners.")
    s = spans_in(text)
    trip = Candidate(s("cancelled", "trip"), [s("AFFILIATION", "US"), s("PARTICIPANT", "Antony Blinken"),
                                             s("LOCATION", "Beijing"), s("DATE", "on Saturday")])
    # The pronoun host is untagged; Jerusalem is where the meeting was, not a party to it.
    hosted = Candidate(s("occurred", "hosted"), [s("PARTICIPANT", "Benjamin Netanyahu"), s("LOCATION", "Jerusalem")])
    [event] = assemble(text, "2023-02-05", [trip, hosted])
    assert [(p["name"], p["country"]) for p in event["participants"]] == [("Antony Blinken", "USA"), ("Beijing", "CHN")]
    assert event["status"] == "cancelled" and event["location"] is None
    assert event["participants"][1]["mentions"][0]["start"] == text.index("Beijing")


def test_a_visit_to_a_partys_own_country_takes_no_host():
    text = "Chinese Foreign Minister Wang Yi cut short a visit to Beijing."
    s = spans_in(text)
    visit = Candidate(s("occurred", "visit"), [s("AFFILIATION", "Chinese"), s("PARTICIPANT", "Wang Yi"),
                                              s("LOCATION", "Beijing")])
    assert assemble(text, None, [visit]) == []


def test_a_place_before_or_after_a_meeting_word_is_where_it_was_not_its_host():
    text = "Khaled al-Mishri left the Abu Dhabi talks early. Josefina Vidal opened talks in Havana."
    s = spans_in(text)
    talks = Candidate(s("occurred", "talks"), [s("PARTICIPANT", "Khaled al-Mishri"), s("LOCATION", "Abu Dhabi")])
    opened = Candidate(s("occurred", "talks", 1), [s("PARTICIPANT", "Josefina Vidal"), s("LOCATION", "Havana")])
    assert assemble(text, None, [talks, opened]) == []
    # The same places after a word of travel are hosts (GUIDELINES 1.2).
    text = "Khaled al-Mishri left the Abu Dhabi stop early. Josefina Vidal made a trip to Havana."
    s = spans_in(text)
    stop = Candidate(s("occurred", "stop"), [s("PARTICIPANT", "Khaled al-Mishri"), s("LOCATION", "Abu Dhabi")])
    trip = Candidate(s("occurred", "trip"), [s("PARTICIPANT", "Josefina Vidal"), s("LOCATION", "Havana")])
    assert [[p["name"] for p in e["participants"]] for e in assemble(text, None, [stop, trip])] == [
        ["Khaled al-Mishri", "Abu Dhabi"], ["Josefina Vidal", "Havana"]]


def test_an_invitation_to_visit_takes_no_place_as_host():
    text = "Macri accepted an invitation to make an official visit to Canada. Macri will visit Chile."
    s = spans_in(text)
    invited = Candidate(s("planned", "visit"), [s("PARTICIPANT", "Macri"), s("LOCATION", "Canada")])
    plain = Candidate(s("planned", "visit", 1), [s("PARTICIPANT", "Macri", 1), s("LOCATION", "Chile")])
    # The inviter is the host (GUIDELINES 1.2); untagged here, so the invitation makes no event.
    assert [[p["name"] for p in e["participants"]] for e in assemble(text, None, [invited, plain])] == [
        ["Macri", "Chile"]]


def test_a_name_that_owns_a_relation_is_no_party_of_that_mention():
    text = "A week later Cho hosted Iwaya Takeshi, Kamikawa's successor, in Seoul."
    s = spans_in(text)
    c = Candidate(s("occurred", "hosted"), [s("PARTICIPANT", "Cho"), s("PARTICIPANT", "Iwaya Takeshi"),
                                            s("PARTICIPANT", "Kamikawa")])
    [event] = assemble(text, None, [c])
    assert [p["name"] for p in event["participants"]] == ["Cho", "Iwaya Takeshi"]


def test_a_mention_with_one_party_takes_a_name_tagged_below_the_floor_as_its_second():
    text = ("Modi held talks with Sultan Hassanal Bolkiah on Tuesday. Joly met Wang Yi in Jakarta, "
            "and Blinken sat down with Kuleba.")
    s = spans_in(text)
    talks = Candidate(s("occurred", "talks"), [s("PARTICIPANT", "Modi", score=0.97),
                                               s("PARTICIPANT", "Hassanal Bolkiah", score=0.62)])
    met = Candidate(s("occurred", "met"), [s("PARTICIPANT", "Joly"), s("PARTICIPANT", "Wang Yi")])
    # Joly is a party of the other meeting of the sentence, not a second party of this one.
    sat = Candidate(s("occurred", "sat down"), [s("PARTICIPANT", "Kuleba"), s("PARTICIPANT", "Joly", score=0.7)])
    events = assemble(text, None, [talks, met, sat])
    assert [[p["name"] for p in e["participants"]] for e in events] == [["Modi", "Hassanal Bolkiah"],
                                                                      ["Joly", "Wang Yi"]]
    # The name counts for what the tagger thought of it: the party's confidence stays low.
    assert events[0]["participants"][1]["confidence"] < events[0]["participants"][0]["confidence"]


def test_a_country_tagged_below_its_floor_completes_a_mention_with_one_party():
    text = "Rick Waters became the first senior US diplomat to visit mainland China since December."
    s = spans_in(text)
    visit = Candidate(s("occurred", "visit"), [s("PARTICIPANT", "Rick Waters", score=0.99),
                                               s("PARTICIPANT", "China", score=0.45)])
    [event] = assemble(text, None, [visit])
    assert [p["name"] for p in event["participants"]] == ["Rick Waters", "China"]


def test_a_country_in_the_possessive_goes_to_the_name_after_it_not_the_one_before():
    text = ("On Tuesday Sunak met Italy's Giorgia Meloni, Japan's Fumio Kishida and Canada’s Prime Minister "
            "Justin Trudeau in Bali.")
    s = spans_in(text)
    c = Candidate(s("occurred", "met"), [s("PARTICIPANT", "Sunak"), s("AFFILIATION", "Italy"),
                                        s("PARTICIPANT", "Giorgia Meloni"), s("AFFILIATION", "Japan"),
                                        s("PARTICIPANT", "Fumio Kishida"), s("AFFILIATION", "Canada"),
                                        s("TITLE", "Prime Minister"), s("PARTICIPANT", "Justin Trudeau")])
    (event,) = assemble(text, "2022-11-15", [c])
    assert [(p["name"], p["country"]) for p in event["participants"]] == [
        ("Sunak", None), ("Giorgia Meloni", "ITA"), ("Fumio Kishida", "JPN"), ("Justin Trudeau", "CAN")]
    assert event["participants"][3]["title"] == "Prime Minister"


def test_a_country_after_of_goes_to_the_name_before_it():
    text = ("Xi met Kassym-Jomart Tokayev of Kazakhstan, Sadyr Japarov of Kyrgyzstan and Emomali Rahmon, "
            "President of Tajikistan, in Xi'an on Thursday.")
    s = spans_in(text)
    c = Candidate(s("occurred", "met"), [s("PARTICIPANT", "Xi"), s("PARTICIPANT", "Kassym-Jomart Tokayev"),
                                        s("AFFILIATION", "Kazakhstan"), s("PARTICIPANT", "Sadyr Japarov"),
                                        s("AFFILIATION", "Kyrgyzstan"), s("PARTICIPANT", "Emomali Rahmon"),
                                        s("TITLE", "President"), s("AFFILIATION", "Tajikistan")])
    (event,) = assemble(text, "2023-05-18", [c])
    assert [p["country"] for p in event["participants"]] == [None, "KAZ", "KGZ", "TJK"]


def test_a_country_written_before_a_name_outside_every_window_gives_the_party_its_country():
    # The windows tagged no affiliation: the first paragraph's "Turkish President" and "Sweden's" say it.
    text = ("Turkish President Tayyip Erdogan spoke in Ankara. Sweden's Ulf Kristersson was not there. "
            "In Kyiv Zelensky waited. U.S. Secretary of State Antony Blinken flew in.\n\n"
            "On Friday Erdogan met Kristersson, Blinken and Zelensky.")
    s = spans_in(text)
    c = Candidate(s("occurred", "met"), [s("PARTICIPANT", "Erdogan", 1), s("PARTICIPANT", "Kristersson", 1),
                                        s("PARTICIPANT", "Blinken", 1), s("PARTICIPANT", "Zelensky", 1)])
    (event,) = assemble(text, "2023-03-17", [c])
    # A capital before a name says where, not whose: Zelensky gets no country from "In Kyiv".
    assert [(p["name"], p["country"]) for p in event["participants"]] == [
        ("Erdogan", "TUR"), ("Kristersson", "SWE"), ("Blinken", "USA"), ("Zelensky", None)]


def test_a_title_that_names_a_country_gives_the_party_its_country():
    text = "Prime Minister of Norway Jonas Gahr Store met Special Envoy for Ukraine Kurt Volker on Monday."
    s = spans_in(text)
    c = Candidate(s("occurred", "met"), [s("TITLE", "Prime Minister of Norway"), s("PARTICIPANT", "Jonas Gahr Store"),
                                        s("TITLE", "Special Envoy for Ukraine"), s("PARTICIPANT", "Kurt Volker")])
    (event,) = assemble(text, "2023-05-08", [c])
    assert [p["country"] for p in event["participants"]] == ["NOR", None]


def test_a_title_written_before_a_name_outside_every_window_is_the_party_s():
    # No window reached the first paragraph; "President" is a title the windows tagged for Putin.
    text = ("Turkish President Tayyip Erdogan spoke in Ankara. Prime Minister of Sweden Ulf Kristersson was away.\n\n"
            "On Friday Erdogan met President Vladimir Putin and Kristersson.")
    s = spans_in(text)
    c = Candidate(s("occurred", "met"), [s("PARTICIPANT", "Erdogan", 1), s("TITLE", "President", 1),
                                        s("PARTICIPANT", "Vladimir Putin"), s("PARTICIPANT", "Kristersson", 1),
                                        s("TITLE", "Prime Minister of")])  # a cut title, tagged elsewhere
    (event,) = assemble(text, "2023-03-17", [c])
    erdogan, putin, kristersson = event["participants"]
    assert (erdogan["title"], putin["title"]) == ("President", "President")
    assert text[erdogan["title_mention"]["start"]:erdogan["title_mention"]["end"]] == "President"
    assert erdogan["title_mention"]["start"] == text.index("President")  # the first paragraph's
    assert kristersson["title"] is None  # no title ends with "of"


@pytest.mark.parametrize("before, trigger, after, expected", [
    ("Xie Feng also attended the ", "meeting", ", as did Kritenbrink.", "attended"),
    ("Taking part in the ", "talks", " on the Argentine side were Cafiero and Kulfas.", "attended"),
    ("Rutte sat in on that ", "session", ".", "attended"),
    ("Trump did not join the ", "talks", ", a White House official said.", "absent"),
    ("Ramaphosa is not expected to attend the ", "signing", " himself.", "absent"),
    ("Macron attended the ", "meeting", " of EU leaders in Brussels.", None),  # another meeting, described
    ("Qin held ", "talks", " with Burns.", None),
])
def test_attendance_mentions(before, trigger, after, expected):
    from pipeline.roles import attendance

    text = before + trigger + after
    assert attendance(text, Candidate(span(text, "occurred", trigger), [])) == expected


ATTENDED = ("Antony Blinken met Liu Jianchao in Washington on Friday. They held talks on Taiwan and "
            "discussions on fentanyl. Xie Feng also attended the meeting, as did Daniel Kritenbrink. "
            "The meeting on Friday was closed to the press.")


def test_attendees_join_the_meeting_they_attended():
    s = spans_in(ATTENDED)
    pair = [s("PARTICIPANT", "Antony Blinken"), s("PARTICIPANT", "Liu Jianchao")]
    attendees = [s("PARTICIPANT", "Xie Feng"), s("PARTICIPANT", "Daniel Kritenbrink")]
    met = Candidate(s("occurred", "met"), pair + [s("DATE", "on Friday"), s("LOCATION", "Washington")])
    attended = Candidate(s("occurred", "meeting"), attendees)
    # Named once among four reports of the meeting, the attendees still take part in it.
    events = assemble(ATTENDED, "2024-01-13", [met, Candidate(s("occurred", "talks"), pair),
                                               Candidate(s("occurred", "discussions"), pair), attended])
    assert [[p["name"] for p in e["participants"]] for e in events] == [
        ["Antony Blinken", "Liu Jianchao", "Xie Feng", "Daniel Kritenbrink"]]
    # "The meeting on Friday" borrows the attendees from the sentence before: it founds a group of
    # its own, which the attendance mention brings to the meeting.
    later = Candidate(s("occurred", "meeting", 1), attendees + [s("DATE", "on Friday", 1)])
    events = assemble(ATTENDED, "2024-01-13", [met, attended, later])
    assert len(events) == 1
    assert [m["text"] for m in events[0]["trigger_mentions"]] == ["met", "meeting", "meeting"]
    assert events[0]["date"]["value"] == "2024-01-12"


def test_attendance_on_another_day_is_another_meeting():
    text = "Macron met Scholz in Berlin on Monday. Rutte and Costa attended the summit on Thursday."
    s = spans_in(text)
    met = Candidate(s("occurred", "met"), [s("PARTICIPANT", "Macron"), s("PARTICIPANT", "Scholz"),
                                           s("DATE", "on Monday")])
    summit = Candidate(s("occurred", "summit"), [s("PARTICIPANT", "Rutte"), s("PARTICIPANT", "Costa"),
                                                 s("DATE", "on Thursday")])
    events = assemble(text, "2025-03-08", [met, summit])
    assert [[p["name"] for p in e["participants"]] for e in events] == [["Macron", "Scholz"], ["Rutte", "Costa"]]


def test_who_did_not_join_the_talks_is_no_party():
    text = "Maros Sefcovic met Howard Lutnick in Washington on Monday. Donald Trump did not join the talks."
    s = spans_in(text)
    met = Candidate(s("occurred", "met"), [s("PARTICIPANT", "Maros Sefcovic"), s("PARTICIPANT", "Howard Lutnick")])
    talks = Candidate(s("occurred", "talks"), [s("PARTICIPANT", "Maros Sefcovic"), s("PARTICIPANT", "Howard Lutnick"),
                                               s("PARTICIPANT", "Donald Trump")])
    (event,) = assemble(text, "2025-02-20", [met, talks])
    assert [p["name"] for p in event["participants"]] == ["Maros Sefcovic", "Howard Lutnick"]


def test_a_country_in_a_title_s_remit_is_not_its_holder_s():
    text = ("Blinken met Xie Feng on Friday, with Deputy Assistant Secretary of State for China and Taiwan "
            "Mark Lambert. The talks lasted an hour.")
    s = spans_in(text)
    title = s("TITLE", "Deputy Assistant Secretary of State for China and Taiwan")
    met = Candidate(s("occurred", "met"), [s("PARTICIPANT", "Blinken"), s("PARTICIPANT", "Xie Feng"), title,
                                           s("PARTICIPANT", "Mark Lambert")])
    # Another window tags the remit's last country as an affiliation of the name after it.
    talks = Candidate(s("occurred", "talks"), [s("PARTICIPANT", "Blinken"), s("PARTICIPANT", "Xie Feng"),
                                               s("AFFILIATION", "Taiwan", score=0.6), s("PARTICIPANT", "Mark Lambert")])
    (event,) = assemble(text, "2024-01-13", [met, talks])
    lambert = event["participants"][2]
    assert (lambert["name"], lambert["title"], lambert["affiliation"], lambert["country"]) == (
        "Mark Lambert", "Deputy Assistant Secretary of State for China and Taiwan", None, None)


def test_a_spokesperson_is_no_party():
    text = ("Qin Gang met Nicholas Burns in Beijing on Monday. Foreign Ministry spokesman Wang Wenbin called "
            "the exchange a normal diplomatic meeting.")
    s = spans_in(text)
    met = Candidate(s("occurred", "met"), [s("PARTICIPANT", "Qin Gang"), s("PARTICIPANT", "Nicholas Burns"),
                                           s("DATE", "on Monday")])
    exchange = Candidate(s("occurred", "exchange"), [s("PARTICIPANT", "Qin Gang"), s("PARTICIPANT", "Wang Wenbin")])
    events = assemble(text, "2023-05-10", [met, exchange])
    assert [[p["name"] for p in e["participants"]] for e in events] == [["Qin Gang", "Nicholas Burns"]]
    assert [m["text"] for m in events[0]["trigger_mentions"]] == ["met", "exchange"]



PROFILE = ("Naledi Pandor ran South Africa's foreign ministry for five years. Pandor came to the post from "
           "science. In August 2022 she hosted Antony Blinken in Pretoria. Pandor said the talks were frank.")


def profile_events(text: str, trigger: str = "hosted") -> list[dict]:
    """The trigger's window tagged Blinken alone, and "the talks" the three Pandors: each names one party."""
    s = spans_in(text)
    blinken = Candidate(s("occurred", trigger), [s("PARTICIPANT", "Antony Blinken")])
    talks = Candidate(s("occurred", "talks"), [s("PARTICIPANT", "Naledi Pandor"), s("PARTICIPANT", "Pandor", 1),
                                               s("PARTICIPANT", "Pandor", 2)])
    return assemble(text, None, [blinken, talks])


def test_a_pronoun_subject_is_the_article_s_protagonist():
    (event,) = profile_events(PROFILE)
    assert [p["name"] for p in event["participants"]] == ["Antony Blinken", "Naledi Pandor"]
    assert [m["text"] for m in event["trigger_mentions"]] == ["hosted", "talks"]


def test_no_protagonist_for_a_pronoun_that_is_not_the_subject_or_with_no_clear_protagonist():
    # "she said the visit": a determiner stands between the pronoun and the trigger.
    assert profile_events(PROFILE.replace("she hosted Antony Blinken", "she said the visit by Antony Blinken"),
                          "visit") == []
    # Named as often as Blinken, Pandor is no protagonist.
    tie = PROFILE.replace("science.", "science. Antony Blinken called. Antony Blinken wrote.")
    s = spans_in(tie)
    cands = [Candidate(s("occurred", "hosted"), [s("PARTICIPANT", "Antony Blinken", k) for k in range(3)]),
             Candidate(s("occurred", "talks"), [s("PARTICIPANT", "Naledi Pandor"), s("PARTICIPANT", "Pandor", 1),
                                                s("PARTICIPANT", "Pandor", 2)])]
    assert assemble(tie, None, cands) == []


def test_the_protagonist_is_not_the_pronoun_of_another_meeting_of_the_sentence():
    text = ("Alberto Fernández toured the region. Fernández spoke in Lima. In Buenos Aires Fernández received "
            "Michelle Bachelet, and she held talks with Gabriel Boric.")
    s = spans_in(text)
    fernandez = [s("PARTICIPANT", "Alberto Fernández")] + [s("PARTICIPANT", "Fernández", k) for k in (1, 2)]
    received = Candidate(s("occurred", "received"), fernandez + [s("PARTICIPANT", "Michelle Bachelet")])
    talks = Candidate(s("occurred", "talks"), [s("PARTICIPANT", "Gabriel Boric")])
    events = assemble(text, None, [received, talks])
    assert [[p["name"] for p in e["participants"]] for e in events] == [["Alberto Fernández", "Michelle Bachelet"]]
