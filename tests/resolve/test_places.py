"""Gazetteer lookups and place recognition."""

from __future__ import annotations


import pytest

from tightrope.errors import KnowledgeBaseError
from tightrope.resolve.places import Gazetteer, PlaceMention, find_places, read_places_csv
from tightrope.settings import DATA_DIR


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def test_curated_csv_is_valid():
    rows, errors = read_places_csv(DATA_DIR / "places.csv")
    assert errors == []
    assert len([r for r in rows if r["kind"] != "stoplist"]) >= 150


@pytest.mark.parametrize("body,line,reason", [
    ("X,,city,1,2,IQ,,1\n", 2, "expected 9 columns"),
    ("X,,village,1,2,IQ,,1,\n", 2, "unknown kind"),
    ("X,,city,north,2,IQ,,1,\n", 2, "must be numbers"),
    ("X,,city,95,2,IQ,,1,\n", 2, "out of range"),
    ("# comment\nX,,city,1,2,IQ,,4,\n", 3, "geo_precision"),
    ("X,,city,1,2,Iraq,,1,\n", 2, "bad country_code"),
])
def test_bad_csv_rows_have_lines(tmp_path, body, line, reason):
    path = tmp_path / "places.csv"
    path.write_text("name,aliases,kind,latitude,longitude,country_code,admin1,geo_precision,note\n" + body)
    _, errors = read_places_csv(path)
    assert len(errors) == 1 and errors[0].line == line and reason in errors[0].reason
    assert isinstance(errors[0], KnowledgeBaseError)


# name, context, expected name, country code, kind, precision, (lat, lon) or None
LOOKUP = [
    ("Harir", None, "Harir Air Base", "IQ", "base", 1, (36.54, 44.35)),
    ("Harir base", None, "Harir Air Base", "IQ", "base", 1, None),
    ("Al Asad", None, "Ain al-Asad Air Base", "IQ", "base", 1, (33.79, 42.44)),
    ("Erbil", None, "Erbil", "IQ", "city", 1, (36.19, 44.01)),
    ("Arbil", None, "Erbil", "IQ", "city", 1, None),
    ("Erbil governorate", None, "Erbil Governorate", "IQ", "admin1", 3, None),
    ("Tower 22", None, "Tower 22", "JO", "base", 1, (33.32, 38.69)),
    ("al-Tanf", None, "al-Tanf", "SY", "base", 1, None),
    ("Golan Heights", None, "Golan Heights", "IL", "region", 2, (33.0, 35.75)),
    ("Hudaydah", None, "Hodeidah", "YE", "city", 1, (14.80, 42.95)),
    ("al-Hudaydah", None, "Hodeidah", "YE", "city", 1, None),
    ("Gaza", None, "Gaza Strip", "PS", "region", 2, None),
    ("Dahiyeh", None, "Dahiyeh", "LB", "suburb", 1, None),
    ("Umm al-Rashrash", None, "Eilat", "IL", "city", 1, None),
    ("Jurf al-Nasr", None, "Jurf al-Sakhar", "IQ", "town", 2, None),
    ("Red Sea", None, "Red Sea", None, "sea", 3, None),
    ("Strait of Hormuz", None, "Strait of Hormuz", None, "strait", 2, None),
    ("Anbar", None, "Anbar", "IQ", "admin1", 3, None),
    ("Salahuddin", None, "Salah al-Din", "IQ", "admin1", 3, None),
    ("Syria", None, "Syria", "SY", "country", 3, None),
    ("Iran", None, "Iran", "IR", "country", 3, None),
    ("Russia", None, "Russia", "RU", "country", 3, None),
    ("US", None, "United States", "US", "country", 3, None),
    ("Islamic Republic of Iran", None, "Iran", "IR", "country", 3, None),
    ("Washington", None, "Washington, D.C.", "US", "city", 1, None),
    ("Tikrit", None, "Tikrit", "IQ", "city", 1, None),
    ("tikrit", None, "Tikrit", "IQ", "city", 1, None),
    ("Damascus", None, "Damascus", "SY", "city", 1, None),  # population beats Damascus, US
    ("Tripoli", None, "Tripoli", "LY", "city", 1, None),
    ("Tripoli", "LB", "Tripoli", "LB", "city", 1, None),  # context country beats population
    ("Jordan", None, "Jordan", "JO", "country", 3, None),
]


