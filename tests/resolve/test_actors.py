"""Actor KB: resolution, roles, affiliations and in-text recognition."""

from __future__ import annotations


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tightrope.resolve.actors import ActorKB, ActorMention, find_actors, normalise
from tightrope.resolve.kb import load_kb


@pytest.fixture(scope="module")
def kb() -> ActorKB:
    return ActorKB.load()


# ---------------------------------------------------------------- resolution

SAME = [
    ("Hezbollah Brigades", "Kataib Hezbollah"),
    ("Kata'ib Hizballah", "Kataib Hezbollah"),
    ("KH", "Kataib Hezbollah"),
    ("Brigade 45", "Kataib Hezbollah"),
    ("Kataib Sayyid al-Shuhada", "Kataeb Sayyid al-Shuhada"),
    ("KSS", "Kataib Sayyid al-Shuhada"),
    ("Islamic Resistance in Iraq", "IRI"),
    ("Popular Mobilization Forces", "Popular Mobilisation Forces"),
    ("Popular Mobilization Forces", "PMF"),
    ("Hashd al-Shaabi", "PMU"),
    ("Mohammed Shia al-Sudani", "Al-Sudani"),
    ("Mohammed Shia al-Sudani", "Sudani"),
    ("Asa'ib Ahl al-Haq", "AAH"),
    ("Asaib", "League of the Righteous"),
    ("Harakat Hezbollah al-Nujaba", "Nujaba"),
    ("Houthis", "Ansar Allah"),
    ("US", "Washington"),
    ("U.S.", "United States of America"),
    ("Israel Defense Forces", "IDF"),
    ("IRGC", "Revolutionary Guards"),
    ("UN Security Council", "UNSC"),
    ("Security Council", "United Nations Security Council"),
    ("ISIS", "Daesh"),
    ("Islamic Resistance in the Land of the Two Holy Mosques", "MIBH"),
    ("Shafaq News", "Shafaq News Agency"),
    ("Benjamin Netanyahu", "Netanyahu"),
    ("Gideon Sa'ar", "Gideon Saar"),
]


@pytest.mark.parametrize("a,b", SAME)
def test_same_actor(kb, a, b):
    ra, rb = kb.resolve(a), kb.resolve(b)
    assert ra.actor_id is not None, ra
    assert ra.actor_id == rb.actor_id, (ra, rb)


DIFFERENT = [
    ("Hezbollah", "Kataib Hezbollah"),
    ("Hezbollah", "Hezbollah Brigades"),
    ("Quds Force", "al-Quds Brigades"),
    ("Islamic State", "Islamic State Khorasan Province"),
    ("Kataib Hezbollah", "Kataib Sayyid al-Shuhada"),
    ("Iran", "IRGC"),
    ("Popular Mobilization Forces", "Iraqi Security Forces"),
]


@pytest.mark.parametrize("a,b", DIFFERENT)
def test_different_actors(kb, a, b):
    ra, rb = kb.resolve(a), kb.resolve(b)
    assert ra.actor_id and rb.actor_id and ra.actor_id != rb.actor_id, (ra, rb)


@pytest.mark.parametrize("name,actor_id,method", [
    ("Kataib Hezbollah", "kataib_hezbollah", "exact"),
    ("kataib hezbollah", "kataib_hezbollah", "exact"),
    ("Hezbollah", "hezbollah", "exact"),
    ("Hezbollah Brigades", "kataib_hezbollah", "alias"),
    ("PMF", "popular_mobilization_forces", "alias"),
    ("U.S", "united_states", "alias"),
    ("Kata’ib Hizbullah", "kataib_hezbollah", "normalised"),
    ("the Houthis", "houthis", "normalised"),
    ("Popular Mobilisation Force", "popular_mobilization_forces", "normalised"),
    ("Kataib Hezbolah", "kataib_hezbollah", "fuzzy"),
    ("Asaib Ahl al-Haqk", "asaib_ahl_al_haq", "fuzzy"),
    ("Brigades of the Blue Moon", None, "unknown"),
    ("the group", None, "unknown"),
    ("us", None, "unknown"),  # acronyms are case-sensitive
    ("kh", None, "unknown"),
    ("", None, "unknown"),
])
def test_resolve_method(kb, name, actor_id, method):
    r = kb.resolve(name)
    assert (r.actor_id, r.method) == (actor_id, method), r
    if actor_id:
        assert r.canonical_name == kb.get(actor_id).name
    assert 0 <= r.score <= 100


