import pytest

from pipeline.countries import country_code, is_country_name, is_state_name, title_country, written_country


@pytest.mark.parametrize("text,code", [
    ("Chinese", "CHN"), ("US", "USA"), ("U.S.", "USA"), ("Kremlin", "RUS"), ("American", "USA"),
    ("Indian", "IND"), ("Saudi", "SAU"), ("Philippine", "PHL"), ("South Korean", "KOR"),
    ("Nigerian", "NGA"), ("Niger", "NER"), ("Chinese Ministry of Commerce", "CHN"),
    ("ASEAN", None), ("Communist Party's International Department", None), (None, None),
])
def test_country_code(text, code):
    assert country_code(text) == code


@pytest.mark.parametrize("text,code", [
    ("North America and Oceania division of the Chinese foreign ministry", "CHN"),
    ("Community of Latin American and Caribbean States", None), ("Ibero-American", None),
    ("Organization of American States", None), ("Inter-American Development Bank", None),
    ("OSCE mission to Moldova", None), ("Embassy of Chile in Washington", "CHL"),
    ("Chinese embassy in Washington", "CHN"), ("Alternative for Germany", "DEU"),
    ("Island", None), ("Turks", None),
])
def test_a_region_a_posting_or_an_english_word_is_no_country(text, code):
    assert country_code(text) == code


@pytest.mark.parametrize("text,answer", [
    ("China", True), ("the United States", True), ("US", True), ("Kremlin", True), ("China's", True),
    ("Philippines'", True), ("Bank of China", False), ("Michael Jordan", False), ("China's envoy", False),
])
def test_a_country_name_is_the_whole_phrase_possessive_or_not(text, answer):
    assert is_country_name(text) is answer


@pytest.mark.parametrize("text,answer", [
    ("Ukraine", True), ("the US", True), ("Viet Nam", True), ("China's", True),
    ("Ukrainian", False), ("Kyiv", False), ("Kremlin", False), ("Qin Gang", False),
])
def test_a_state_name_is_the_country_not_its_people_or_capital(text, answer):
    assert is_state_name(text) is answer


def test_costa_alone_is_a_surname_and_costa_rica_a_country():
    assert (country_code("Costa Rica"), country_code("António Costa")) == ("CRI", None)


@pytest.mark.parametrize("name,titled,code", [
    ("Santiago Cafiero", True, None),  # a titled person whose name holds a capital
    ("Santiago Cafiero", False, "CHL"),  # untitled: it may be a place or a body
    ("Canada's prime minister", True, "CAN"), ("China", True, "CHN"), ("Chinese Foreign Ministry", False, "CHN"),
])
def test_a_party_s_name_implies_a_country_unless_it_is_a_titled_person_s(name, titled, code):
    from pipeline.entities import name_country

    assert name_country(name, titled) == code


@pytest.mark.parametrize("title,code", [
    ("Prime Minister of Norway", "NOR"), ("President of the Republic of Finland", "FIN"),
    ("Minister for Foreign Affairs of Ireland", "IRL"), ("Ambassador of Spain to Colombia", "ESP"),
    ("special envoy for Ukraine", None), ("ambassador to China", None),
    ("Deputy Assistant Secretary of State for China and Taiwan", None), ("President", None),
])
def test_a_title_names_its_holder_s_country_not_a_posting_or_remit(title, code):
    assert title_country(title) == code


@pytest.mark.parametrize("text,code", [
    ("Turkish", "TUR"), ("Rwanda's", "RWA"), ("the US", "USA"), ("South Korean", "KOR"),
    ("Kyiv", None), ("Beijing's", None), ("President", None),
])
def test_a_country_written_before_a_name_is_a_state_or_its_people_not_a_capital(text, code):
    assert written_country(text) == code