@pytest.mark.parametrize("name,ctx,expected,cc,kind,precision,coords", LOOKUP,
                         ids=[f"{r[0]}-{r[1]}" for r in LOOKUP])
def test_lookup(gaz, name, ctx, expected, cc, kind, precision, coords):
    p = gaz.lookup(name, context_country=ctx)
    assert p is not None
    assert (p.name, p.country_code, p.kind, p.geo_precision) == (expected, cc, kind, precision)
    if coords:
        assert abs(p.latitude - coords[0]) < 0.1 and abs(p.longitude - coords[1]) < 0.1


@pytest.mark.parametrize("name,admin1", [
    ("Tower 22", "Mafraq"), ("Harir Air Base", "Erbil"), ("Mosul", "Nineveh"), ("Tikrit", "Salah al-Din"),
    ("Ramadi", "Anbar"), ("Karbala", "Karbala"), ("Nasiriyah", "Dhi Qar"), ("Homs", "Homs"),
    ("Nabatieh", "Nabatieh"), ("Irbid", "Irbid"),
])
def test_admin1(gaz, name, admin1):
    p = gaz.lookup(name)
    assert p is not None and p.admin1 == admin1, p


@pytest.mark.parametrize("name", ["Narnia", "", "Brigades of the Blue Moon"])
def test_lookup_unknown(gaz, name):
    assert gaz.lookup(name) is None


@pytest.mark.parametrize("query,expected", [
    ("IQ", "Iraq"), ("iq", "Iraq"), ("PS", "Palestine"), ("US", "United States"), ("IR", "Iran"),
    ("Islamic Republic of Iran", "Iran"), ("Syrian Arab Republic", "Syria"), ("Britain", "United Kingdom"),
    ("XX", None), ("Narnia", None), ("Erbil", None),
])
def test_country_of(gaz, query, expected):
    assert gaz.country_of(query) == expected


def test_metonyms(gaz):
    assert gaz.metonym_of("Washington") == "united_states"
    assert gaz.metonym_of("Erbil") == "kurdistan_regional_government"
    assert gaz.metonym_of("Mosul") is None


FIND = [
    ("Drones struck Harir Air Base in Erbil and Ain al-Asad.",
     [("Harir Air Base", "Harir Air Base"), ("Erbil", "Erbil"), ("Ain al-Asad", "Ain al-Asad Air Base")]),
    ("An attack on Tower 22 in Jordan", [("Tower 22", "Tower 22"), ("Jordan", "Jordan")]),
    ("a target in the Jordan Valley", [("Jordan Valley", "Jordan Valley")]),
    ("strikes on Beirut's southern suburbs", [("Beirut's southern suburbs", "Dahiyeh")]),
    ("in southern Lebanon and the occupied Golan Heights",
     [("southern Lebanon", "southern Lebanon"), ("occupied Golan Heights", "Golan Heights")]),
    ("Houthis fired from Hodeidah into the Red Sea and the Gulf of Aden.",
     [("Hodeidah", "Hodeidah"), ("Red Sea", "Red Sea"), ("Gulf of Aden", "Gulf of Aden")]),
    ("Iraqi forces in Tikrit and Mosul", [("Tikrit", "Tikrit"), ("Mosul", "Mosul")]),
    ("Officials were Nice about it. Hit by drones on March 5, Austin said.", []),
    ("Mohammed Shia al-Sudani and Hassan Nasrallah", []),
    ("the Islamic Resistance in Iraq", [("Iraq", "Iraq")]),  # actor overlap is the caller's call
    ("U.S. and Tel\nAviv", [("U.S.", "United States"), ("Tel\nAviv", "Tel Aviv")]),
]


@pytest.mark.parametrize("text,expected", FIND, ids=[t[:40] for t, _ in FIND])
def test_find_places(text, expected):
    assert [(m.text, m.place.name) for m in find_places(text)] == expected


def test_find_places_offsets_and_context():
    text = "Clashes in Tripoli."
    ms = find_places(text, offset=10, context_country="LB")
    assert len(ms) == 1 and isinstance(ms[0], PlaceMention)
    assert text[ms[0].start - 10:ms[0].end - 10] == "Tripoli"
    assert ms[0].place.country_code == "LB"
    assert find_places(text)[0].place.country_code == "LY"


def test_stoplisted_names_still_look_up(gaz):
    assert gaz.lookup("Nice") is not None  # only recognition skips it
    assert find_places("Nice") == []