def test_unknown_reports_best_score(kb):
    r = kb.resolve("Brigades of the Blue Moon")
    assert r.actor_id is None and 0 < r.score < 90


@pytest.mark.parametrize("name,ctx,expected", [
    ("Foreign Ministry", None, None),
    ("Foreign Ministry", "IQ", "iraqi_foreign_ministry"),
    ("Foreign Ministry", "IL", "israeli_foreign_ministry"),
    ("Foreign Ministry", "ir", "iranian_foreign_ministry"),
    ("Islamic Resistance", None, None),
    ("Islamic Resistance", "IQ", "islamic_resistance_in_iraq"),
    ("Islamic Resistance", "LB", "hezbollah"),
    ("National Security Council", "IQ", "iraqi_national_security_council"),
    ("National Security Council", "US", "us_national_security_council"),
    ("Barzani", None, None),
])
def test_ambiguous_aliases_need_context(kb, name, ctx, expected):
    r = kb.resolve(name, context_country=ctx)
    assert r.actor_id == expected, r
    if expected is None:
        assert r.method == "ambiguous"


def test_context_boosts_fuzzy_match(kb):
    # Borderline misspelling: context country and type may only tip, never invent.
    plain = kb.resolve("Kataeb Hezbolla")
    boosted = kb.resolve("Kataeb Hezbolla", context_country="IQ", actor_type="armed_group")
    assert boosted.actor_id == "kataib_hezbollah"
    assert boosted.score >= plain.score
    assert kb.resolve("Brigades of the Blue Moon", context_country="IQ", actor_type="armed_group").actor_id is None


# ---------------------------------------------------------------- roles & affiliations

@pytest.mark.parametrize("actor_id,date,expected", [
    ("mohammed_shia_al_sudani", None, ("Prime Minister", "iraq")),
    ("mohammed_shia_al_sudani", "2023-11-01", ("Prime Minister", "iraq")),
    ("mohammed_shia_al_sudani", "2021-01-01", None),
    ("gideon_saar", "2024-12-15", ("Foreign Minister", "israel")),
    ("gideon_saar", "2024-06-01", None),
    ("israel_katz", "2024-06-01", ("Foreign Minister", "israel")),
    ("israel_katz", None, ("Defense Minister", "israel")),
    ("eli_cohen", "2023-06-01", ("Foreign Minister", "israel")),
    ("benjamin_netanyahu", "2021-08-01", None),
    ("benjamin_netanyahu", "2015-01-01", ("Prime Minister", "israel")),
    ("joe_biden", "2024-02-01", ("President", "united_states")),
    ("joe_biden", "2025-02-01", None),
    ("donald_trump", "2025-02-01", ("President", "united_states")),
    ("lloyd_austin", "2024-01-28", ("Secretary of Defense", "united_states")),
    ("qasim_al_araji", None, ("National Security Adviser", "iraq")),
    ("falih_al_fayyadh", None, ("Chairman", "popular_mobilization_forces")),
    ("hassan_nasrallah", "2024-10-15", None),
    ("naim_qassem", "2024-11-01", ("Secretary-General", "hezbollah")),
    ("iraq", None, None),
])
def test_role_of(kb, actor_id, date, expected):
    assert kb.role_of(actor_id, date) == expected


