import pytest

from pipeline.countries import country_code


@pytest.mark.parametrize("text,code", [
    ("Chinese", "CHN"), ("US", "USA"), ("U.S.", "USA"), ("Kremlin", "RUS"), ("American", "USA"),
    ("Indian", "IND"), ("Saudi", "SAU"), ("Philippine", "PHL"), ("South Korean", "KOR"),
    ("Nigerian", "NGA"), ("Niger", "NER"), ("Chinese Ministry of Commerce", "CHN"),
    ("ASEAN", None), ("Communist Party's International Department", None), (None, None),
])
def test_country_code(text, code):
    assert country_code(text) == code