@pytest.mark.parametrize("subject,relation,obj", [
    ("kataib_hezbollah", "member_of", "islamic_resistance_in_iraq"),
    ("kataib_sayyid_al_shuhada", "member_of", "islamic_resistance_in_iraq"),
    ("harakat_hezbollah_al_nujaba", "member_of", "islamic_resistance_in_iraq"),
    ("kataib_hezbollah", "affiliated_with", "popular_mobilization_forces"),
    ("asaib_ahl_al_haq", "affiliated_with", "popular_mobilization_forces"),
    ("islamic_resistance_in_iraq", "part_of", "axis_of_resistance"),
    ("islamic_resistance_in_iraq", "backed_by", "iran"),
    ("popular_mobilization_forces", "part_of", "iraq"),
    ("axis_of_resistance", "backed_by", "iran"),
    ("houthis", "part_of", "axis_of_resistance"),
    ("hezbollah", "part_of", "axis_of_resistance"),
    ("hamas", "part_of", "axis_of_resistance"),
    ("al_qassam_brigades", "part_of", "hamas"),
    ("islamic_resistance_in_bilad_al_haramayn", "front_for", "islamic_resistance_in_iraq"),
    ("idf", "part_of", "israel"),
    ("us_central_command", "part_of", "us_military"),
    ("quds_force", "part_of", "irgc"),
    ("irgc", "part_of", "iran"),
])
def test_affiliations(kb, subject, relation, obj):
    affs = kb.get(subject).affiliations
    assert any(a.relation == relation and a.object_id == obj for a in affs), affs


def test_member_of_iri_dated_and_sourced(kb):
    for aid in ("kataib_hezbollah", "kataib_sayyid_al_shuhada", "harakat_hezbollah_al_nujaba"):
        aff = next(a for a in kb.get(aid).affiliations if a.object_id == "islamic_resistance_in_iraq")
        assert aff.start == "2023-10" and aff.source
    pmf = next(a for a in kb.get("popular_mobilization_forces").affiliations if a.object_id == "iraq")
    assert "2016" in pmf.source


def test_kb_shape(kb):
    actors = kb.actors()
    curated = [a for a in actors if a.origin != "iso3166"]
    assert 150 <= len(curated) <= 320
    # Every ISO 3166 country resolves, curated or not ("Chad", "Burkina Faso").
    assert len({a.country for a in actors if a.actor_type == "state"}) >= 249
    types = {a.actor_type for a in actors}
    assert types <= {"state", "state_force", "government_body", "armed_group", "coalition", "person",
                     "media", "igo", "party", "organisation", "think_tank"}
    for aid in ("iraq", "israel", "united_states", "iran", "syria", "lebanon", "saudi_arabia"):
        assert kb.get(aid).actor_type == "state"
    assert all(not a.roles for a in actors if a.actor_type != "person")
    assert kb.get("kataib_hezbollah").to_row()["actor_id"] == "kataib_hezbollah"


def test_surface_forms(kb):
    forms = set(kb.surface_forms())
    assert ("KH", "kataib_hezbollah", True) in forms
    assert ("Hezbollah Brigades", "kataib_hezbollah", False) in forms
    assert ("Iraqi", "iraq", True) in forms
    assert ("Washington", "united_states", True) in forms
    assert kb.metonyms()["Tehran"] == "iran"


def test_default_load_is_cached():
    assert ActorKB.load() is ActorKB.load()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_normalise_is_idempotent_and_total(text):
    once = normalise(text)
    assert normalise(once) == once


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_resolve_never_raises(text):
    r = ActorKB.load().resolve(text)
    assert r.actor_id is None or ActorKB.load().get(r.actor_id) is not None


# ---------------------------------------------------------------- recognition

FIND = [
    ("Kataib Hezbollah fired at the base.", [("Kataib Hezbollah", "kataib_hezbollah", "exact")]),
    ("Kata'ib Hizballah and Hezbollah are different groups.",
     [("Kata'ib Hizballah", "kataib_hezbollah", "alias"), ("Hezbollah", "hezbollah", "exact")]),
    ("Iran-backed militias hit US forces.",
     [("Iran", "iran", "adjectival"), ("US forces", "us_military", "alias")]),
    ("The US-led coalition responded.", [("US-led coalition", "global_coalition_against_daesh", "alias")]),
    ("An Iran-aligned faction claimed it.", [("Iran", "iran", "adjectival")]),
    ("Iraqi officials and Israeli troops", [("Iraqi officials", "iraq", "alias"), ("Israeli troops", "idf", "alias")]),
    ("An Iraqi drone", [("Iraqi", "iraq", "demonym")]),
    ("Washington warned Tehran.", [("Washington", "united_states", "metonym"), ("Tehran", "iran", "metonym")]),
    ("CENTCOM said the PMF was not involved.",
     [("CENTCOM", "us_central_command", "acronym"), ("PMF", "popular_mobilization_forces", "acronym")]),
    ("Prime Minister Mohammed Shia' al-Sudani met al-Sudani's advisers.",
     [("Mohammed Shia' al-Sudani", "mohammed_shia_al_sudani", "alias"),
      ("al-Sudani", "mohammed_shia_al_sudani", "alias")]),
    ("the Popular Mobilisation Forces (Hashd al-Shaabi)",
     [("Popular Mobilisation Forces", "popular_mobilization_forces", "alias"),
      ("Hashd al-Shaabi", "popular_mobilization_forces", "alias")]),
    ("Asa’ib Ahl al-Haq leader Qais al-Khazali",
     [("Asa’ib Ahl al-Haq", "asaib_ahl_al_haq", "exact"), ("Qais al-Khazali", "qais_al_khazali", "exact")]),
    ("he told us the group and the militia would respond", []),
    ("a gallant effort", []),  # case-sensitive surname "Gallant"
    ("Defense Minister Gallant said", [("Gallant", "yoav_gallant", "alias")]),
    ("the kh of it", []),
    ("The Foreign Ministry said", []),  # ambiguous without a country
    ("Islamic Resistance in Iraq claimed attacks on Eilat, according to Shafaq News.",
     [("Islamic Resistance in Iraq", "islamic_resistance_in_iraq", "exact"),
      ("Shafaq News", "shafaq_news", "exact")]),
]


@pytest.mark.parametrize("text,expected", FIND, ids=[t[:40] for t, _ in FIND])
def test_find_actors(text, expected):
    got = [(m.text, m.actor_id, m.method) for m in find_actors(text)]
    assert got == expected


@pytest.mark.parametrize("ctx,expected", [(None, []), ("IQ", ["iraqi_foreign_ministry"]), ("IL", ["israeli_foreign_ministry"])])
def test_find_actors_ambiguous_needs_context(ctx, expected):
    assert [m.actor_id for m in find_actors("The Foreign Ministry said", context_country=ctx)] == expected


def test_find_actors_offsets_and_fields():
    text = "Sources said the Islamic Resistance in Iraq, backed by Iran, struck."
    ms = find_actors(text, offset=100)
    assert [m.actor_id for m in ms] == ["islamic_resistance_in_iraq", "iran"]
    for m in ms:
        assert isinstance(m, ActorMention)
        assert text[m.start - 100:m.end - 100] == m.text
    assert ms[0].canonical == "Islamic Resistance in Iraq" and ms[0].actor_type == "coalition"


def test_find_actors_accepts_doc():
    from tightrope.extract.nlp import make_doc

    doc = make_doc("Hezbollah Brigades and KH")
    assert [m.actor_id for m in find_actors(doc)] == ["kataib_hezbollah", "kataib_hezbollah"]


def test_find_actors_with_explicit_kb(tmp_path):
    path = tmp_path / "kb.yaml"
    path.write_text("version: 1\nactors:\n- id: blue_moon\n  name: Brigades of the Blue Moon\n  type: armed_group\n")
    kb = ActorKB(load_kb([path]))
    assert [m.actor_id for m in find_actors("the Brigades of the Blue Moon and Hezbollah", kb)] == ["blue_moon"]
